"""Mapping: one validated FHIR resource → the domain node the graph keeps.

Patient → PatientNode, Practitioner → ProviderNode, Organization → an organization (for
provenance), every clinical type in ``resource_types.RECORD_SHAPES`` → one RecordNode whose id
is the FHIR id.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from ingest.fhir import datatypes
from ingest.fhir.inputs import SourceEntry
from ingest.fhir.links import Links
from ingest.fhir.report import EntryRejected
from ingest.fhir.resource_types import NPI_SYSTEM, OBSERVATION_CATEGORIES, RECORD_SHAPES, RecordShape
from model.categories import RecordCategory
from model.nodes import PatientNode, ProviderNode, RecordNode


@dataclasses.dataclass(frozen=True, slots=True)
class OrganizationData:
    id: str
    name: str | None


def map_patient(entry: SourceEntry) -> PatientNode:
    resource = entry.resource
    birth = _instant(resource, "birthDate")
    return PatientNode(
        id=_id(entry),
        name=datatypes.human_name(resource.get("name")),
        birth_date=birth.date() if birth else None,
        gender=resource.get("gender"),
        deceased_at=_instant(resource, "deceasedDateTime"),
        source=entry.source,
    )


def map_practitioner(entry: SourceEntry) -> ProviderNode:
    resource = entry.resource
    npis = [i.get("value") for i in datatypes.values_at(resource, "identifier")
            if i.get("system") == NPI_SYSTEM and i.get("value")]
    return ProviderNode(
        id=_id(entry),
        name=datatypes.human_name(resource.get("name")),
        npi=npis[0] if npis else None,
        source=entry.source,
    )


def map_organization(entry: SourceEntry) -> OrganizationData:
    name = entry.resource.get("name")
    return OrganizationData(id=_id(entry), name=name if isinstance(name, str) else None)


def map_record(entry: SourceEntry, links: Links) -> RecordNode:
    resource = entry.resource
    shape = RECORD_SHAPES[entry.resource_type]
    patient_id = links.patient_id(entry, datatypes.first_of(resource, (shape.patient,)))
    code = _record_code(entry, shape, links) or datatypes.Code()
    value, unit = datatypes.value_x(resource)
    return RecordNode(
        id=_id(entry),
        patient_id=patient_id,
        category=shape.category or _observation_category(resource),
        code=code.code,
        system=code.system,
        display=code.display,
        value=value,
        unit=unit,
        components=datatypes.components(resource),
        reference_range=datatypes.reference_range(resource),
        interpretation=datatypes.interpretation(resource),
        status=datatypes.code_of(resource.get(shape.status)),
        effective_at=_first_instant(resource, shape.effective),
        source=entry.source,
        source_file=entry.file.path.name,
        author_id=links.provider_id(entry, _all_at(resource, shape.authors)),
        text=_record_text(resource, shape),
        fhir_type=entry.resource_type,
        result_ids=links.record_ids(entry, datatypes.values_at(resource, shape.results))
        if shape.results else (),
    )


def _record_code(entry: SourceEntry, shape: RecordShape, links: Links) -> datatypes.Code | None:
    code = datatypes.concept_code(datatypes.first_of(entry.resource, shape.code))
    if code is None and shape.code_reference:
        # medicationReference: the code lives on the Medication resource it names.
        linked = links.linked_resource(entry, entry.resource.get(shape.code_reference))
        code = datatypes.concept_code(linked.get("code")) if linked else None
    return code


def _record_text(resource: dict[str, Any], shape: RecordShape) -> str | None:
    for path in shape.text:
        for item in datatypes.values_at(resource, path):
            text = datatypes.attachment_text(item)
            if text:
                return text
    return None


def _observation_category(resource: dict[str, Any]) -> RecordCategory:
    for coding in datatypes.values_at(resource, "category.coding"):
        category = OBSERVATION_CATEGORIES.get(coding.get("code"))
        if category is not None:
            return category
    return RecordCategory.OTHER


def _all_at(resource: dict[str, Any], paths: tuple[str, ...]) -> list[Any]:
    return [value for path in paths for value in datatypes.values_at(resource, path)]


def _first_instant(resource: dict[str, Any], paths: tuple[str, ...]) -> dt.datetime | None:
    for path in paths:
        found = _instant(resource, path)
        if found is not None:
            return found
    return None


def _instant(resource: dict[str, Any], path: str) -> dt.datetime | None:
    text = datatypes.first_of(resource, (path,))
    try:
        return datatypes.fhir_instant(text)
    except ValueError:
        raise EntryRejected(f"{path}: unreadable date-time {text!r}") from None


def _id(entry: SourceEntry) -> str:
    if not entry.resource_id:
        raise EntryRejected(f"{entry.resource_type} has no id")
    return entry.resource_id
