"""The load generator: a separate process that sends GraphQL requests to a server with N
concurrent workers and prints one JSON line of statistics.

    python -m bench.loadgen < spec.json

The spec: ``{"url", "concurrency", "requests", "max_seconds", "warmup", "bodies": [{"token",
"body"}]}``; requests cycle through ``bodies``. The run stops after ``requests`` requests or
``max_seconds``, whichever comes first (warm-up requests are not counted). A request counts as
an error when the status is not 200 or the response carries ``errors``.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from typing import Any

import aiohttp

from bench.stats import percentile


async def _send(session: aiohttp.ClientSession, url: str, item: dict[str, str]) -> bool:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {item['token']}"}
    async with session.post(url, data=item["body"], headers=headers) as response:
        payload = await response.json(content_type=None)
        return response.status == 200 and not payload.get("errors")


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    url, concurrency = spec["url"], int(spec["concurrency"])
    bodies = [{"token": b["token"], "body": json.dumps(b["body"])} for b in spec["bodies"]]
    cycle = itertools.cycle(bodies)
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for _ in range(int(spec.get("warmup", 0))):
            await _send(session, url, next(cycle))
        remaining = int(spec["requests"])
        started = time.perf_counter()
        deadline = started + float(spec["max_seconds"])

        async def worker() -> None:
            nonlocal remaining, errors
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                sent = time.perf_counter()
                ok = await _send(session, url, next(cycle))
                latencies.append(time.perf_counter() - sent)
                errors += 0 if ok else 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }


def main() -> int:
    spec = json.load(sys.stdin)
    print(json.dumps(asyncio.run(run(spec))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
