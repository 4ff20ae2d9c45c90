"""``p360 seed``: what the command line calls once it has opened the graph."""
from __future__ import annotations

import datetime as dt
from typing import Optional, TextIO

from graphdb.client import GraphClient
from ingest.seed.population import SEED_ANCHOR, generate
from ingest.seed.writer import Progress, seed_population


def seed_command(graph: GraphClient, payor_id: str, *, patients: int, records_per_patient: int,
                 providers: int, seed: int, out: TextIO,
                 anchor: dt.datetime = SEED_ANCHOR) -> int:
    """Seed the population of these arguments. Dates are relative to ``anchor``, by default
    ``SEED_ANCHOR``: a fixed date, not the wall clock, so the same arguments give the same
    graph on any day (and its grants age like any others). Shows progress when ``out`` is a
    terminal; ends with one summary line. Returns the exit status."""
    if min(patients, records_per_patient, providers) < 0:
        out.write("p360 seed: --patients, --records-per-patient and --providers cannot be negative\n")
        return 2
    population = generate(patients, records_per_patient, providers, seed, anchor,
                          payor_id=payor_id)
    summary = seed_population(graph, population, payor_id, _progress_line(out))
    out.write(
        f"seeded {summary.patients} patients, {summary.records} records, {summary.grants} grants "
        f"and {summary.providers} providers (seed {seed}, payor {payor_id!r}) "
        f"in {summary.seconds:.1f}s, {summary.records_per_second:.0f} records/s\n")
    return 0


def _progress_line(out: TextIO) -> Optional[Progress]:
    if not out.isatty():
        return None

    def show(done: int, total: int) -> None:
        out.write(f"\rseeding patients {done}/{total}")
        if done == total:
            out.write("\n")
        out.flush()

    return show
