"""Which FHIR resource types are imported, and where each keeps what a Record needs.

One table instead of one mapping function per type: the types differ only in field names
(``subject`` or ``patient``, ``effectiveDateTime`` or ``performedPeriod.start``…). Paths are
dotted and flatten lists (see ``datatypes.values_at``); where several are listed, the first
one present wins.
"""
from __future__ import annotations

import dataclasses

from model.categories import RecordCategory

PATIENT = "Patient"
PRACTITIONER = "Practitioner"
ORGANIZATION = "Organization"

# Written before any record: records link to patients and providers.
PARTY_TYPES = (PRACTITIONER, ORGANIZATION, PATIENT)

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"


@dataclasses.dataclass(frozen=True, slots=True)
class RecordShape:
    # None: decided per resource from its category (Observation).
    category: RecordCategory | None
    patient: str
    code: tuple[str, ...]
    effective: tuple[str, ...]
    # References that may name the author; only a Practitioner that was imported counts.
    authors: tuple[str, ...] = ()
    # A code element, or a CodeableConcept whose first code is the status.
    status: str = "status"
    # A reference to a resource whose ``code`` is the record's code (a Medication).
    code_reference: str | None = None
    # Plain text, or attachments whose base64 data is text.
    text: tuple[str, ...] = ()
    # References to other records this one links to (a report's results).
    results: str | None = None


RECORD_SHAPES: dict[str, RecordShape] = {
    "Observation": RecordShape(
        category=None, patient="subject", code=("code",),
        effective=("effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued"),
        authors=("performer",),
    ),
    "DiagnosticReport": RecordShape(
        category=RecordCategory.LAB, patient="subject", code=("code",),
        effective=("effectiveDateTime", "effectivePeriod.start", "issued"),
        authors=("performer", "resultsInterpreter"),
        text=("conclusion", "presentedForm"), results="result",
    ),
    "Condition": RecordShape(
        category=RecordCategory.CONDITION, patient="subject", code=("code",),
        effective=("onsetDateTime", "onsetPeriod.start", "recordedDate"),
        authors=("asserter", "recorder"), status="clinicalStatus",
    ),
    "Procedure": RecordShape(
        category=RecordCategory.PROCEDURE, patient="subject", code=("code",),
        effective=("performedDateTime", "performedPeriod.start"),
        authors=("performer.actor", "recorder", "asserter"),
    ),
    "MedicationRequest": RecordShape(
        category=RecordCategory.MEDICATION, patient="subject", code=("medicationCodeableConcept",),
        effective=("authoredOn",), authors=("requester", "recorder"),
        code_reference="medicationReference",
    ),
    "Immunization": RecordShape(
        category=RecordCategory.IMMUNIZATION, patient="patient", code=("vaccineCode",),
        effective=("occurrenceDateTime", "recorded"), authors=("performer.actor",),
    ),
    "AllergyIntolerance": RecordShape(
        category=RecordCategory.ALLERGY, patient="patient", code=("code",),
        effective=("onsetDateTime", "onsetPeriod.start", "recordedDate"),
        authors=("asserter", "recorder"), status="clinicalStatus",
    ),
    "Encounter": RecordShape(
        category=RecordCategory.ENCOUNTER, patient="subject", code=("type", "class"),
        effective=("period.start",), authors=("participant.individual",),
    ),
    "DocumentReference": RecordShape(
        category=RecordCategory.DOCUMENT, patient="subject", code=("type",),
        effective=("date", "context.period.start"), authors=("author",),
        text=("content.attachment",),
    ),
}

IMPORTED_TYPES = frozenset(PARTY_TYPES) | frozenset(RECORD_SHAPES)

# Observation.category codes (http://terminology.hl7.org/CodeSystem/observation-category).
OBSERVATION_CATEGORIES = {
    "laboratory": RecordCategory.LAB,
    "vital-signs": RecordCategory.VITAL_SIGN,
}


def links_to_records(resource_type: str) -> bool:
    """Written after the other records, so the records it links to exist."""
    shape = RECORD_SHAPES.get(resource_type)
    return bool(shape and shape.results)
