"""5. Import: the FHIR import's rate against parsing (and validating) the same files alone,
with the import engineer's measurements from ``bench/bench_import.py``."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from bench.bench_import import DEFAULT_INPUT, measure_import, measure_validation
from bench.report import Report
from ingest.fhir.writer import DEFAULT_CHUNK_SIZE

# --quick: a patient file and one that refers to it, so references resolve.
QUICK_FILES = ("Patient.000.ndjson", "AllergyIntolerance.000.ndjson")


def inputs(quick: bool) -> list[str]:
    if quick:
        return [str(DEFAULT_INPUT / name) for name in QUICK_FILES]
    return [str(DEFAULT_INPUT)]


def run(paths: Sequence[str], data_dir: Path) -> Report:
    report = Report("import", "5. FHIR import against parsing alone")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        report.notes.append(f"not run: no such input {', '.join(missing)}")
        return report
    parse_seconds, read, valid = measure_validation(list(paths))
    import_seconds, written, rejected, traversals = measure_import(list(paths), data_dir, DEFAULT_CHUNK_SIZE)
    table = report.table("step", "seconds", "resources/s", "resources")
    table.add("parse + validate only", f"{parse_seconds:.2f}", f"{read / parse_seconds:,.0f}", f"{read:,} read")
    table.add("full import (into a fresh store)", f"{import_seconds:.2f}", f"{read / import_seconds:,.0f}",
              f"{written:,} written, {rejected:,} rejected")
    report.notes.append(f"full import / parse alone: {import_seconds / parse_seconds:.1f}x "
                        f"({traversals:,} traversals, chunks of {DEFAULT_CHUNK_SIZE}); input: {', '.join(paths)}")
    report.figures = {"resources": read, "valid": valid, "parse_seconds": parse_seconds,
                      "import_seconds": import_seconds, "written": written, "rejected": rejected,
                      "ratio": import_seconds / parse_seconds}
    return report
