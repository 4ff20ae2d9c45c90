"""The read traversals behind the DataLoaders. Each takes a batch of keys and is one round
trip, whatever the batch size."""
from __future__ import annotations

from typing import Any, Sequence

from gremlin_python.process.graph_traversal import GraphTraversal, GraphTraversalSource, __
from gremlin_python.process.traversal import Order, P, Scope, T, TextP

from authz.policy import ActiveGrantCriteria
from graphdb import model


def vertices(g: GraphTraversalSource, label: str, ids: list[str]) -> GraphTraversal:
    return g.V(*[model.vid(label, i) for i in ids]).has_label(label).element_map()


def patient_facts(g: GraphTraversalSource, patient_ids: list[str], viewer_type: str,
                  viewer_id: str) -> GraphTraversal:
    """Per existing patient: membership in the viewer's payor, and every grant to the viewer
    (active or not — the policy decides with the request's clock). The patient's own vertex
    comes along, so the request need not fetch it again."""
    viewer_vid = model.vid(viewer_type, viewer_id)
    return (
        g.V(*[model.vid(model.PATIENT, i) for i in patient_ids]).has_label(model.PATIENT)
        .project("patient", "member", "grants")
        .by(__.element_map())
        .by(__.out(model.MEMBER_OF).has_id(viewer_vid).count())
        .by(__.out(model.GRANTED).has("granteeId", viewer_id).has("granteeType", viewer_type)
            .element_map().fold())
    )


def record_pages(g: GraphTraversalSource, visible: Sequence[tuple[Sequence[str], Sequence[str]]],
                 offset: int, limit: int) -> GraphTraversal:
    """For each patient, the visible records newest first (undated last, ties by id), one
    page of them and their total. ``visible`` pairs patient ids with the categories they
    may be seen in: patients who show the same categories are filtered together, so a
    ``within`` holds at most the eleven categories (a list of (patient, category) keys would
    make every record test hundreds of values)."""
    if len(visible) == 1:
        records = _visible_records(g, *visible[0])
    else:
        records = g.inject(0).union(*(_visible_records(__, ids, categories) for ids, categories in visible))
    return records.group().by("patientId").by(
        __.fold().project("total", "page")
        .by(__.count(Scope.local))
        .by(__.unfold().order().by("sortKey", Order.desc).by(T.id, Order.asc)
            .range_(offset, offset + limit).element_map().fold())
    )


def _visible_records(start: Any, patient_ids: Sequence[str], categories: Sequence[str]) -> GraphTraversal:
    return (start.V(*[model.vid(model.PATIENT, i) for i in patient_ids]).out(model.HAS_RECORD)
            .has("category", P.within(list(categories))))


def grants_of_patients(g: GraphTraversalSource, patient_ids: list[str]) -> GraphTraversal:
    return g.V(*[model.vid(model.PATIENT, i) for i in patient_ids]).out(model.GRANTED).element_map()


def grants_by_id(g: GraphTraversalSource, grant_ids: list[str]) -> GraphTraversal:
    return vertices(g, model.GRANT, grant_ids)


def access_events(g: GraphTraversalSource, patient_ids: list[str], limit: int) -> GraphTraversal:
    return (
        g.V(*[model.vid(model.PATIENT, i) for i in patient_ids])
        .out(model.HAS_EVENT)
        .group().by("patientId").by(
            __.order().by("atMs", Order.desc).by(T.id, Order.asc).limit(limit).element_map().fold()
        )
    )


def active_grant_patient_ids(g: GraphTraversalSource, criteria: ActiveGrantCriteria) -> GraphTraversal:
    """Patients with an active grant to the grantee (myPatients, cohorts)."""
    return (
        g.V(model.vid(criteria.grantee_type, criteria.grantee_id)).in_(model.TO)
        .has_label(model.GRANT).has("expiresAtMs", P.gt(criteria.now_ms)).has_not("revokedAtMs")
        .values("patientId").dedup()
    )


def member_page(g: GraphTraversalSource, payor_id: str, offset: int, limit: int) -> GraphTraversal:
    return (
        g.V(model.vid(model.PAYOR, payor_id)).in_(model.MEMBER_OF).has_label(model.PATIENT)
        .fold().project("total", "page")
        .by(__.count(Scope.local))
        .by(__.unfold().order().by(T.id, Order.asc).range_(offset, offset + limit).element_map().fold())
    )


def all_patient_page(g: GraphTraversalSource, offset: int, limit: int) -> GraphTraversal:
    return (
        g.V().has_label(model.PATIENT).fold().project("total", "page")
        .by(__.count(Scope.local))
        .by(__.unfold().order().by(T.id, Order.asc).range_(offset, offset + limit).element_map().fold())
    )


def provider_page(g: GraphTraversalSource, search: str | None, offset: int, limit: int) -> GraphTraversal:
    t = g.V().has_label(model.PROVIDER)
    if search:
        t = t.has("nameLower", TextP.containing(search.lower()))
    return (
        t.fold().project("total", "page")
        .by(__.count(Scope.local))
        .by(__.unfold().order().by(T.id, Order.asc).range_(offset, offset + limit).element_map().fold())
    )


def viewer_candidates(g: GraphTraversalSource, issuer: str, subject: str, entity_type: str,
                      entity_id: str) -> GraphTraversal:
    """The identity link of (issuer, subject) with the node it names, and the node the token
    names directly — both in one round trip."""
    link_vid = model.identity_link_vid(issuer, subject)
    name = __.coalesce(__.values("name"), __.constant(""))
    return g.V(link_vid, model.vid(entity_type, entity_id)).choose(
        __.has_label(model.IDENTITY_LINK),
        __.project("kind", "entityLabel", "entityId", "found", "name")
        .by(__.constant("link")).by(__.values("entityLabel")).by(__.values("entityId"))
        .by(__.out(model.IDENTIFIES).count())
        .by(__.coalesce(__.out(model.IDENTIFIES).values("name"), __.constant(""))),
        __.has_label(entity_type).project("kind", "name").by(__.constant("node")).by(name),
    )


def node_name(g: GraphTraversalSource, label: str, entity_id: str) -> GraphTraversal:
    return (
        g.V(model.vid(label, entity_id)).has_label(label)
        .project("name").by(__.coalesce(__.values("name"), __.constant("")))
    )
