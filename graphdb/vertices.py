"""What one entity is in the graph: its vertex (label, id, properties) and the edges it owns.

One description serves both ways of writing it: the idempotent upsert traversals of
``graphdb.writes`` and the bulk loader of ``graphdb.bulk``, so the two cannot drift apart.
An entity owns the edges it replaces when it is written again: a record its HAS_RECORD edge
from the patient, its author and its results; a grant the GRANTED edge from the patient and
its grantee; a patient its payor.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from graphdb import codec, model
from model.nodes import GrantNode, PatientNode, PayorNode, ProviderNode, RecordNode
from model.record_size import check_record_size

# (edge label, the vertex ids at the other end): every edge of that label on that side is
# replaced by exactly these (none: the label's edges are removed).
EdgeSet = tuple[str, tuple[str, ...]]


@dataclasses.dataclass(frozen=True, slots=True)
class VertexWrite:
    label: str
    vid: str
    # A property whose value is None is absent: an upsert removes it.
    properties: Mapping[str, Any]
    in_edges: tuple[EdgeSet, ...] = ()
    out_edges: tuple[EdgeSet, ...] = ()


def payor(node: PayorNode) -> VertexWrite:
    return VertexWrite(model.PAYOR, model.vid(model.PAYOR, node.id), {"name": node.name})


def patient(node: PatientNode, payor_id: str) -> VertexWrite:
    return VertexWrite(model.PATIENT, model.vid(model.PATIENT, node.id), codec.patient_properties(node),
                       out_edges=((model.MEMBER_OF, (model.vid(model.PAYOR, payor_id),)),))


def provider(node: ProviderNode) -> VertexWrite:
    return VertexWrite(model.PROVIDER, model.vid(model.PROVIDER, node.id), codec.provider_properties(node))


def organization(org_id: str, name: str | None) -> VertexWrite:
    return VertexWrite(model.ORGANIZATION, model.vid(model.ORGANIZATION, org_id), {"name": name})


def record(node: RecordNode) -> VertexWrite:
    """The patient, the author and the result records named must exist when it is written.
    Raises RecordTooLarge for a record over the size every reader can take."""
    check_record_size(node)
    author = (model.vid(model.PROVIDER, node.author_id),) if node.author_id else ()
    return VertexWrite(
        model.RECORD, model.vid(model.RECORD, node.id), codec.record_properties(node),
        in_edges=((model.HAS_RECORD, (model.vid(model.PATIENT, node.patient_id),)),),
        out_edges=((model.AUTHORED_BY, author),
                   (model.HAS_RESULT, tuple(model.vid(model.RECORD, r) for r in node.result_ids))),
    )


def grant(node: GrantNode) -> VertexWrite:
    return VertexWrite(
        model.GRANT, model.vid(model.GRANT, node.id), codec.grant_properties(node),
        in_edges=((model.GRANTED, (model.vid(model.PATIENT, node.patient_id),)),),
        out_edges=((model.TO, (model.vid(node.grantee_type, node.grantee_id),)),),
    )


def identity_link(issuer: str, subject: str, entity_label: str, entity_id: str) -> VertexWrite:
    return VertexWrite(
        model.IDENTITY_LINK, model.identity_link_vid(issuer, subject),
        {"issuer": issuer, "subject": subject, "entityLabel": entity_label, "entityId": entity_id},
        out_edges=((model.IDENTIFIES, (model.vid(entity_label, entity_id),)),),
    )
