"""Lab lines read from a photo → model records, all unverified until the patient confirms them."""
from __future__ import annotations

import datetime as dt

from ingest.labreport.loinc import LOINC_SYSTEM
from ingest.labreport.parse import LabLine, LabReport
from model.categories import RecordCategory
from model.nodes import RecordNode
from model.timeutil import UTC

PHOTO_SOURCE = "photo"
UNVERIFIED = "unverified"
DOCUMENT_DISPLAY = "Lab report (photo)"
# LOINC "Laboratory report": the document type FHIR uses for a lab report as a whole.
_LAB_REPORT_DOCUMENT_CODE = "11502-2"


def lab_records(report: LabReport, patient_id: str, upload_id: str,
                received_at: dt.datetime) -> list[RecordNode]:
    """One LAB record per lab line (ids ``{upload_id}-1``, ``-2``, …), then one DOCUMENT record
    with the full text (``{upload_id}-doc``) that lists them as its results. Write them in this
    order: the document's result edges need the lab records to exist."""
    effective_at = _effective_at(report, received_at)
    labs = [_lab_record(line, f"{upload_id}-{number}", patient_id, effective_at)
            for number, line in enumerate(report.lines, start=1)]
    document = RecordNode(
        id=f"{upload_id}-doc",
        patient_id=patient_id,
        category=RecordCategory.DOCUMENT,
        code=_LAB_REPORT_DOCUMENT_CODE,
        system=LOINC_SYSTEM,
        display=DOCUMENT_DISPLAY,
        text=report.text,
        status=UNVERIFIED,
        effective_at=effective_at,
        source=PHOTO_SOURCE,
        result_ids=tuple(lab.id for lab in labs),
    )
    return [*labs, document]


def _effective_at(report: LabReport, received_at: dt.datetime) -> dt.datetime:
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    # A printed date after the upload is a misread (a lab cannot report the future).
    if report.effective_at is not None and report.effective_at <= received_at:
        return report.effective_at
    return received_at


def _lab_record(line: LabLine, record_id: str, patient_id: str,
                effective_at: dt.datetime) -> RecordNode:
    return RecordNode(
        id=record_id,
        patient_id=patient_id,
        category=RecordCategory.LAB,
        code=line.loinc_code,
        system=LOINC_SYSTEM if line.loinc_code else None,
        display=line.loinc_display or line.name,
        value=line.value,
        unit=line.unit,
        reference_range=line.reference_range,
        interpretation=line.flag,
        status=UNVERIFIED,
        effective_at=effective_at,
        source=PHOTO_SOURCE,
    )
