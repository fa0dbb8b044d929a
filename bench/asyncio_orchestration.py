"""The asyncio side of the JMH orchestration benchmarks, in the shapes they compare with.

100 000 trivial coroutines per operation, each suspending once (``await asyncio.sleep(0)``) and
returning its index, as the benchmarks' ``async`` tasks complete once on another thread:
``gather`` under ``Semaphore(5)`` and ``Semaphore(64)``, ``as_completed`` under the same, and
the seed's producer/consumer over ``Queue(maxsize=5)`` with two consumers and a sentinel each.
Prints items per second for each, the median of REPS runs after one warm-up run.

Usage: python3 bench/asyncio_orchestration.py [REPS]   (default 5)
"""
import asyncio
import statistics
import sys
import time

ITEMS = 100_000


async def task(i, limit):
    async with limit:
        await asyncio.sleep(0)
        return i


async def gather(k):
    limit = asyncio.Semaphore(k)
    results = await asyncio.gather(*(task(i, limit) for i in range(ITEMS)))
    assert results[-1] == ITEMS - 1


async def as_completed(k):
    limit = asyncio.Semaphore(k)
    seen = 0
    for next_done in asyncio.as_completed([task(i, limit) for i in range(ITEMS)]):
        await next_done
        seen += 1
    assert seen == ITEMS


async def pipeline():
    queue = asyncio.Queue(maxsize=5)
    done = [0, 0]

    async def producer():
        for i in range(ITEMS):
            await queue.put(i)
        for _ in done:
            await queue.put(None)

    async def consumer(n):
        while True:
            item = await queue.get()
            if item is None:
                return
            await asyncio.sleep(0)
            done[n] += 1

    await asyncio.gather(producer(), consumer(0), consumer(1))
    assert sum(done) == ITEMS


def rate(make, reps):
    asyncio.run(make())  # warm-up
    rates = []
    for _ in range(reps):
        start = time.perf_counter()
        asyncio.run(make())
        rates.append(ITEMS / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"python {sys.version.split()[0]}, {ITEMS} items, median of {reps}")
    for k in (5, 64):
        print(f"gather, Semaphore({k}): {rate(lambda: gather(k), reps):,.0f} items/s")
    for k in (5, 64):
        print(f"as_completed, Semaphore({k}): {rate(lambda: as_completed(k), reps):,.0f} items/s")
    print(f"Queue(maxsize=5), 2 consumers: {rate(pipeline, reps):,.0f} items/s")


if __name__ == "__main__":
    main()
