"""The seed's pattern as the peer: one aiohttp session, asyncio.gather, a Semaphore of K.

usage: aiohttp_peer.py URL_FILE K [PER_HOST]
The session's connector holds at most K connections in use, like the Semaphore; PER_HOST (default
0: no limit of its own) caps those to one host, like fetchpipe's --per-host. Idle keep-alive
connections of any number of hosts are kept for reuse (aiohttp's default keep-alive timeout).
Prints one line: "<n> requests in <seconds> s (<f> failed)" measured from the first request to
the last response, the same span fetchpipe's summary line reports.
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


async def main(path, k, per_host):
    with open(path) as f:
        urls = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    semaphore = asyncio.Semaphore(k)
    connector = aiohttp.TCPConnector(limit=k, limit_per_host=per_host)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        results = await asyncio.gather(*(fetch(session, semaphore, u) for u in urls), return_exceptions=True)
        elapsed = time.perf_counter() - start
    failed = sum(1 for r in results if isinstance(r, BaseException))
    print(f"{len(urls)} requests in {elapsed:.3f} s ({failed} failed)")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0))
