"""Writing a population into the graph: batched, in order, idempotent.

The payor and the providers are upserts from ``graphdb.writes`` keyed by the entity's id.
Patients go in groups of ``bulk_patients``: a group none of whose vertices exist yet is
bulk-loaded as one unit (``graphdb.bulk``: the embedded store imports the same vertices and
edges the upserts would write, some 25 times faster). Otherwise (a remote endpoint, or a group
a previous run wrote in part) the group is written as upserts, so seeding the same population
again leaves the same graph and rerunning an interrupted seed completes it.

The upserts form one ordered stream (per patient: the patient, their records, their grants),
cut into atomic batches of ``batch_traversals``. A batch may end inside a chart: the order
guarantees a record never lands before its patient. Why batches do not follow chart
boundaries: the embedded engine's cost per traversal grows with the size of an atomic batch
(see ``DEFAULT_BATCH_TRAVERSALS``), and a chart of 50 records is already past the sweet spot.
"""
from __future__ import annotations

import collections
import dataclasses
import time
from typing import Callable, Iterable, Iterator, Optional, Sequence

from gremlin_python.process.graph_traversal import GraphTraversal, GraphTraversalSource

from graphdb import model, vertices, writes
from graphdb.bulk import VerticesExist, bulk_load
from graphdb.client import GraphClient
from graphdb.vertices import VertexWrite
from ingest.seed.population import PatientChart, Population
from model.nodes import GrantNode, PayorNode

# Traversals per atomic call. On the embedded store the engine's work per traversal grows with
# the number of traversals in the call (200 patients x 50 records, CPU time: batches of 4-8
# ~1,000 writes/s, 24 ~750, 53 ~530), while each call pays one durable commit. A remote server,
# where each call is a network round trip, would want larger batches.
DEFAULT_BATCH_TRAVERSALS = 8
# Patients per bulk unit: 500 x 50 records is a GraphSON file of about 25 MB.
DEFAULT_BULK_PATIENTS = 500
DEFAULT_PAYOR_NAME = "Patient 360 Health Plan"

Progress = Callable[[int, int], None]   # (patients written, patients in all)


@dataclasses.dataclass(frozen=True, slots=True)
class SeedSummary:
    payor_id: str
    providers: int
    patients: int
    records: int
    grants: int
    traversals: int
    batches: int
    seconds: float

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


def seed_population(client: GraphClient, population: Population, payor_id: str,
                    progress: Optional[Progress] = None, *,
                    batch_traversals: int = DEFAULT_BATCH_TRAVERSALS,
                    bulk_patients: Optional[int] = DEFAULT_BULK_PATIENTS,
                    payor_name: str = DEFAULT_PAYOR_NAME) -> SeedSummary:
    """Write the payor (created with ``payor_name`` only when missing, so the name a
    deployment gave it stays), the providers, then every patient with MEMBER_OF ``payor_id``,
    their records and their grants. Payor grants go to ``payor_id``, whatever payor the
    population was generated for. ``bulk_patients=None`` writes every patient with upserts.
    Synchronous: for the command line, which has no event loop. ``progress`` hears (patients
    written, patients in all) as groups and batches complete."""
    if batch_traversals < 1:
        raise ValueError("batch_traversals must be at least 1")
    if bulk_patients is not None and bulk_patients < 1:
        raise ValueError("bulk_patients must be at least 1")
    g = client.g
    started = time.perf_counter()
    tally = _Tally()

    if not client.run_sync(g.V(model.vid(model.PAYOR, payor_id)).count())[0]:
        tally.write(client, [writes.upsert_payor(g, PayorNode(payor_id, payor_name))])
    for chunk in _chunks((writes.upsert_provider(g, p) for p in population.providers),
                         batch_traversals):
        tally.write(client, chunk)

    total = len(population.charts)
    group_size = bulk_patients or total or 1
    bulk = bulk_patients is not None
    for first in range(0, total, group_size):
        charts = population.charts[first:first + group_size]
        tally.records += sum(len(c.records) for c in charts)
        tally.grants += sum(len(c.grants) for c in charts)
        if bulk:
            try:
                loaded = tally.load(client, [v for c in charts for v in _chart_vertices(c, payor_id)])
            except VerticesExist:
                loaded = False  # written in part by an earlier run: the upserts complete it
            else:
                bulk = loaded   # False: this graph has no bulk path
            if loaded:
                if progress:
                    progress(first + len(charts), total)
                continue
        _write_upserts(client, charts, payor_id, batch_traversals, tally,
                       (lambda done: progress(first + done, total)) if progress else None)
    if progress:
        progress(total, total)

    return SeedSummary(
        payor_id=payor_id, providers=len(population.providers), patients=total,
        records=tally.records, grants=tally.grants, traversals=tally.traversals,
        batches=tally.batches, seconds=time.perf_counter() - started,
    )


def _write_upserts(client: GraphClient, charts: Sequence[PatientChart], payor_id: str,
                   batch_traversals: int, tally: "_Tally",
                   progress: Optional[Callable[[int], None]]) -> None:
    g = client.g
    pending: list[GraphTraversal] = []
    chart_ends: collections.deque[int] = collections.deque()  # stream position past each chart
    written = patients_done = reported = 0
    for chart in charts:
        pending.extend(_chart_traversals(g, chart, payor_id))
        chart_ends.append(written + len(pending))
        while len(pending) >= batch_traversals:
            tally.write(client, pending[:batch_traversals])
            del pending[:batch_traversals]
            written += batch_traversals
            while chart_ends and chart_ends[0] <= written:
                chart_ends.popleft()
                patients_done += 1
        if progress and patients_done > reported:
            progress(patients_done)
            reported = patients_done
    if pending:
        tally.write(client, pending)


def _chart_vertices(chart: PatientChart, payor_id: str) -> Iterator[VertexWrite]:
    yield vertices.patient(chart.patient, payor_id)
    for record in chart.records:
        yield vertices.record(record)
    for grant in chart.grants:
        yield vertices.grant(_to_payor(grant, payor_id))


def _chart_traversals(g: GraphTraversalSource, chart: PatientChart,
                      payor_id: str) -> Iterator[GraphTraversal]:
    yield writes.upsert_patient(g, chart.patient, payor_id)
    for record in chart.records:
        yield writes.upsert_record(g, record)
    for grant in chart.grants:
        yield writes.upsert_grant(g, _to_payor(grant, payor_id))


def _to_payor(grant: GrantNode, payor_id: str) -> GrantNode:
    if grant.grantee_type == model.PAYOR and grant.grantee_id != payor_id:
        return dataclasses.replace(grant, grantee_id=payor_id)
    return grant


def _chunks(traversals: Iterable[GraphTraversal], size: int) -> Iterator[list[GraphTraversal]]:
    chunk: list[GraphTraversal] = []
    for traversal in traversals:
        chunk.append(traversal)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclasses.dataclass
class _Tally:
    records: int = 0
    grants: int = 0
    traversals: int = 0
    batches: int = 0

    def write(self, client: GraphClient, batch: list[GraphTraversal]) -> None:
        client.run_atomic_sync(batch)
        self.traversals += len(batch)
        self.batches += 1

    def load(self, client: GraphClient, batch: list[VertexWrite]) -> bool:
        loaded = bulk_load(client, batch)
        if loaded:
            self.batches += 1
        return loaded
