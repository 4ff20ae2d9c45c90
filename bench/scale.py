"""4. Scale: seeded populations of 1k, 10k and 100k patients x 50 records. Per size: the time
to seed it, the store's size on disk, the resident memory of a fresh process that opens it,
the time to open it, and the patient 360 view's p50. Goal: p50 at 100k within 1.3x of p50 at
1k.

One store grows from size to size (the seed generator is deterministic, so the first 1k
patients of the 10k population are the 1k population). Seeding is the slow part: after each
size its rate decides whether the next fits in the time budget; a size that does not is
skipped, with the estimate, and the report says so.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from bench import operations
from bench.population import seed, store_bytes
from bench.report import Report, verdict
from graphdb.open import open_graph

GOAL_RATIO = 1.3
MIB = 1024 * 1024
REPO = Path(__file__).resolve().parents[1]


def probe(data_dir: Path, patients: int, requests: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale_probe", "--data-dir", str(data_dir),
         "--patients", str(patients), "--requests", str(requests)],
        capture_output=True, text=True, check=False, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"the scale probe failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def run(work_dir: Path, sizes: Sequence[int], records_per_patient: int, budget_seconds: float,
        requests: int) -> Report:
    report = Report("scale", f"4. Scale (seeded patients x {records_per_patient} records)")
    table = report.table("patients", "records", "seeding", "seed rate", "store on disk", "disk per record",
                         "RSS after open", "RSS of the graph", "graph per record", "open time",
                         "patient 360 p50", "p99")
    data_dir = work_dir / "scale"
    seeded, spent = 0, 0.0
    rate: Optional[float] = None
    measured: dict[int, dict[str, Any]] = {}
    skipped: dict[int, float] = {}
    for size in sorted(sizes):
        new_records = (size - seeded) * records_per_patient
        if rate is not None:
            estimate = new_records / rate
            if spent + estimate > budget_seconds:
                skipped[size] = estimate
                continue
        print(f"scale: seeding {size:,} patients x {records_per_patient} records"
              + (f" (about {_minutes(estimate)})" if rate is not None else "") + " ...", flush=True)
        client = open_graph(data_dir)
        try:
            summary = seed(client, size, records_per_patient, start=seeded)
        finally:
            client.close()
        spent += summary.seconds
        rate = summary.records / summary.seconds if summary.seconds > 0 else None
        seeded = size
        records = size * records_per_patient
        disk = store_bytes(data_dir)
        print(f"scale: {summary.records:,} records in {summary.seconds:.0f} s; probing ...", flush=True)
        figures = probe(data_dir, size, requests)
        graph_kib = figures["rss_open_kib"] - figures["rss_before_kib"]
        figures |= {"records": records, "seed_seconds": summary.seconds, "seed_rate": rate, "disk_bytes": disk}
        measured[size] = figures
        table.add(f"{size:,}", f"{records:,}", f"{summary.seconds:.0f} s", f"{rate or 0:,.0f} records/s",
                  f"{disk / MIB:,.1f} MiB", f"{disk / records:,.0f} B", f"{figures['rss_open_kib'] / 1024:,.0f} MiB",
                  f"{graph_kib / 1024:,.0f} MiB", f"{graph_kib * 1024 / records:,.0f} B",
                  f"{figures['open_seconds']:.2f} s", f"{figures['p50_ms']:.1f} ms", f"{figures['p99_ms']:.1f} ms")
    for size, estimate in skipped.items():
        report.notes.append(
            f"{size:,} patients skipped: seeding the remaining {(size - seeded) * records_per_patient:,} records "
            f"at the measured {rate or 0:,.0f} records/s would take about {_minutes(estimate)}, past the "
            f"budget of {_minutes(budget_seconds)} ({_minutes(spent)} spent); run it with "
            f"`python -m bench --only scale --scale-budget-minutes {int(estimate / 60) + 10}`")
    report.notes.append(
        f"seeding: the product's seed writer (ingest.seed), deterministic, {records_per_patient} records per "
        "patient; 'seeding' is the time to add that size's new patients to the previous size's store")
    report.notes.append(
        "RSS: VmRSS of a fresh process before and after opening the store (graph = the difference); "
        f"patient 360 p50/p99: the handler path without HTTP, {requests} requests for random patients, "
        "each viewing their own record")
    if operations.WELLNESS_NOTE:
        report.notes.append(operations.WELLNESS_NOTE)
    report.goals.append((f"p50 at 100k within {GOAL_RATIO}x of p50 at 1k", _scale_verdict(measured)))
    report.figures = {"measured": measured, "skipped": skipped}
    return report


def _scale_verdict(measured: dict[int, dict[str, Any]]) -> str:
    if 1000 in measured and 100_000 in measured:
        ratio = measured[100_000]["p50_ms"] / measured[1000]["p50_ms"]
        return f"{verdict(ratio <= GOAL_RATIO)} ({ratio:.2f}x)"
    if len(measured) < 2:
        return f"not measured: only {', '.join(f'{n:,}' for n in measured) or 'no size'} patients ran"
    smallest, largest = min(measured), max(measured)
    ratio = measured[largest]["p50_ms"] / measured[smallest]["p50_ms"]
    return (f"not measured: 100k did not run; {largest:,} vs {smallest:,} patients: {ratio:.2f}x "
            f"({verdict(ratio <= GOAL_RATIO)} at that size)")
