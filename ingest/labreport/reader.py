"""Photo or scan of a paper lab report → LabReport."""
from __future__ import annotations

from ingest.labreport.ocr import image_text
from ingest.labreport.parse import LabReport, parse_lab_report


def read_lab_report(data: bytes, content_type: str | None = None) -> LabReport:
    """OCR a PNG or JPEG image and parse its lab results. Blocking (about a second per page)
    and thread-safe: run it in a worker thread.

    ``content_type`` is what the client declared; it is not trusted (the bytes decide) and
    does not change the result. Raises UnreadableImage (message fit for the user) when the
    bytes are not a readable PNG/JPEG or hold no text, OcrUnavailable when Tesseract is missing.
    """
    return parse_lab_report(image_text(data))
