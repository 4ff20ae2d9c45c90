"""Photos and scans of paper lab reports → unverified LAB records (OCR with Tesseract)."""
from ingest.labreport.ocr import MAX_PIXELS, OcrUnavailable, UnreadableImage, ocr_problem
from ingest.labreport.parse import LabLine, LabReport, parse_lab_lines, parse_lab_report
from ingest.labreport.reader import read_lab_report
from ingest.labreport.records import lab_records

__all__ = [
    "MAX_PIXELS",
    "LabLine",
    "LabReport",
    "OcrUnavailable",
    "UnreadableImage",
    "lab_records",
    "ocr_problem",
    "parse_lab_lines",
    "parse_lab_report",
    "read_lab_report",
]
