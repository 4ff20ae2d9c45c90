"""The populations the benchmarks run over, written with the application's own writes.

Patients and their records come from the seed generator (``ingest.seed``: deterministic, 50
records per patient unless told otherwise). On top of that, for the provider view, one
provider per size N holds active grants (every category) from exactly the first N patients,
and every patient gets a short access log, so the patient 360 view has one to show.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Iterable, Optional

from graphdb import writes
from graphdb.client import GraphClient
from graphdb.embedded import PID_FILENAME
from graphdb.open import open_graph
from ingest.seed.population import SEED_ANCHOR, LazyCharts, entity_id, generate
from ingest.seed.writer import SeedSummary, seed_population
from model.categories import ALL_CATEGORIES, RecordCategory
from model.nodes import AccessEventNode, GrantNode, ProviderNode
from model.timeutil import utcnow

PAYOR_ID = "payor"
SEED = 1
SEED_PROVIDERS = 20
RECORDS_PER_PATIENT = 50
EVENTS_PER_PATIENT = 25   # the patient 360 view asks for 20
WRITES_PER_CALL = 12      # the seed writer's batch size


@dataclasses.dataclass(frozen=True)
class BenchPopulation:
    data_dir: Path
    patient_ids: tuple[str, ...]
    records_per_patient: int
    # N → the provider whose grants come from exactly the first N patients.
    granted_providers: dict[int, str]
    seeding: SeedSummary

    def provider_for(self, granted_patients: int) -> str:
        return self.granted_providers[granted_patients]


def patient_ids(patients: int, seed: int = SEED) -> tuple[str, ...]:
    return tuple(entity_id(seed, "patient", i) for i in range(patients))


def bench_provider_id(granted_patients: int) -> str:
    return f"bench-provider-{granted_patients:04d}"


def seed(client: GraphClient, patients: int, records_per_patient: int, *, start: int = 0,
         seed_number: int = SEED) -> SeedSummary:
    """Seeds patients ``start`` … ``patients - 1`` of the deterministic population (so a store
    can grow: the first ``start`` are already there)."""
    full = generate(patients, records_per_patient, SEED_PROVIDERS, seed_number, SEED_ANCHOR,
                    payor_id=PAYOR_ID)
    part = dataclasses.replace(full, charts=LazyCharts(patients - start, lambda i: full.charts[start + i]))
    return seed_population(client, part, PAYOR_ID)


def _write(client: GraphClient, traversals: list) -> None:
    for i in range(0, len(traversals), WRITES_PER_CALL):
        client.run_atomic_sync(traversals[i:i + WRITES_PER_CALL])


def grant_from_first(client: GraphClient, provider_id: str, patients: Iterable[str],
                     now: dt.datetime) -> None:
    """A provider with active grants (every category) from exactly these patients."""
    g = client.g
    traversals = [writes.upsert_provider(g, ProviderNode(
        provider_id, f"Dr. Bench {provider_id[-4:]}", npi=f"19{int(provider_id[-4:]):08d}",
        specialty="Internal medicine", source="bench"))]
    for number, patient_id in enumerate(patients):
        traversals.append(writes.upsert_grant(g, GrantNode(
            id=f"{provider_id}-grant-{number:06d}", patient_id=patient_id, grantee_id=provider_id,
            grantee_type="Provider", categories=ALL_CATEGORIES, all_categories=True,
            created_at=now - dt.timedelta(days=1), expires_at=now + dt.timedelta(days=365))))
    _write(client, traversals)


def access_logs(client: GraphClient, patients: Iterable[str], viewer_id: str, now: dt.datetime,
                per_patient: int = EVENTS_PER_PATIENT) -> None:
    traversals = []
    for patient_id in patients:
        events = [AccessEventNode(
            id=f"bench-event-{patient_id}-{n:03d}", patient_id=patient_id,
            at=now - dt.timedelta(hours=n + 1), viewer_id=viewer_id, viewer_type="Provider",
            viewer_name="Dr. Bench", operation="ProviderView",
            categories=(RecordCategory.LAB, RecordCategory.VITAL_SIGN), record_count=20,
            outcome="ALLOWED", grant_ids=(f"{viewer_id}-grant",)) for n in range(per_patient)]
        traversals.append(writes.add_access_events(client.g, events))
    _write(client, traversals)


def build(data_dir: Path, patients: int, granted_sizes: Iterable[int], *,
          records_per_patient: int = RECORDS_PER_PATIENT) -> BenchPopulation:
    """A fresh store in ``data_dir``: ``patients`` seeded patients, one bench provider per
    granted size, and access logs. Closed again when it returns."""
    sizes = sorted(set(granted_sizes))
    if sizes and sizes[-1] > patients:
        raise ValueError(f"a provider granted by {sizes[-1]} patients needs that many patients")
    ids = patient_ids(patients)
    now = utcnow()
    client = open_graph(data_dir)
    try:
        summary = seed(client, patients, records_per_patient)
        for size in sizes:
            grant_from_first(client, bench_provider_id(size), ids[:size], now)
        access_logs(client, ids, bench_provider_id(sizes[-1]) if sizes else "bench-provider", now)
    finally:
        client.close()
    return BenchPopulation(data_dir, ids, records_per_patient,
                           {size: bench_provider_id(size) for size in sizes}, summary)


def copy_store(population: BenchPopulation, target: Path) -> BenchPopulation:
    """A private copy, so one benchmark's writes (audit events, grants) never reach another."""
    shutil.copytree(population.data_dir, target)
    (target / PID_FILENAME).unlink(missing_ok=True)
    return dataclasses.replace(population, data_dir=target)


def store_bytes(data_dir: Path) -> int:
    """Bytes on disk under ``data_dir`` (allocated blocks, like ``du``)."""
    total = 0
    for path in data_dir.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_blocks * 512
    return total


def describe(population: BenchPopulation, note: Optional[str] = None) -> str:
    s = population.seeding
    text = (f"{len(population.patient_ids):,} patients x {population.records_per_patient} records "
            f"({s.records:,} records, {s.grants:,} seeded grants) seeded in {s.seconds:.1f} s "
            f"({s.records / s.seconds if s.seconds else 0:,.0f} records/s)")
    return f"{text}; {note}" if note else text
