"""Photos/scans of paper lab reports → LAB records: parser on raw OCR text, records, and the
whole path through real Tesseract on images drawn by tests/labreport_images.py."""
from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

import pytesseract
import pytest
from PIL import Image

from ingest.labreport import (
    LabLine,
    LabReport,
    OcrUnavailable,
    UnreadableImage,
    lab_records,
    ocr_problem,
    parse_lab_lines,
    parse_lab_report,
    read_lab_report,
)
from ingest.labreport.parse import parse_lab_line
from model.categories import RecordCategory
from tests.labreport_images import Row, blank_page, render_lab_report

UTC = dt.timezone.utc
RECEIVED_AT = dt.datetime(2024, 3, 7, 12, 0, tzinfo=UTC)
LOINC = "http://loinc.org"

needs_tesseract = pytest.mark.skipif(
    shutil.which(pytesseract.pytesseract.tesseract_cmd) is None,
    reason="the `tesseract` binary is not installed (apt-get install tesseract-ocr)",
)


def observed(lab_line: LabLine) -> tuple:
    """What the tests compare: (LOINC code, value, unit, reference range, flag)."""
    return (lab_line.loinc_code, lab_line.value, lab_line.unit, lab_line.reference_range,
            lab_line.flag)


# --- parser: one OCR'd line at a time, with the noise Tesseract produces --------------------

@pytest.mark.parametrize("text, expected", [
    ("Hemoglobin A1c 6.8 H % 4.0-5.6", ("4548-4", "6.8", "%", "4.0-5.6", "H")),
    # "1" read as "l", flag glued to the value, spaces around the range dash
    ("Hemoglobin Alc     6.8H     %      4.0 - 5.6", ("4548-4", "6.8", "%", "4.0-5.6", "H")),
    ("HemoglobinAlc 6.8 H % 4.0-5.6", ("4548-4", "6.8", "%", "4.0-5.6", "H")),
    # table borders, an en dash, a percent sign glued to the value, a bracketed flag
    ("| HbA1c | 6.8 | H | % | 4.0-5.6 |", ("4548-4", "6.8", "%", "4.0-5.6", "H")),
    ("A1C 6.8% (H) 4.0–5.6", ("4548-4", "6.8", "%", "4.0-5.6", "H")),
    ("Glucose 126 mg/dl 70 - 99 HIGH", ("2345-7", "126", "mg/dL", "70-99", "H")),
    ("Glucose, Fasting 92 mg/dI 70-99", ("1558-6", "92", "mg/dL", "70-99", None)),
    ("Glucose 98 70-99 mg/dL", ("2345-7", "98", "mg/dL", "70-99", None)),
    ("LDL-C 98 mg/dL < 100", ("18262-6", "98", "mg/dL", "<100", None)),
    ("LDL Cholesterol Calc 131 H mg/dL 0-99", ("13457-7", "131", "mg/dL", "0-99", "H")),
    ("HDL Cholesterol 38 L: mg/dL >40", ("2085-9", "38", "mg/dL", ">40", "L")),
    ("HDL Cholesterol 38 E mg/dL >40", ("2085-9", "38", "mg/dL", ">40", None)),
    ("Cholesterol, Total 182 mg/dL <200", ("2093-3", "182", "mg/dL", "<200", None)),
    ("Non-HDL Cholesterol 144 mg/dL <130", (None, "144", "mg/dL", "<130", None)),
    ("Triglycerides 210 H mg/dL <150", ("2571-8", "210", "mg/dL", "<150", "H")),
    ("Creatinine 0.9 mg/dL 0.6 to 1.2", ("2160-0", "0.9", "mg/dL", "0.6-1.2", None)),
    # the unit split in two by OCR; "≥" for ">="
    ("eGFR 92 mL/min/1.73 m2 > 60", ("98979-8", "92", "mL/min/1.73m2", ">60", None)),
    ("eGFR (MDRD) 55 L mL/min/1.73m² ≥60", ("33914-3", "55", "mL/min/1.73m2", ">=60", "L")),
    ("eGFR non-African American 92 mL/min/1.73m2 >60", (None, "92", "mL/min/1.73m2", ">60", None)),
    ("Hemoglobin 13.2 g/dL 12.0-15.5", ("718-7", "13.2", "g/dL", "12.0-15.5", None)),
    # decimal point read as a colon; the power of ten written three ways
    ("WBC 7:2 10*3/uL 4.0-11.0", ("6690-2", "7.2", "10^3/uL", "4.0-11.0", None)),
    ("WBC 7.2 10% 3/uL 4.0-11.0", ("6690-2", "7.2", "10^3/uL", "4.0-11.0", None)),
    ("Platelets 250 10“3/uL 150-400", ("777-3", "250", "10^3/uL", "150-400", None)),
    ("Platelets 250 1073/uL 150-400", ("777-3", "250", "10^3/uL", "150-400", None)),
    ("WBC 7.2 1043/uL 4.0-11.0", ("6690-2", "7.2", "10^3/uL", "4.0-11.0", None)),
    ("Potassium 3.1 L: mmol/L 3:5-5.1", ("2823-3", "3.1", "mmol/L", "3.5-5.1", "L")),
    ("LDL Cholesterol 98 mg/db <100", ("18262-6", "98", "mg/dL", "<100", None)),
    ("Platelet Count 250 x10E3/uL 150-400", ("777-3", "250", "10^3/uL", "150-400", None)),
    ("Sodium 139 mEq/L 136-145", ("2951-2", "139", "mEq/L", "136-145", None)),
    ("Potassium, Serum 3.1 L mmol/l 3.5-5.1", ("2823-3", "3.1", "mmol/L", "3.5-5.1", "L")),
    ("Potassium 6.9 HH mmol/L 3.5-5.1", ("2823-3", "6.9", "mmol/L", "3.5-5.1", "HH")),
    ("TSH 5.9 H mlU/L 0.4-4.0", ("3016-3", "5.9", "mIU/L", "0.4-4.0", "H")),
    ("ALT (SGPT) 23 U/L 7-56", ("1742-6", "23", "U/L", "7-56", None)),
    ("AST <5 L U/L 10-40", ("1920-8", "<5", "U/L", "10-40", "L")),
    # not in the LOINC table: kept, without a code, because it has a unit
    ("Vitamin B12 450 pg/mL 200-900", (None, "450", "pg/mL", "200-900", None)),
    ("Urine Albumin 12 A mg/g 0-30", (None, "12", "mg/g", "0-30", "A")),
])
def test_parses_result_lines_despite_ocr_noise(text: str, expected: tuple) -> None:
    parsed = parse_lab_line(text)
    assert parsed is not None, text
    assert observed(parsed) == expected


def test_line_keeps_the_printed_name_and_gets_the_loinc_display() -> None:
    parsed = parse_lab_line("  LDL Cholesterol:   98   mg/dL   <100 ")
    assert parsed == LabLine(
        name="LDL Cholesterol", value="98", unit="mg/dL", reference_range="<100", flag=None,
        loinc_code="18262-6",
        loinc_display="Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay")


@pytest.mark.parametrize("text", [
    "LABORATORY REPORT",
    "Riverside Clinical Laboratory",
    "1200 Main Street, Springfield, IL 62701   Phone (555) 013-2400",
    "Springfield, IL 62701 (555) 013-2400",
    "Patient: Jane Doe      DOB: 04/12/1971      MRN: 00482913",
    "Ordering physician: Dr. Alan Grant      Account: 7741",
    "Collected: 2024-03-05 08:30    Reported: 2024-03-06",
    "Age: 52 Sex: F",
    "Fax (555) 013-2401",
    "Test Result Flag Units Reference range",
    "Results verified by M. Sattler, MD. Page 1 of 1",
    "Printed 03/06/2024 10:15",
    "Specimen: Serum 5 mL/tube",
    "Creatinine mg/dL 0.6 - 1.2",  # no result printed: the range is not a value
    "Comment: 3 samples",
    "",
    "    ",
])
def test_header_footer_and_prose_are_not_results(text: str) -> None:
    assert parse_lab_line(text) is None


def test_report_text_gives_only_its_results_in_order() -> None:
    text = """LABORATORY REPORT
Riverside Clinical Laboratory  1200 Main Street, Springfield, IL 62701
Patient: Jane Doe   DOB: 04/12/1971   MRN: 00482913
Collected: 03/05/2024 08:30 AM   Reported: 03/06/2024
Test            Result  Flag  Units    Reference range
Glucose         126     H     mg/dL    70-99
Potassium       3.1     L     mmol/L   3.5-5.1
Page 1 of 1
"""
    report = parse_lab_report(text)
    assert report.text == text
    assert [observed(l) for l in report.lines] == [
        ("2345-7", "126", "mg/dL", "70-99", "H"),
        ("2823-3", "3.1", "mmol/L", "3.5-5.1", "L"),
    ]
    assert report.effective_at == dt.datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert parse_lab_lines(text) == report.lines


@pytest.mark.parametrize("text, expected", [
    ("Collected: 2024-03-05", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ("Collection Date: 03/05/2024 08:30 AM", dt.datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
    ("Date Collected 3/5/2024 2:15 PM", dt.datetime(2024, 3, 5, 14, 15, tzinfo=UTC)),
    ("Received: 05-Mar-2024 14:10", dt.datetime(2024, 3, 5, 14, 10, tzinfo=UTC)),
    ("Reported: Mar 6, 2024", dt.datetime(2024, 3, 6, tzinfo=UTC)),
    ("Date: 03/05/24", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ("Collected: 25/03/2024", dt.datetime(2024, 3, 25, tzinfo=UTC)),  # day first: 25 is no month
    # the collection date wins over an earlier-printed report date
    ("Reported: 2024-03-06\nCollected: 2024-03-05 07:45", dt.datetime(2024, 3, 5, 7, 45, tzinfo=UTC)),
    # a birth date is never the effective date
    ("Patient: Jane Doe DOB: 04/12/1971", None),
    ("Date of Birth: 04/12/1971\nReported: 2024-03-06", dt.datetime(2024, 3, 6, tzinfo=UTC)),
    ("Birth Date: 04/12/1971", None),
    ("Collected: 2024-13-45", None),  # misread, not a date
    ("Collected:\n2024-03-05", None),  # a label does not reach into the next line
    ("no dates here", None),
])
def test_reads_the_collection_or_report_date(text: str, expected: dt.datetime | None) -> None:
    assert parse_lab_report(text).effective_at == expected


# --- records -----------------------------------------------------------------------------------

def _report(effective_at: dt.datetime | None) -> LabReport:
    return LabReport(
        text="Glucose 126 H mg/dL 70-99\nVitamin B12 450 pg/mL 200-900",
        lines=[
            LabLine("Glucose", "126", "mg/dL", "70-99", "H", "2345-7",
                    "Glucose [Mass/volume] in Serum or Plasma"),
            LabLine("Vitamin B12", "450", "pg/mL", "200-900", None),
        ],
        effective_at=effective_at,
    )


def test_lab_records_are_unverified_photo_records_with_a_document() -> None:
    collected = dt.datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    glucose, b12, document = lab_records(_report(collected), "pat-1", "up-7", RECEIVED_AT)

    assert glucose.id == "up-7-1" and b12.id == "up-7-2" and document.id == "up-7-doc"
    for record in (glucose, b12, document):
        assert record.patient_id == "pat-1"
        assert record.status == "unverified"
        assert record.source == "photo"
        assert record.effective_at == collected

    assert glucose.category is RecordCategory.LAB
    assert (glucose.code, glucose.system, glucose.display) == (
        "2345-7", LOINC, "Glucose [Mass/volume] in Serum or Plasma")
    assert (glucose.value, glucose.unit, glucose.reference_range, glucose.interpretation) == (
        "126", "mg/dL", "70-99", "H")
    # no LOINC code: no system either, and the printed name as display
    assert (b12.code, b12.system, b12.display, b12.interpretation) == (None, None, "Vitamin B12", None)

    assert document.category is RecordCategory.DOCUMENT
    assert document.display == "Lab report (photo)"
    assert document.text == _report(None).text
    assert document.result_ids == ("up-7-1", "up-7-2")


def test_records_are_deterministic_per_upload() -> None:
    report = _report(None)
    assert lab_records(report, "pat-1", "up-7", RECEIVED_AT) == lab_records(report, "pat-1", "up-7", RECEIVED_AT)


@pytest.mark.parametrize("printed, expected", [
    (None, RECEIVED_AT),  # no date on the report
    (dt.datetime(2031, 1, 1, tzinfo=UTC), RECEIVED_AT),  # after the upload: a misread
    (dt.datetime(2024, 3, 5, tzinfo=UTC), dt.datetime(2024, 3, 5, tzinfo=UTC)),
])
def test_effective_time_is_the_printed_date_else_the_upload_time(
        printed: dt.datetime | None, expected: dt.datetime) -> None:
    records = lab_records(_report(printed), "pat-1", "up-7", RECEIVED_AT)
    assert {r.effective_at for r in records} == {expected}


def test_a_report_without_results_still_keeps_its_document() -> None:
    report = LabReport(text="Thank you for choosing us", lines=[])
    (document,) = lab_records(report, "pat-1", "up-8", RECEIVED_AT.replace(tzinfo=None))
    assert document.category is RecordCategory.DOCUMENT
    assert document.result_ids == ()
    assert document.effective_at == RECEIVED_AT  # a naive upload time is read as UTC


# --- images through real Tesseract --------------------------------------------------------

CHEMISTRY = [  # (printed row, LOINC code the name must map to)
    (Row("Hemoglobin A1c", "6.8", "H", "%", "4.0-5.6"), "4548-4"),
    (Row("Glucose", "126", "H", "mg/dL", "70-99"), "2345-7"),
    (Row("LDL Cholesterol", "98", "", "mg/dL", "<100"), "18262-6"),
    (Row("HDL Cholesterol", "38", "L", "mg/dL", ">40"), "2085-9"),
    (Row("Total Cholesterol", "182", "", "mg/dL", "<200"), "2093-3"),
    (Row("Triglycerides", "210", "H", "mg/dL", "<150"), "2571-8"),
    (Row("Creatinine", "0.9", "", "mg/dL", "0.6 - 1.2"), "2160-0"),
    (Row("eGFR", "92", "", "mL/min/1.73m2", ">60"), "98979-8"),
]
BLOOD_COUNT_AND_MORE = [
    (Row("Hemoglobin", "11.3", "L", "g/dL", "12.0-15.5"), "718-7"),
    (Row("WBC", "7.2", "", "10^3/uL", "4.0-11.0"), "6690-2"),
    (Row("Platelets", "250", "", "10^3/uL", "150-400"), "777-3"),
    (Row("Sodium", "139", "", "mmol/L", "136-145"), "2951-2"),
    (Row("Potassium", "3.1", "L", "mmol/L", "3.5-5.1"), "2823-3"),
    (Row("TSH", "5.9", "H", "mIU/L", "0.4-4.0"), "3016-3"),
    (Row("ALT", "23", "", "U/L", "7-56"), "1742-6"),
    (Row("AST", "48", "H", "U/L", "10-40"), "1920-8"),
]
PRINTED_COLLECTION_DATE = dt.datetime(2024, 3, 5, tzinfo=UTC)


def expected_lines(rows: Sequence[tuple[Row, str]]) -> list[tuple]:
    return [(code, row.result, row.unit, row.reference_range.replace(" ", ""), row.flag or None)
            for row, code in rows]


def rows_of(rows: Sequence[tuple[Row, str]]) -> list[Row]:
    return [row for row, _ in rows]


@needs_tesseract
@pytest.mark.parametrize("rows, options", [
    pytest.param(CHEMISTRY, {}, id="png-chemistry"),
    pytest.param(BLOOD_COUNT_AND_MORE, {}, id="png-blood-count"),
    pytest.param(CHEMISTRY, {"fmt": "JPEG"}, id="jpeg"),
    pytest.param(CHEMISTRY, {"fmt": "JPEG", "scale": 0.6}, id="small-jpeg"),
    # grey paper, speckles, blur and a 1.5° tilt, like a (modest, 1700 px wide) phone photo
    pytest.param(CHEMISTRY, {"noise": True, "scale": 1.6}, id="photo"),
])
def test_reads_back_every_printed_result(rows: list[tuple[Row, str]], options: dict) -> None:
    report = read_lab_report(render_lab_report(rows_of(rows), **options))
    # exactly the table: the header (patient, birth date, address, phone) and footer add nothing
    assert [observed(l) for l in report.lines] == expected_lines(rows)
    assert report.effective_at == PRINTED_COLLECTION_DATE
    assert report.text.startswith("LABORATORY REPORT")


@needs_tesseract
def test_photo_becomes_unverified_records() -> None:
    image = render_lab_report(rows_of(CHEMISTRY[:3]), header=False)
    report = read_lab_report(image, "image/png")
    records = lab_records(report, "pat-1", "upload-42", RECEIVED_AT)

    assert [r.id for r in records] == ["upload-42-1", "upload-42-2", "upload-42-3", "upload-42-doc"]
    assert [(r.code, r.value, r.interpretation) for r in records[:3]] == [
        ("4548-4", "6.8", "H"), ("2345-7", "126", "H"), ("18262-6", "98", None)]
    assert all(r.system == LOINC and r.status == "unverified" for r in records)
    # no printed date without the header: the upload time stands in
    assert {r.effective_at for r in records} == {RECEIVED_AT}
    assert "Glucose" in (records[-1].text or "")


@needs_tesseract
def test_declared_content_type_is_not_trusted() -> None:
    image = render_lab_report(rows_of(CHEMISTRY[1:2]), fmt="JPEG", header=False)
    assert [observed(l) for l in read_lab_report(image, "image/gif").lines] == expected_lines(CHEMISTRY[1:2])
    with pytest.raises(UnreadableImage, match="not a PNG or JPEG image"):
        read_lab_report(b"GIF89a" + image, "image/jpeg")


@needs_tesseract
def test_concurrent_reads_do_not_interfere() -> None:
    images = [render_lab_report(rows_of(rows[:2]), header=False)
              for rows in (CHEMISTRY, BLOOD_COUNT_AND_MORE)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(read_lab_report, images))
    assert [[observed(l) for l in r.lines] for r in reports] == [
        expected_lines(CHEMISTRY[:2]), expected_lines(BLOOD_COUNT_AND_MORE[:2])]


def _reencoded(png: bytes, convert: Callable[[Image.Image], Image.Image], fmt: str = "PNG",
               **save_options: object) -> bytes:
    out = io.BytesIO()
    convert(Image.open(io.BytesIO(png)).convert("L")).save(out, format=fmt, **save_options)
    return out.getvalue()


def _ink_on_transparent(gray: Image.Image) -> Image.Image:
    """Black ink whose opacity carries the text, on fully transparent (black) pixels: what
    screenshots and scanner apps save. Read without its alpha, it is all black."""
    black = Image.new("L", gray.size, 0)
    return Image.merge("RGBA", (black, black, black, gray.point(lambda v: 255 - v)))


def _sixteen_bit(gray: Image.Image) -> Image.Image:
    return gray.convert("I").point(lambda v: v * 257).convert("I;16")


def _sideways_with_exif_orientation() -> dict[str, object]:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer turns the stored image 90° clockwise
    return {"exif": exif.tobytes()}


@needs_tesseract
@pytest.mark.parametrize("encode", [
    pytest.param(lambda png: _reencoded(png, _ink_on_transparent), id="transparent-png"),
    pytest.param(lambda png: _reencoded(png, _sixteen_bit), id="16-bit-grey-png"),
    pytest.param(lambda png: _reencoded(png, lambda g: g.convert("P")), id="palette-png"),
    pytest.param(lambda png: _reencoded(png, lambda g: g.transpose(Image.Transpose.ROTATE_90).convert("RGB"),
                                        "JPEG", **_sideways_with_exif_orientation()),
                 id="phone-jpeg-stored-sideways"),
])
def test_reads_the_pixel_formats_phones_and_scanners_produce(encode: Callable[[bytes], bytes]) -> None:
    rows = CHEMISTRY[:3]
    report = read_lab_report(encode(render_lab_report(rows_of(rows), header=False)))
    assert [observed(l) for l in report.lines] == expected_lines(rows)


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims a width × height image (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


_A_PNG = render_lab_report([Row("Glucose", "98", "", "mg/dL", "70-99")], header=False)
_A_JPEG = render_lab_report([Row("Glucose", "98", "", "mg/dL", "70-99")], header=False, fmt="JPEG")


@pytest.mark.parametrize("data, message", [
    pytest.param(random.Random(7).randbytes(4096), "not a PNG or JPEG image", id="random-bytes"),
    pytest.param(b"", "not a PNG or JPEG image", id="empty"),
    pytest.param(b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(64), "not a PNG or JPEG image", id="gif"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not a PNG or JPEG image", id="pdf"),
    pytest.param(_A_PNG[: len(_A_PNG) // 2], "the image is damaged: ", id="truncated-png"),
    pytest.param(_A_PNG[:20], "the image is damaged: ", id="png-signature-only"),
    pytest.param(_A_JPEG[: len(_A_JPEG) // 2], "the image is damaged: ", id="truncated-jpeg"),
    pytest.param(_png_header_only(8000, 6000), "the image is too large", id="48-megapixels"),
    pytest.param(_png_header_only(50_000, 50_000), "the image is too large", id="decompression-bomb"),
    pytest.param(_png_header_only(1, 40_000_000), "the image is 1x40000000 pixels: no side may be longer",
                 id="a-thin-strip"),
    pytest.param(blank_page(), "no text could be read from the image", id="blank-png", marks=needs_tesseract),
    pytest.param(blank_page(fmt="JPEG"), "no text could be read from the image", id="blank-jpeg", marks=needs_tesseract),
    pytest.param(blank_page(4, 4), "no text could be read from the image", id="tiny", marks=needs_tesseract),
])
def test_unreadable_uploads_are_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableImage) as refused:
        read_lab_report(data)
    assert str(refused.value).startswith(message)


def test_a_missing_tesseract_is_the_servers_fault_not_the_uploads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(OcrUnavailable, match="not installed"):
        read_lab_report(_A_PNG)


@needs_tesseract
def test_the_server_can_tell_it_reads_photos() -> None:
    assert ocr_problem() is None


def test_the_server_can_tell_it_cannot_read_photos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    assert ocr_problem() == "Tesseract OCR is not installed (no `tesseract` binary)"


def test_ingest_stays_clear_of_the_api_layers() -> None:
    probe = ("import sys, ingest.labreport; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'strawberry', 'schema', 'resolvers', 'authz', 'graphdb'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "[]"
