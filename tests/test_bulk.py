"""Bulk loading (graphdb/bulk.py): the embedded store imports a batch of new vertices with
their edges as one unit, and the graph it leaves is the graph the upserts would have written."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from graphdb import model, vertices, writes
from graphdb.bulk import VerticesExist, bulk_load, graphson_lines
from graphdb.client import GraphClient
from graphdb.errors import GraphQueryError
from graphdb.open import open_graph
from graphdb.remote import RemoteGraph
from ingest.seed import generate, seed_population
from model.categories import RecordCategory as C
from model.nodes import PatientNode, PayorNode, ProviderNode, RecordNode
from tests.gremlin_endpoint import GremlinEndpoint
from tests.test_seed import SMALL, graph_snapshot


@pytest.fixture
def open_store(tmp_path: Path):
    clients: list[GraphClient] = []

    def open_one(name: str) -> GraphClient:
        clients.append(open_graph(tmp_path / name))
        return clients[-1]

    yield open_one
    for client in clients:
        client.close()


def typed_snapshot(client: GraphClient) -> tuple[list[dict[Any, Any]], list[tuple[str, str, str]]]:
    """graph_snapshot with each property value's type beside it: 2 and 2.0 differ here."""
    found, edges = graph_snapshot(client)
    return [{key: (type(value).__name__, value) for key, value in v.items()} for v in found], edges


def test_a_bulk_seeded_population_is_the_graph_the_upserts_write(open_store):
    population = generate(**SMALL)
    bulk, upserted = open_store("bulk"), open_store("upserts")
    # Groups of 4 patients: one full group and one partial, each its own unit.
    summary = seed_population(bulk, population, "payor", bulk_patients=4)
    by_upserts = seed_population(upserted, population, "payor", bulk_patients=None)
    assert typed_snapshot(bulk) == typed_snapshot(upserted)
    assert (summary.records, summary.grants) == (by_upserts.records, by_upserts.grants)
    # Only the payor and the providers went as upserts; the patients went in two imports.
    assert summary.traversals == 1 + SMALL["providers"]
    assert summary.batches == 1 + 1 + 2
    vertices_, edges = graph_snapshot(bulk)
    assert {label for label, _, _ in edges} == {"MEMBER_OF", "HAS_RECORD", "AUTHORED_BY", "GRANTED", "TO"}


def test_upserts_after_a_bulk_load_replace_its_edges(open_store):
    population = generate(**SMALL)
    client = open_store("data")
    seed_population(client, population, "payor")
    loaded = graph_snapshot(client)
    # Written again with upserts (the import refuses existing vertices): nothing doubles.
    seed_population(client, population, "payor", bulk_patients=None)
    assert graph_snapshot(client) == loaded


def test_an_interrupted_seed_is_completed(open_store):
    population = generate(**SMALL)
    client, whole = open_store("interrupted"), open_store("whole")
    seed_population(client, generate(**{**SMALL, "patients": 2}), "payor", bulk_patients=None)
    seed_population(client, population, "payor", bulk_patients=4)
    seed_population(whole, population, "payor", bulk_patients=None)
    assert typed_snapshot(client) == typed_snapshot(whole)


def _chart_with_results() -> list[vertices.VertexWrite]:
    report = RecordNode("panel", "p1", C.LAB, display="Lipid panel", author_id="doc",
                        result_ids=("ldl", "hdl", "earlier"),
                        effective_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc))
    return [
        vertices.patient(PatientNode("p1", "Ann Lee", dt.date(1980, 5, 17), "female"), "payor"),
        vertices.record(report),
        vertices.record(RecordNode("ldl", "p1", C.LAB, code="13457-7", value="171", unit="mg/dL",
                                   interpretation="H", author_id="doc")),
        vertices.record(RecordNode("hdl", "p1", C.LAB, code="2085-9", value="52.5", unit="mg/dL")),
    ]


def _write_shared(client: GraphClient) -> None:
    """What a batch may point at outside itself: the payor, a provider, an earlier record."""
    client.run_sync(writes.upsert_payor(client.g, PayorNode("payor", "Payor")))
    client.run_sync(writes.upsert_provider(client.g, ProviderNode("doc", "Dr. Doc", "1234567893")))
    client.run_sync(writes.upsert_patient(client.g, PatientNode("p0", "Bo Park"), "payor"))
    client.run_sync(writes.upsert_record(client.g, RecordNode("earlier", "p0", C.LAB, value="3")))


def test_results_authors_and_targets_outside_the_batch(open_store):
    bulk, upserted = open_store("bulk"), open_store("upserts")
    for client in (bulk, upserted):
        _write_shared(client)
    batch = _chart_with_results()
    assert bulk_load(bulk, batch) is True
    patient, panel, *results = batch   # in the batch the panel names results written after it
    for vertex in (patient, *results, panel):
        upserted.run_sync(writes._upsert(upserted.g, vertex))
    assert typed_snapshot(bulk) == typed_snapshot(upserted)
    results = bulk.run_sync(bulk.g.V(model.vid(model.RECORD, "panel")).out(model.HAS_RESULT).id_())
    assert sorted(results) == ["Record/earlier", "Record/hdl", "Record/ldl"]


def test_a_batch_with_an_existing_vertex_writes_nothing(open_store):
    client = open_store("data")
    _write_shared(client)
    client.run_sync(writes.upsert_record(client.g, RecordNode("hdl", "p0", C.LAB, value="1")))
    before = typed_snapshot(client)
    with pytest.raises(VerticesExist):
        bulk_load(client, _chart_with_results())
    assert typed_snapshot(client) == before


def test_an_edge_to_a_missing_vertex_is_refused_before_anything_is_written(open_store):
    client = open_store("data")
    client.run_sync(writes.upsert_payor(client.g, PayorNode("payor", "Payor")))
    before = typed_snapshot(client)
    with pytest.raises(GraphQueryError, match="ends at Provider/doc, which is not in the graph"):
        bulk_load(client, _chart_with_results())
    assert typed_snapshot(client) == before


def test_an_in_edge_from_outside_the_batch_is_refused(open_store):
    client = open_store("data")
    _write_shared(client)
    with pytest.raises(ValueError, match="starts at Patient/p0, outside the batch"):
        bulk_load(client, [vertices.record(RecordNode("late", "p0", C.LAB, value="4"))])
    assert client.run_sync(client.g.V("Record/late").count()) == [0]


def test_a_vertex_twice_in_a_batch_is_refused(open_store):
    client = open_store("data")
    _write_shared(client)
    twice = vertices.patient(PatientNode("p9"), "payor")
    with pytest.raises(ValueError, match="names a vertex twice"):
        bulk_load(client, [twice, twice])


def test_values_keep_their_types():
    vertex = vertices.VertexWrite("Thing", "Thing/1", {"flag": True, "count": 3, "ratio": 0.5,
                                                       "text": "x", "absent": None})
    assert list(graphson_lines([vertex])) == [
        '{"id":"Thing/1","label":"Thing","properties":{"flag":[{"value":true}],'
        '"count":[{"value":{"@type":"g:Int64","@value":3}}],'
        '"ratio":[{"value":{"@type":"g:Double","@value":0.5}}],"text":[{"value":"x"}]}}']
    with pytest.raises(TypeError, match="property 'when': a date has no GraphSON form"):
        list(graphson_lines([vertices.VertexWrite("Thing", "Thing/2", {"when": dt.date(2026, 1, 1)})]))


def test_a_remote_graph_is_seeded_with_upserts(tmp_path):
    endpoint = GremlinEndpoint(tmp_path / "endpoint").start()
    remote = GraphClient(RemoteGraph(endpoint.url))
    try:
        assert bulk_load(remote, _chart_with_results()) is False
        summary = seed_population(remote, generate(**{**SMALL, "patients": 2}), "payor")
        assert summary.traversals > 2 * SMALL["records_per_patient"]
        members = remote.run_sync(remote.g.V(model.vid(model.PAYOR, "payor")).in_(model.MEMBER_OF).id_())
        assert sorted(members) == ["Patient/seed-7-patient-000000", "Patient/seed-7-patient-000001"]
        found = remote.run_sync(remote.g.V().has_label(model.RECORD).count())
        assert found == [2 * SMALL["records_per_patient"]]
    finally:
        remote.close()
        endpoint.close()


def test_nothing_is_left_beside_the_store(open_store, tmp_path):
    client = open_store("data")
    seed_population(client, generate(**SMALL), "payor")
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["graph", "graph.pid"]
