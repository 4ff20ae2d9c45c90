"""A fresh process that opens a seeded store and measures it (run by ``bench.scale``):

    python -m bench.scale_probe --data-dir DIR --patients N --requests R

Prints one JSON line: resident memory before and after opening the store (VmRSS), the time to
open it, and the patient 360 view's latency (the handler path without HTTP) for R random
patients, each asking for their own record.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Sequence

from bench import operations
from bench.inprocess import InProcessApi, errors_of
from bench.population import patient_ids
from bench.stats import percentile
from graphdb.open import open_graph

WARMUP = 10


def status_kib(field: str) -> int:
    """A ``/proc/self/status`` figure in KiB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


async def patient_360_latencies(data_dir: Path, graph, patients: int, requests: int) -> list[float]:
    api = await InProcessApi.start(data_dir, http=False, graph=graph)
    try:
        rng = random.Random(11)
        ids = patient_ids(patients)
        chosen = [rng.choice(ids) for _ in range(WARMUP + requests)]
        tokens = {pid: api.token(pid, "patients") for pid in set(chosen)}
        latencies = []
        for n, pid in enumerate(chosen):
            started = time.perf_counter()
            response = await api.handle(tokens[pid], operations.PATIENT_360, operations.patient_360_variables(pid))
            elapsed = time.perf_counter() - started
            if errors_of(response) or response["data"]["patient"] is None:
                raise RuntimeError(f"patient 360 of {pid} failed: {errors_of(response)}")
            if n >= WARMUP:
                latencies.append(elapsed)
        return latencies
    finally:
        await api.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--patients", type=int, required=True)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)

    rss_before = status_kib("VmRSS")
    started = time.perf_counter()
    graph = open_graph(args.data_dir)
    open_seconds = time.perf_counter() - started
    rss_open = status_kib("VmRSS")
    latencies = asyncio.run(patient_360_latencies(args.data_dir, graph, args.patients, args.requests))
    print(json.dumps({
        "rss_before_kib": rss_before, "rss_open_kib": rss_open, "rss_after_kib": status_kib("VmRSS"),
        "peak_kib": status_kib("VmHWM"), "open_seconds": open_seconds, "requests": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
