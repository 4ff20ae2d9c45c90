"""Domain nodes ⇄ vertex properties. One place decides how each field is stored."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Mapping

from gremlin_python.process.traversal import T

from graphdb import model
from model.categories import ALL_CATEGORIES, RecordCategory, decode_categories, encode_categories
from model.nodes import (
    AccessEventNode,
    GrantNode,
    PatientNode,
    PayorNode,
    ProviderNode,
    RecordComponentData,
    RecordNode,
)
from model.numbers import value_number
from model.timeutil import from_ms, parse_iso, to_ms


def _get(m: Mapping[Any, Any], key: str) -> Any:
    value = m.get(key)
    # valueMap() gives lists, elementMap() scalars: accept both.
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _id_of(m: Mapping[Any, Any]) -> str:
    return model.entity_id(m[T.id])


def _iso(value: dt.datetime | None) -> str | None:
    """ISO text as short as the value allows: FHIR's `.824-05:00` stays `.824-05:00`."""
    if value is None:
        return None
    if value.microsecond == 0:
        return value.isoformat(timespec="seconds")
    if value.microsecond % 1000 == 0:
        return value.isoformat(timespec="milliseconds")
    return value.isoformat()


# -- Patient -------------------------------------------------------------------------------
def patient_properties(p: PatientNode) -> dict[str, Any]:
    return {
        "name": p.name,
        "birthDate": p.birth_date.isoformat() if p.birth_date else None,
        "gender": p.gender,
        "deceasedAt": _iso(p.deceased_at),
        "deceasedAtMs": to_ms(p.deceased_at) if p.deceased_at else None,
        "birthYear": p.birth_date.year if p.birth_date else None,
        "source": p.source,
    }


def patient_from_map(m: Mapping[Any, Any]) -> PatientNode:
    birth = _get(m, "birthDate")
    deceased = _get(m, "deceasedAt")
    return PatientNode(
        id=_id_of(m),
        name=_get(m, "name"),
        birth_date=dt.date.fromisoformat(birth) if birth else None,
        gender=_get(m, "gender"),
        deceased_at=parse_iso(deceased) if deceased else None,
        source=_get(m, "source"),
    )


# -- Provider / Payor ----------------------------------------------------------------------
def provider_properties(p: ProviderNode) -> dict[str, Any]:
    return {
        "name": p.name,
        "nameLower": p.name.lower() if p.name else None,
        "npi": p.npi,
        "specialty": p.specialty,
        "source": p.source,
    }


def provider_from_map(m: Mapping[Any, Any]) -> ProviderNode:
    return ProviderNode(
        id=_id_of(m),
        name=_get(m, "name"),
        npi=_get(m, "npi"),
        specialty=_get(m, "specialty"),
        source=_get(m, "source"),
    )


def payor_from_map(m: Mapping[Any, Any]) -> PayorNode:
    return PayorNode(id=_id_of(m), name=_get(m, "name"))


# -- Record --------------------------------------------------------------------------------
def record_properties(r: RecordNode) -> dict[str, Any]:
    return {
        "patientId": r.patient_id,
        "category": r.category.value,
        "sortKey": to_ms(r.effective_at) if r.effective_at else model.UNDATED_SORT_KEY,
        "code": r.code,
        "system": r.system,
        "display": r.display,
        "value": r.value,
        "unit": r.unit,
        "components": json.dumps([
            {"code": c.code, "system": c.system, "display": c.display, "value": c.value, "unit": c.unit}
            for c in r.components
        ]) if r.components else None,
        "referenceRange": r.reference_range,
        "interpretation": r.interpretation,
        "status": r.status,
        "effectiveAt": _iso(r.effective_at),
        "source": r.source,
        "sourceFile": r.source_file,
        "authorId": r.author_id,
        "text": r.text,
        "fhirType": r.fhir_type,
        # The value as a number when it is one: values are text, and insights band them in
        # the graph (``P.lt``/``P.gte`` compare numbers, not text).
        "valueNumber": value_number(r.value),
    }


def record_from_map(m: Mapping[Any, Any]) -> RecordNode:
    components = _get(m, "components")
    effective = _get(m, "effectiveAt")
    return RecordNode(
        id=_id_of(m),
        patient_id=_get(m, "patientId"),
        category=RecordCategory(_get(m, "category")),
        code=_get(m, "code"),
        system=_get(m, "system"),
        display=_get(m, "display"),
        value=_get(m, "value"),
        unit=_get(m, "unit"),
        components=tuple(RecordComponentData(**c) for c in json.loads(components)) if components else (),
        reference_range=_get(m, "referenceRange"),
        interpretation=_get(m, "interpretation"),
        status=_get(m, "status"),
        effective_at=parse_iso(effective) if effective else None,
        source=_get(m, "source"),
        source_file=_get(m, "sourceFile"),
        author_id=_get(m, "authorId"),
        text=_get(m, "text"),
        fhir_type=_get(m, "fhirType"),
    )


# -- Grant ---------------------------------------------------------------------------------
def covers_key(category: RecordCategory) -> str:
    """A boolean grant property, present (True) when the grant covers ``category``: cohort
    traversals test coverage with one ``has`` instead of parsing ``categories``."""
    return f"covers{category.value}"


def grant_properties(gr: GrantNode) -> dict[str, Any]:
    covered = ALL_CATEGORIES if gr.all_categories else gr.categories
    return {
        **{covers_key(c): (True if c in covered else None) for c in RecordCategory},
        "patientId": gr.patient_id,
        "granteeId": gr.grantee_id,
        "granteeType": gr.grantee_type,
        "categories": encode_categories(None if gr.all_categories else gr.categories),
        "createdAtMs": to_ms(gr.created_at),
        "expiresAtMs": to_ms(gr.expires_at),
        "revokedAtMs": to_ms(gr.revoked_at) if gr.revoked_at else None,
    }


def grant_from_map(m: Mapping[Any, Any]) -> GrantNode:
    encoded = _get(m, "categories")
    revoked = _get(m, "revokedAtMs")
    return GrantNode(
        id=_id_of(m),
        patient_id=_get(m, "patientId"),
        grantee_id=_get(m, "granteeId"),
        grantee_type=_get(m, "granteeType"),
        categories=decode_categories(encoded),
        all_categories=encoded == "*",
        created_at=from_ms(_get(m, "createdAtMs")),
        expires_at=from_ms(_get(m, "expiresAtMs")),
        revoked_at=from_ms(revoked) if revoked is not None else None,
    )


# -- AccessEvent ---------------------------------------------------------------------------
def event_properties(e: AccessEventNode) -> dict[str, Any]:
    return {
        "patientId": e.patient_id,
        "atMs": to_ms(e.at),
        "viewerId": e.viewer_id,
        "viewerType": e.viewer_type,
        "viewerName": e.viewer_name,
        "operation": e.operation,
        "categories": ",".join(c.value for c in e.categories),
        "recordCount": e.record_count,
        "outcome": e.outcome,
        "grantIds": ",".join(e.grant_ids),
    }


def event_from_map(m: Mapping[Any, Any]) -> AccessEventNode:
    categories = _get(m, "categories") or ""
    grant_ids = _get(m, "grantIds") or ""
    return AccessEventNode(
        id=_id_of(m),
        patient_id=_get(m, "patientId"),
        at=from_ms(_get(m, "atMs")),
        viewer_id=_get(m, "viewerId"),
        viewer_type=_get(m, "viewerType"),
        viewer_name=_get(m, "viewerName"),
        operation=_get(m, "operation"),
        categories=tuple(RecordCategory(c) for c in categories.split(",") if c),
        record_count=int(_get(m, "recordCount") or 0),
        outcome=_get(m, "outcome"),
        grant_ids=tuple(g for g in grant_ids.split(",") if g),
    )
