"""Real data end to end: the Synthea export imported, then each patient, signed in with a
token for their own id, sees every one of their records with the right category counts."""
from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from ingest.fhir.run import run_import
from tests.support import SHARED_FHIR, Api

pytestmark = pytest.mark.skipif(not SHARED_FHIR.is_dir(), reason=f"the sample export is not at {SHARED_FHIR}")

CATEGORY_OF_TYPE = {
    "Condition": "CONDITION", "Procedure": "PROCEDURE", "MedicationRequest": "MEDICATION",
    "Immunization": "IMMUNIZATION", "AllergyIntolerance": "ALLERGY", "Encounter": "ENCOUNTER",
    "DocumentReference": "DOCUMENT", "Observation": None, "DiagnosticReport": "LAB",
}


def expected_counts() -> tuple[list[str], Counter]:
    """Straight from the files: who each clinical resource belongs to, by its reference."""
    patients, counts = [], Counter()
    for path in sorted(SHARED_FHIR.glob("*.ndjson")):
        for line in path.read_text().splitlines():
            resource = json.loads(line)
            kind = resource["resourceType"]
            if kind == "Patient":
                patients.append(resource["id"])
            elif kind in CATEGORY_OF_TYPE and CATEGORY_OF_TYPE[kind]:
                reference = (resource.get("subject") or resource.get("patient"))["reference"]
                patient_id = reference.rsplit("/", 1)[-1].removeprefix("urn:uuid:")
                counts[(patient_id, CATEGORY_OF_TYPE[kind])] += 1
    return patients, counts


async def test_each_imported_patient_sees_their_whole_record(api: Api):
    report = await asyncio.to_thread(run_import, api.graph, [str(SHARED_FHIR)], "payor")
    assert report.rejections == []
    patients, counts = expected_counts()
    assert len(patients) == 13
    categories = sorted({c for _, c in counts})
    query = "query Mine($id: ID!) { patient(id: $id) { name " + " ".join(
        f"{c.lower()}: records(category: {c}, first: 1) {{ totalCount }}" for c in categories
    ) + " all: records(first: 100) { totalCount edges { node { category } } } } }"
    for patient_id in patients:
        response = await api.as_patient(patient_id, query, {"id": patient_id})
        assert response.errors == [], response.errors
        patient = response.data["patient"]
        assert patient["name"]
        for category in categories:
            assert patient[category.lower()]["totalCount"] == counts[(patient_id, category)], (patient_id, category)
        assert patient["all"]["totalCount"] == sum(counts[(patient_id, c)] for c in categories)
