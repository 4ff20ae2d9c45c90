"""Photos of paper lab reports over HTTP: the GraphQL multipart request spec, real Tesseract."""
from __future__ import annotations

import json
import logging
import shutil

import aiohttp
import pytesseract
import pytest

from tests.labreport_images import Row, render_lab_report
from tests.support import Api, Population, Response, start_api, stop_api

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")

UPLOAD = """mutation Upload($file: Upload!) { uploadRecordImage(file: $file) {
  id category code display value unit referenceRange interpretation status source } }"""
ROWS = [Row("Hemoglobin A1c", "7.2", "H", "%", "4.0-5.6"), Row("LDL Cholesterol", "96", "", "mg/dL", "<100")]


async def upload(api: Api, token: str, payload: bytes, filename: str = "report.png",
                 content_type: str = "image/png") -> Response:
    form = aiohttp.FormData()
    form.add_field("operations", json.dumps({"query": UPLOAD, "variables": {"file": None}}))
    form.add_field("map", json.dumps({"0": ["variables.file"]}))
    form.add_field("0", payload, filename=filename, content_type=content_type)
    assert api.session is not None
    async with api.session.post(api.url, data=form, headers={"Authorization": f"Bearer {token}"}) as response:
        return Response(response.status, json.loads(await response.text()), response.headers)


async def test_a_photo_becomes_unverified_lab_records_until_confirmed(api: Api, population: Population):
    population.patient("p1")
    population.provider("doc")
    population.grant("p1", "doc", None)
    response = await upload(api, api.token("p1", "patients"), render_lab_report(ROWS))
    assert response.errors == [], response.errors
    records = response.data["uploadRecordImage"]
    labs = [r for r in records if r["category"] == "LAB"]
    assert [(r["code"], r["value"], r["unit"], r["referenceRange"], r["interpretation"]) for r in labs] == [
        ("4548-4", "7.2", "%", "4.0-5.6", "H"), ("18262-6", "96", "mg/dL", "<100", None)]
    assert {r["status"] for r in records} == {"unverified"} and {r["source"] for r in records} == {"photo"}
    document = next(r for r in records if r["category"] == "DOCUMENT")
    assert document["display"] == "Lab report (photo)"

    confirm = "mutation($id: ID!) { confirmRecord(id: $id) { status } }"
    confirmed = await api.as_patient("p1", confirm, {"id": labs[0]["id"]})
    assert confirmed.data == {"confirmRecord": {"status": "final"}}
    listing = await api.as_patient("p1", "query($id: ID!) { patient(id: $id) { records(category: LAB) { edges { node { value status } } } } }",
                                   {"id": "p1"})
    assert sorted((e["node"]["value"], e["node"]["status"]) for e in listing.data["patient"]["records"]["edges"]) == [
        ("7.2", "final"), ("96", "unverified")]


@pytest.mark.parametrize("payload, message", [
    (b"GIF89a" + b"\0" * 64, "not a PNG or JPEG image"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "the image is damaged"),
])
async def test_unreadable_files_get_a_clear_error_and_store_nothing(api: Api, population: Population, payload, message):
    population.patient("p1")
    before = api.graph.run_sync(api.graph.g.V().count())
    response = await upload(api, api.token("p1", "patients"), payload)
    assert response.codes() == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"]["argument"] == "file"
    assert message in response.errors[0]["message"]
    assert api.graph.run_sync(api.graph.g.V().count()) == before


async def test_uploads_over_the_limit_are_refused_with_413(api: Api, population: Population):
    population.patient("p1")
    response = await upload(api, api.token("p1", "patients"), b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024))
    assert response.status == 413
    assert response.codes() == ["PAYLOAD_TOO_LARGE"]


async def test_only_patients_upload(api: Api, population: Population):
    population.provider("doc")
    response = await upload(api, api.token("doc", "providers"), render_lab_report(ROWS))
    assert response.codes() == ["FORBIDDEN"]


async def test_a_server_without_tesseract_says_so_to_the_user_and_the_operator(
        api: Api, population: Population, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    population.patient("p1")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with caplog.at_level(logging.WARNING, logger="p360.upload"):
        response = await upload(api, api.token("p1", "patients"), render_lab_report(ROWS))
    assert response.body == {"data": None, "errors": [{
        "message": "this server cannot read photos of lab reports: its OCR engine is not installed",
        "locations": [{"line": 1, "column": 35}], "path": ["uploadRecordImage"],
        "extensions": {"code": "SERVICE_UNAVAILABLE"}}]}
    assert [r.getMessage() for r in caplog.records if r.name == "p360.upload"] == [
        "a lab report photo could not be read: Tesseract OCR is not installed (no `tesseract` binary)"]


async def test_a_server_without_tesseract_warns_when_it_starts(
        tmp_path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with caplog.at_level(logging.WARNING, logger="p360.app"):
        api, runner = await start_api(tmp_path / "data")
        await stop_api(api, runner)
    assert [r.getMessage() for r in caplog.records if r.name == "p360.app"] == [
        "photos of lab reports cannot be read (uploadRecordImage answers SERVICE_UNAVAILABLE): "
        "Tesseract OCR is not installed (no `tesseract` binary)"]
