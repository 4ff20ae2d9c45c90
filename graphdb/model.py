"""The graph model: vertex labels, edge labels, vertex ids and the embedded indexes.

    (Patient)-[HAS_RECORD]->(Record)-[AUTHORED_BY]->(Provider)
    (Record)-[HAS_RESULT]->(Record)                 DiagnosticReport → its results
    (Patient)-[GRANTED]->(Grant)-[TO]->(Provider | Payor)
    (Patient)-[MEMBER_OF]->(Payor)
    (Patient)-[HAS_EVENT]->(AccessEvent)
    (IdentityLink)-[IDENTIFIES]->(Patient | Provider | Payor)

Vertex ids are ``<Label>/<id>``: ids are unique per type (a FHIR Patient and Practitioner may
share one), the graph needs them unique overall. Every value a loader filters or orders on
is a plain property on the vertex (``patientId``, ``category``, ``sortKey``), so a read is one
hop and no ``by()`` meets a missing property.
"""
from __future__ import annotations

import hashlib
import json

PATIENT = "Patient"
PROVIDER = "Provider"
PAYOR = "Payor"
RECORD = "Record"
GRANT = "Grant"
ACCESS_EVENT = "AccessEvent"
IDENTITY_LINK = "IdentityLink"
ORGANIZATION = "Organization"

HAS_RECORD = "HAS_RECORD"
AUTHORED_BY = "AUTHORED_BY"
HAS_RESULT = "HAS_RESULT"
GRANTED = "GRANTED"
TO = "TO"
MEMBER_OF = "MEMBER_OF"
HAS_EVENT = "HAS_EVENT"
IDENTIFIES = "IDENTIFIES"

# sortKey of a record without a date: below every real instant, so undated records come
# last in newest-first order and are never dropped.
UNDATED_SORT_KEY = -(2**53)

INDEXES = (
    (RECORD, "patientId"),
    (GRANT, "patientId"),
    (GRANT, "granteeId"),
    (ACCESS_EVENT, "patientId"),
    (PROVIDER, "npi"),
)


def vid(label: str, entity_id: str) -> str:
    return f"{label}/{entity_id}"


def entity_id(vertex_id: str) -> str:
    return vertex_id.split("/", 1)[1]


def identity_link_vid(issuer: str, subject: str) -> str:
    """One vertex per (issuer, subject), named by a digest of the pair: no two pairs can
    collide, whatever characters an issuer or subject contains."""
    digest = hashlib.sha256(json.dumps([issuer, subject]).encode()).hexdigest()
    return vid(IDENTITY_LINK, digest)
