"""FHIR import throughput: the full import against parsing + validating alone, in one run.

    python bench/bench_import.py [--data-dir DIR] [--chunk-size N] [PATH ...]

PATH defaults to the shared Synthea export (../shared/fhir/synthea-10-patients beside the
repo). Without --data-dir the import goes into a fresh temporary store, removed afterwards;
with it, into DIR (an existing graph makes this a re-import). Prints resources per second for
both, and how many times the full import costs what validation alone does.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from graphdb.open import open_graph
from ingest.fhir.inputs import read_inputs
from ingest.fhir.run import run_import
from ingest.fhir.validation import screen_entries
from ingest.fhir.writer import DEFAULT_CHUNK_SIZE

DEFAULT_INPUT = Path(__file__).resolve().parents[2] / "shared/fhir/synthea-10-patients"


def measure_validation(paths: list[str]) -> tuple[float, int, int]:
    """(seconds, resources read, resources of an imported type that are valid)."""
    started = time.perf_counter()
    batch = read_inputs(paths)
    screened = screen_entries(batch.entries)
    return time.perf_counter() - started, len(batch.entries), len(screened.accepted)


def measure_import(paths: list[str], data_dir: Path, chunk_size: int) -> tuple[float, int, int, int]:
    """(seconds, resources written, rejected entries, graph traversals submitted)."""
    client = open_graph(data_dir)
    try:
        started = time.perf_counter()
        report = run_import(client, paths, "payor", chunk_size=chunk_size)
        seconds = time.perf_counter() - started
        return seconds, report.imported_total, len(report.rejections), client.traversals.value
    finally:
        client.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", metavar="PATH", default=[str(DEFAULT_INPUT)])
    parser.add_argument("--data-dir", type=Path, help="graph store to import into (default: a fresh temporary one)")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                        help=f"resources per atomic write (default {DEFAULT_CHUNK_SIZE})")
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"bench_import: no such input: {', '.join(missing)}", file=sys.stderr)
        return 2

    validate_seconds, read, valid = measure_validation(args.paths)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="p360-bench-"))
    try:
        import_seconds, written, rejected, traversals = measure_import(args.paths, data_dir, args.chunk_size)
    finally:
        if args.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(f"input: {read:,} resources ({valid:,} of imported types and valid) from {', '.join(args.paths)}")
    print(f"parse + validate only : {validate_seconds:7.2f} s  {read / validate_seconds:9,.0f} resources/s")
    print(f"full import           : {import_seconds:7.2f} s  {read / import_seconds:9,.0f} resources/s"
          f"  ({written:,} written, {rejected:,} rejected, {traversals:,} traversals,"
          f" chunks of {args.chunk_size})")
    print(f"full import / parse + validate: {import_seconds / validate_seconds:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
