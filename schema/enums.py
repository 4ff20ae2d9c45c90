from __future__ import annotations

import enum
from typing import Any

import strawberry

from authz.policy import Need
from model.categories import RecordCategory as _RecordCategory


def _described(cls: Any, descriptions: dict[str, str]) -> Any:
    """Describes the values of a domain enum in the SDL without making the domain know GraphQL."""
    values = cls.__strawberry_definition__.values
    missing = {v.name for v in values} - set(descriptions)
    if missing:
        raise ValueError(f"describe {sorted(missing)} of {cls.__name__}")
    for value in values:
        value.description = descriptions[value.name]
    return cls


RecordCategory = _described(strawberry.enum(
    _RecordCategory, name="RecordCategory",
    description="The parts of a record a patient grants access to, one at a time."), {
    "LAB": "Laboratory results, and lab reports (FHIR Observation laboratory, DiagnosticReport).",
    "VITAL_SIGN": "Vital signs: blood pressure, heart rate, weight, BMI…",
    "CONDITION": "Diagnoses and problems.",
    "PROCEDURE": "Procedures performed.",
    "MEDICATION": "Medication orders and prescriptions.",
    "IMMUNIZATION": "Vaccinations.",
    "ALLERGY": "Allergies and intolerances.",
    "ENCOUNTER": "Visits and admissions.",
    "EPISODE": "Episodes of care added by providers; every provider grant covers it.",
    "DOCUMENT": "Documents: clinical notes, the text of photographed reports.",
    "OTHER": "Anything else (e.g. survey or social-history observations).",
})


@strawberry.enum(description="Whether an access to a patient's data was allowed or denied.")
class AccessOutcome(enum.Enum):
    ALLOWED = strawberry.enum_value("ALLOWED", description="The data was disclosed.")
    DENIED = strawberry.enum_value("DENIED", description="The request was refused.")


ConsentData = _described(strawberry.enum(
    Need, name="ConsentData",
    description="What a field guarded by @consent returns, and so what the viewer needs."), {
    "DEMOGRAPHICS": "Name, birth date, gender: the patient, granted providers, the payor and admins.",
    "RECORDS": "Clinical records: the patient, and granted providers for the granted categories.",
    "OWNER": "The patient alone.",
    "GRANTEE": "A provider's or the payor's own active grants from the patient.",
})
