"""Write traversals, shared by mutations, the importer and the seed generator.

Every write is an idempotent upsert keyed by vertex id (the ``fold().coalesce(unfold(),
addV())`` idiom, which Neptune, JanusGraph and the embedded engine all run), so running it
twice, or retrying it after a dropped connection, leaves the same graph. The functions only
build traversals; callers submit them, several at once with ``run_atomic`` when they must land
together.
"""
from __future__ import annotations

from typing import Any, Mapping

from gremlin_python.process.graph_traversal import GraphTraversal, GraphTraversalSource, __
from gremlin_python.process.traversal import Cardinality, T

from graphdb import codec, model, vertices
from model.nodes import AccessEventNode, GrantNode, PatientNode, PayorNode, ProviderNode, RecordNode


def _upsert(g: GraphTraversalSource, vertex: vertices.VertexWrite) -> GraphTraversal:
    t = g.V(vertex.vid).fold().coalesce(__.unfold(), __.add_v(vertex.label).property(T.id, vertex.vid))
    t = _set_properties(t, vertex.properties)
    for label, sources in vertex.in_edges:
        t = t.side_effect(__.in_e(label).drop())
        for source in sources:
            t = t.side_effect(__.add_e(label).from_(__.V(source)))
    for label, targets in vertex.out_edges:
        t = t.side_effect(__.out_e(label).drop())
        for target in targets:
            t = t.side_effect(__.add_e(label).to(__.V(target)))
    return t


def _set_properties(t: GraphTraversal, properties: Mapping[str, Any]) -> GraphTraversal:
    for key, value in properties.items():
        if value is None:
            t = t.side_effect(__.properties(key).drop())
        else:
            t = t.property(Cardinality.single, key, value)
    return t


def upsert_payor(g: GraphTraversalSource, payor: PayorNode) -> GraphTraversal:
    return _upsert(g, vertices.payor(payor))


def upsert_patient(g: GraphTraversalSource, patient: PatientNode, payor_id: str) -> GraphTraversal:
    return _upsert(g, vertices.patient(patient, payor_id))


def upsert_provider(g: GraphTraversalSource, provider: ProviderNode) -> GraphTraversal:
    return _upsert(g, vertices.provider(provider))


def upsert_organization(g: GraphTraversalSource, org_id: str, name: str | None) -> GraphTraversal:
    return _upsert(g, vertices.organization(org_id, name))


def upsert_record(g: GraphTraversalSource, record: RecordNode) -> GraphTraversal:
    """The record, its owner edge, its author edge and its result edges. The patient, the
    author and the result records named must exist: callers write them first or in the same
    atomic batch (a missing one fails the whole upsert)."""
    return _upsert(g, vertices.record(record))


def set_record_status(g: GraphTraversalSource, record_id: str, status: str) -> GraphTraversal:
    return g.V(model.vid(model.RECORD, record_id)).property(Cardinality.single, "status", status)


def upsert_grant(g: GraphTraversalSource, grant: GrantNode) -> GraphTraversal:
    return _upsert(g, vertices.grant(grant))


def add_access_events(g: GraphTraversalSource, events: list[AccessEventNode]) -> GraphTraversal:
    """Every event of a batch in one traversal (one commit): each an upsert keyed by its id,
    linked to its patient. The upserts are branches of one union rather than one long chain,
    whose cost grows faster than its length (measured: 50 events 82 ms chained, 23 ms as
    branches)."""
    assert events, "add_access_events needs at least one event"
    return g.inject(0).union(*(_event_upsert(event) for event in events))


def _event_upsert(event: AccessEventNode) -> GraphTraversal:
    event_vid = model.vid(model.ACCESS_EVENT, event.id)
    t = __.V(event_vid).fold().coalesce(__.unfold(), __.add_v(model.ACCESS_EVENT).property(T.id, event_vid))
    t = _set_properties(t, codec.event_properties(event))
    return t.side_effect(
        __.coalesce(
            __.in_e(model.HAS_EVENT),
            __.add_e(model.HAS_EVENT).from_(__.V(model.vid(model.PATIENT, event.patient_id))),
        )
    )


def upsert_identity_link(g: GraphTraversalSource, issuer: str, subject: str,
                         entity_label: str, entity_id: str) -> GraphTraversal:
    return _upsert(g, vertices.identity_link(issuer, subject, entity_label, entity_id))
