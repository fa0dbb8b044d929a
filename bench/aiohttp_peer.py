"""The seed's pattern as the peer: one aiohttp session, asyncio.gather, a Semaphore of K.

usage: aiohttp_peer.py URL_FILE K
Prints one line: "<n> requests in <seconds> s" measured from the first request to the last
response, the same span fetchpipe's summary line reports.
"""
import asyncio
import sys
import time

import aiohttp


async def fetch(session, semaphore, url):
    async with semaphore:
        async with session.get(url) as response:
            body = await response.read()
            return response.status, len(body)


async def main(path, k):
    with open(path) as f:
        urls = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    semaphore = asyncio.Semaphore(k)
    connector = aiohttp.TCPConnector(limit=k)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        results = await asyncio.gather(*(fetch(session, semaphore, u) for u in urls), return_exceptions=True)
        elapsed = time.perf_counter() - start
    failed = sum(1 for r in results if isinstance(r, BaseException))
    print(f"{len(urls)} requests in {elapsed:.3f} s ({failed} failed)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
