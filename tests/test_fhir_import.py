"""FHIR import against the real embedded engine: the shared Synthea export, and small
fixtures written here for each kind of input and each kind of bad input."""
from __future__ import annotations

import base64
import collections
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import T

from graphdb import codec, model, writes
from graphdb.client import GraphClient
from graphdb.open import open_graph
from ingest.fhir.command import import_fhir
from ingest.fhir.inputs import InputFile, SourceEntry
from ingest.fhir.report import ImportReport, Location
from ingest.fhir.run import run_import
from ingest.fhir.writer import ChunkedWriter, PendingWrite
from model.categories import RecordCategory
from model.nodes import PayorNode, RecordComponentData, RecordNode

# In CI the repo is cloned with ../shared beside it; here it is /work/shared.
SAMPLE = Path(__file__).resolve().parents[2] / "shared/fhir/synthea-10-patients"
needs_sample = pytest.mark.skipif(
    not SAMPLE.is_dir(),
    reason=f"the shared Synthea sample export is not at {SAMPLE} (../shared beside the repo)",
)

PAYOR = "payor"
NPI = "http://hl7.org/fhir/sid/us-npi"
RECORD_TYPE_CATEGORIES = {
    "Condition": "CONDITION", "Procedure": "PROCEDURE", "MedicationRequest": "MEDICATION",
    "Immunization": "IMMUNIZATION", "AllergyIntolerance": "ALLERGY", "Encounter": "ENCOUNTER",
    "DocumentReference": "DOCUMENT",
}
PARTY_TYPES = {"Patient", "Practitioner", "Organization"}


# -- helpers -------------------------------------------------------------------------------
def import_into(data_dir: Path, paths: list[Path]) -> ImportReport:
    client = open_graph(data_dir)
    try:
        return run_import(client, [str(p) for p in paths], PAYOR)
    finally:
        client.close()


def snapshot(client: GraphClient) -> tuple[dict[str, dict[Any, Any]], collections.Counter]:
    """Every vertex with its properties, and every edge as (label, from, to)."""
    g = client.g
    vertices = {m[T.id]: m for m in client.run_sync(g.V().element_map())}
    edges = collections.Counter(
        (row["label"], row["from"], row["to"])
        for row in client.run_sync(
            g.E().project("label", "from", "to").by(__.label()).by(__.out_v().id_()).by(__.in_v().id_())
        )
    )
    return vertices, edges


def record(client: GraphClient, record_id: str) -> RecordNode:
    found = client.run_sync(client.g.V(model.vid(model.RECORD, record_id)).element_map())
    assert found, f"no Record/{record_id} in the graph"
    return codec.record_from_map(found[0])


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def out_ids(client: GraphClient, vertex_id: str, label: str) -> list[str]:
    return sorted(client.run_sync(client.g.V(vertex_id).out(label).id_()))


def ndjson_lines(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob("*.ndjson")):
        with path.open() as lines:
            yield from (json.loads(line) for line in lines if line.strip())


def write_ndjson(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[GraphClient]:
    client = open_graph(tmp_path / "graph-data")
    try:
        yield client
    finally:
        client.close()


# -- the shared Synthea export -------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportReport]:
    """The sample imported once; each test opens (and closes) its own client on it."""
    if not SAMPLE.is_dir():
        pytest.skip(f"the shared Synthea sample export is not at {SAMPLE}")
    data_dir = tmp_path_factory.mktemp("sample-graph")
    return data_dir, import_into(data_dir, [SAMPLE])


@needs_sample
def test_sample_counts_per_type_match_the_ndjson_lines(sample_store: tuple[Path, ImportReport]) -> None:
    data_dir, report = sample_store
    lines_per_type = collections.Counter(r["resourceType"] for r in ndjson_lines(SAMPLE))
    imported_types = PARTY_TYPES | set(RECORD_TYPE_CATEGORIES)

    assert report.rejections == []
    assert dict(report.imported) == {t: n for t, n in lines_per_type.items() if t in imported_types}
    assert dict(report.skipped) == {t: n for t, n in lines_per_type.items() if t not in imported_types}
    assert len(report.files) == len(list(SAMPLE.glob("*.ndjson")))

    client = open_graph(data_dir)
    try:
        labels = dict(collections.Counter(client.run_sync(client.g.V().label())))
        record_lines = sum(n for t, n in lines_per_type.items() if t in RECORD_TYPE_CATEGORIES)
        assert labels == {
            model.PAYOR: 1, model.PATIENT: lines_per_type["Patient"],
            model.PROVIDER: lines_per_type["Practitioner"],
            model.ORGANIZATION: lines_per_type["Organization"], model.RECORD: record_lines,
        }
        member_of = client.run_sync(client.g.V().has_label(model.PATIENT).out(model.MEMBER_OF).id_())
        assert member_of == [model.vid(model.PAYOR, PAYOR)] * lines_per_type["Patient"]
    finally:
        client.close()


@needs_sample
def test_sample_categories_per_patient_match_the_files(sample_store: tuple[Path, ImportReport]) -> None:
    data_dir, _ = sample_store
    expected: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for resource in ndjson_lines(SAMPLE):
        category = RECORD_TYPE_CATEGORIES.get(resource["resourceType"])
        if category:
            reference = (resource.get("subject") or resource["patient"])["reference"]
            expected[reference.removeprefix("Patient/")][category] += 1

    client = open_graph(data_dir)
    try:
        g = client.g
        for patient_id, categories in expected.items():
            found = client.run_sync(g.V(model.vid(model.PATIENT, patient_id))
                                    .out(model.HAS_RECORD).group_count().by("category"))
            assert found == [dict(categories)], patient_id
        # Synthea names practitioners by NPI (conditional references): every encounter has its author.
        encounters = [r for r in ndjson_lines(SAMPLE) if r["resourceType"] == "Encounter"]
        authored = client.run_sync(g.V().has(model.RECORD, "fhirType", "Encounter")
                                   .out(model.AUTHORED_BY).count())
        assert authored == [len(encounters)]
        first = encounters[0]
        npi = first["participant"][0]["individual"]["reference"].rsplit("|", 1)[1]
        author = out_ids(client, model.vid(model.RECORD, first["id"]), model.AUTHORED_BY)
        assert client.run_sync(g.V(*author).values("npi")) == [npi]
        assert record(client, first["id"]).source == "fhir:synthea-10-patients"
        assert record(client, first["id"]).source_file == "Encounter.000.ndjson"
    finally:
        client.close()


@needs_sample
def test_sample_reimport_leaves_the_same_graph(sample_store: tuple[Path, ImportReport]) -> None:
    # Imports into the shared store: leaving it exactly as it was is what is asserted.
    data_dir, first = sample_store
    client = open_graph(data_dir)
    try:
        before = snapshot(client)
        second = run_import(client, [str(SAMPLE)], PAYOR)
        after = snapshot(client)
    finally:
        client.close()
    assert second.imported == first.imported and second.rejections == []
    assert len(after[0]) == len(before[0]) and sum(after[1].values()) == sum(before[1].values())
    assert after == before


@needs_sample
def test_sample_import_does_not_depend_on_file_or_line_order(
        tmp_path: Path, sample_store: tuple[Path, ImportReport]) -> None:
    # Same folder name (the source system), files renamed so they are read in reverse order,
    # lines reversed: records come before their patients and practitioners.
    reversed_dir = tmp_path / "reversed" / SAMPLE.name
    reversed_dir.mkdir(parents=True)
    originals = sorted(SAMPLE.glob("*.ndjson"))
    renamed = {}
    for rank, path in enumerate(reversed(originals)):
        lines = path.read_text().splitlines(keepends=True)
        new_name = f"{rank:02d}-{path.name}"
        (reversed_dir / new_name).write_text("".join(reversed(lines)))
        renamed[new_name] = path.name

    report = import_into(tmp_path / "graph-data", [reversed_dir])
    assert report.rejections == []

    client = open_graph(tmp_path / "graph-data")
    try:
        reversed_graph = snapshot(client)
    finally:
        client.close()
    client = open_graph(sample_store[0])
    try:
        original_graph = snapshot(client)
    finally:
        client.close()

    def without_source_file(vertices: dict[str, dict[Any, Any]], names: dict[str, str]) -> dict:
        return {vid: {k: (names.get(v, v) if k == "sourceFile" else v) for k, v in props.items()}
                for vid, props in vertices.items()}

    assert without_source_file(reversed_graph[0], renamed) == original_graph[0]
    assert reversed_graph[1] == original_graph[1]


# -- small fixtures: each kind of input and of bad input -----------------------------------
PATIENT = {
    "resourceType": "Patient", "id": "pat-1",
    "name": [{"use": "old", "family": "Lovelace", "given": ["Ada"]},
             {"use": "official", "family": "Byron", "given": ["Ada", "Augusta"], "prefix": ["Ms."]}],
    "gender": "female", "birthDate": "1980-02-03", "deceasedDateTime": "2024-06-01T10:00:00-04:00",
}
PRACTITIONER = {
    "resourceType": "Practitioner", "id": "dr-1",
    "identifier": [{"system": NPI, "value": "1234567893"}],
    "name": [{"family": "Who", "given": ["Jane"], "prefix": ["Dr."]}],
}
BLOOD_PRESSURE = {
    "resourceType": "Observation", "id": "obs-bp", "status": "final",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                              "code": "vital-signs"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9",
                         "display": "Blood pressure panel"}]},
    "subject": {"reference": "Patient/pat-1"},
    "effectiveDateTime": "2021-03-04T08:15:00+02:00",
    "performer": [{"reference": "Practitioner/dr-1"}],
    "component": [
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6", "display": "Systolic"}]},
         "valueQuantity": {"value": 142, "unit": "mm[Hg]"}},
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}], "text": "Diastolic"},
         "valueQuantity": {"value": 91.0, "code": "mm[Hg]"}},
    ],
}
HBA1C = {
    "resourceType": "Observation", "id": "obs-a1c", "status": "final",
    "category": [{"coding": [{"code": "laboratory"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}], "text": "Hemoglobin A1c"},
    "subject": {"reference": "Patient/pat-1"},
    "effectiveDateTime": "2019",
    "valueQuantity": {"value": 6.1, "unit": "%"},
    "referenceRange": [{"low": {"value": 4.0, "unit": "%"}, "high": {"value": 5.6, "unit": "%"}}],
    "interpretation": [{"coding": [{"code": "H", "display": "High"}]}],
}
SURVEY = {
    "resourceType": "Observation", "id": "obs-smoking", "status": "final",
    "category": [{"coding": [{"code": "social-history"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "72166-2"}]},
    "subject": {"reference": "Patient/pat-1"},
    "effectivePeriod": {"start": "2018-07-01T09:00:00Z"},
    "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "266919005",
                                         "display": "Never smoked tobacco"}]},
}
NOTE_TEXT = "Patient doing well.\nFollow up in 3 months: HbA1c 6.1 %."
DOCUMENT = {
    "resourceType": "DocumentReference", "id": "doc-1", "status": "current",
    "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}]},
    "subject": {"reference": "Patient/pat-1"},
    "date": "2020-05-06T07:08:09-07:00",
    "author": [{"reference": f"Practitioner?identifier={NPI}|1234567893"}],
    "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                "data": base64.b64encode(NOTE_TEXT.encode()).decode()}}],
}
REPORT = {
    "resourceType": "DiagnosticReport", "id": "rep-1", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "24331-1", "display": "Lipid panel"}]},
    "subject": {"reference": "Patient/pat-1"},
    "effectivePeriod": {"start": "2019-05-01T10:00:00-05:00"},
    "performer": [{"reference": "Practitioner/dr-1"}],
    "result": [{"reference": "Observation/obs-a1c"}, {"reference": "Observation/never-sent"}],
    "conclusion": "A1c above range.",
}
GRACE = "urn:uuid:6a1d3c5e-7f80-4a9b-b1c2-d3e4f5a6b7c8"
TRANSACTION = {
    "resourceType": "Bundle", "type": "transaction",
    "entry": [
        {"fullUrl": GRACE,
         "resource": {"resourceType": "Patient", "name": [{"family": "Hopper", "given": ["Grace"]}],
                      "birthDate": "1906"},
         "request": {"method": "POST", "url": "Patient"}},
        {"fullUrl": "urn:uuid:0b5e3a2c-1d4f-4e6a-9b8c-7d6e5f4a3b2c",
         "resource": {"resourceType": "Practitioner",
                      "identifier": [{"system": NPI, "value": "9999000001"}],
                      "name": [{"family": "Kildall", "given": ["Gary"]}]},
         "request": {"method": "PUT", "url": "Practitioner/dr-npi"}},
        {"fullUrl": "urn:uuid:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
         "resource": {"resourceType": "Encounter", "id": "enc-1", "status": "finished",
                      "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                "code": "AMB"},
                      "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003",
                                            "display": "Encounter for check up"}]}],
                      "subject": {"reference": GRACE},
                      "participant": [{"individual": {
                          "reference": f"Practitioner?identifier={NPI}|9999000001"}}],
                      "period": {"start": "2022-01-10T09:30:00+05:30", "end": "2022-01-10T10:00:00+05:30"}},
         "request": {"method": "POST", "url": "Encounter"}},
        {"request": {"method": "DELETE", "url": "Condition/old"}},
        {"fullUrl": "urn:uuid:2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
         "resource": {"resourceType": "Condition", "id": "cond-1",
                      "clinicalStatus": {"coding": [{"code": "active"}]},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006",
                                           "display": "Diabetes mellitus type 2"}]},
                      "subject": {"reference": GRACE},
                      "recordedDate": "2019-04"},
         "request": {"method": "POST", "url": "Condition"}},
        {"fullUrl": "urn:uuid:3e4f5a6b-7c8d-4e9f-0a1b-2c3d4e5f6a7b",
         "resource": {"resourceType": "Immunization", "id": "imm-1", "status": "completed",
                      "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]},
                      "patient": {"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"},
                      "occurrenceDateTime": "2021-10-01"},
         "request": {"method": "POST", "url": "Immunization"}},
        {"fullUrl": "urn:uuid:4f5a6b7c-8d9e-4f0a-1b2c-3d4e5f6a7b8c",
         "resource": {"resourceType": "Location", "id": "loc-1", "name": "Clinic"},
         "request": {"method": "POST", "url": "Location"}},
    ],
}
GRACE_ID = GRACE.removeprefix("urn:uuid:")


def write_clinic(folder: Path) -> Path:
    """The fixture export. Records come first, their patient and practitioner last."""
    folder.mkdir(parents=True)
    write_ndjson(folder / "a-observations.ndjson", [
        BLOOD_PRESSURE,
        '{"resourceType": "Observation", "id": "broken", ',
        {**HBA1C, "id": "obs-orphan", "subject": {"reference": "Patient/nobody"}},
        {"resourceType": "Observation", "id": "obs-invalid", "subject": {"reference": "Patient/pat-1"}},
        HBA1C,
        SURVEY,
        {"resourceType": "Location", "id": "loc-2", "name": "Lab"},
    ])
    write_ndjson(folder / "b-reports.ndjson", [REPORT])
    write_ndjson(folder / "c-notes.ndjson", [DOCUMENT])
    (folder / "d-transaction.json").write_text(json.dumps(TRANSACTION, indent=1))
    write_ndjson(folder / "e-conflict.ndjson", [
        {"resourceType": "Condition", "id": "obs-bp", "clinicalStatus": {"coding": [{"code": "active"}]},
         "code": {"text": "Hypertension"}, "subject": {"reference": "Patient/pat-1"}},
    ])
    write_ndjson(folder / "z-people.ndjson", [PATIENT, PRACTITIONER])
    return folder


def test_fixture_export_imports_each_kind_of_input(tmp_path: Path, graph: GraphClient) -> None:
    clinic = write_clinic(tmp_path / "clinic")
    report = run_import(graph, [str(clinic)], PAYOR)

    assert dict(report.imported) == {
        "Patient": 2, "Practitioner": 2, "Observation": 3, "DiagnosticReport": 1,
        "DocumentReference": 1, "Encounter": 1, "Condition": 1,
    }
    assert dict(report.skipped) == {"Location": 2}
    observations, transaction = clinic / "a-observations.ndjson", clinic / "d-transaction.json"
    assert [str(r) for r in report.sorted_rejections()] == [
        f"{observations}:2: malformed JSON: Expecting property name enclosed in double quotes (column 49)",
        f"{observations}:3: patient Patient/nobody not found",
        f"{observations}:4: invalid Observation: code: Field required",
        f"{transaction}:entry 6: patient reference "
        "'urn:uuid:00000000-0000-4000-8000-000000000000' not found",
        f"{clinic / 'e-conflict.ndjson'}:1: Record id obs-bp is already used by "
        f"Observation/obs-bp ({observations}:1)",
    ]

    # Patient and practitioner, though read last.
    patient = codec.patient_from_map(graph.run_sync(graph.g.V("Patient/pat-1").element_map())[0])
    assert (patient.name, str(patient.birth_date), patient.gender) == ("Ada Augusta Byron", "1980-02-03", "female")
    assert iso(patient.deceased_at) == "2024-06-01T10:00:00-04:00"
    assert patient.source == "fhir:clinic"
    provider = codec.provider_from_map(graph.run_sync(graph.g.V("Provider/dr-1").element_map())[0])
    assert (provider.name, provider.npi) == ("Jane Who", "1234567893")
    assert out_ids(graph, "Patient/pat-1", model.MEMBER_OF) == ["Payor/payor"]

    # Blood pressure: one record with its components, its offset kept, its author linked.
    bp = record(graph, "obs-bp")
    assert bp == RecordNode(
        id="obs-bp", patient_id="pat-1", category=RecordCategory.VITAL_SIGN,
        code="85354-9", system="http://loinc.org", display="Blood pressure panel",
        components=(
            RecordComponentData(code="8480-6", system="http://loinc.org", display="Systolic",
                                value="142", unit="mm[Hg]"),
            RecordComponentData(code="8462-4", system="http://loinc.org", display="Diastolic",
                                value="91.0", unit="mm[Hg]"),
        ),
        status="final", effective_at=bp.effective_at, source="fhir:clinic",
        source_file="a-observations.ndjson", author_id="dr-1", fhir_type="Observation",
    )
    assert iso(bp.effective_at) == "2021-03-04T08:15:00+02:00"
    assert out_ids(graph, "Record/obs-bp", model.AUTHORED_BY) == ["Provider/dr-1"]
    assert out_ids(graph, "Patient/pat-1", model.HAS_RECORD) == [
        "Record/doc-1", "Record/obs-a1c", "Record/obs-bp", "Record/obs-smoking", "Record/rep-1"]

    # Lab value, range, interpretation; a partial date is the start of its year.
    a1c = record(graph, "obs-a1c")
    assert (a1c.category, a1c.code, a1c.display, a1c.value, a1c.unit) == (
        RecordCategory.LAB, "4548-4", "Hemoglobin A1c", "6.1", "%")
    assert (a1c.reference_range, a1c.interpretation) == ("4.0-5.6 %", "H")
    assert iso(a1c.effective_at) == "2019-01-01T00:00:00+00:00"
    assert a1c.author_id is None

    smoking = record(graph, "obs-smoking")
    assert (smoking.category, smoking.value, smoking.unit) == (RecordCategory.OTHER, "Never smoked tobacco", None)
    assert iso(smoking.effective_at) == "2018-07-01T09:00:00+00:00"

    # The report: a LAB record of its own, linked to the result that exists.
    report_record = record(graph, "rep-1")
    assert (report_record.category, report_record.fhir_type, report_record.text) == (
        RecordCategory.LAB, "DiagnosticReport", "A1c above range.")
    assert iso(report_record.effective_at) == "2019-05-01T10:00:00-05:00"
    assert out_ids(graph, "Record/rep-1", model.HAS_RESULT) == ["Record/obs-a1c"]
    assert out_ids(graph, "Record/rep-1", model.AUTHORED_BY) == ["Provider/dr-1"]

    # The document: base64 text decoded, author found by NPI.
    document = record(graph, "doc-1")
    assert (document.category, document.text, document.display) == (
        RecordCategory.DOCUMENT, NOTE_TEXT, "Progress note")
    assert iso(document.effective_at) == "2020-05-06T07:08:09-07:00"
    assert document.author_id == "dr-1"

    # The transaction: urn:uuid references, an id from the PUT url and from the fullUrl,
    # a conditional Practitioner reference by NPI.
    grace = codec.patient_from_map(graph.run_sync(graph.g.V(f"Patient/{GRACE_ID}").element_map())[0])
    assert (grace.name, str(grace.birth_date), grace.source) == ("Grace Hopper", "1906-01-01", "fhir:clinic")
    encounter = record(graph, "enc-1")
    assert (encounter.patient_id, encounter.category, encounter.code, encounter.display) == (
        GRACE_ID, RecordCategory.ENCOUNTER, "185349003", "Encounter for check up")
    assert (encounter.author_id, encounter.status, encounter.source_file) == (
        "dr-npi", "finished", "d-transaction.json")
    assert iso(encounter.effective_at) == "2022-01-10T09:30:00+05:30"
    condition = record(graph, "cond-1")
    assert (condition.patient_id, condition.status, condition.display) == (
        GRACE_ID, "active", "Diabetes mellitus type 2")
    assert iso(condition.effective_at) == "2019-04-01T00:00:00+00:00"
    assert graph.run_sync(graph.g.V("Record/imm-1").count()) == [0]
    assert graph.run_sync(graph.g.V("Record/obs-orphan", "Record/obs-invalid").count()) == [0]


def test_fixture_reimport_is_idempotent_and_guards_record_ids(tmp_path: Path, graph: GraphClient) -> None:
    clinic = write_clinic(tmp_path / "clinic")
    run_import(graph, [str(clinic)], PAYOR)
    before = snapshot(graph)
    again = run_import(graph, [str(clinic)], PAYOR)
    assert snapshot(graph) == before
    assert len(again.rejections) == 5

    # A later search result: it may not turn the Observation obs-bp into something else; its
    # patient and practitioner are not in it, but in the graph.
    later = tmp_path / "later.json"
    later.write_text(json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": {"resourceType": "Procedure", "id": "obs-bp", "status": "completed",
                      "code": {"text": "Echo"}, "subject": {"reference": "Patient/pat-1"}},
         "search": {"mode": "match"}},
        {"resource": {"resourceType": "Procedure", "id": "proc-1", "status": "completed",
                      "code": {"text": "Echo"}, "subject": {"reference": "Patient/pat-1"},
                      "performedDateTime": "2023-02-03",
                      "performer": [{"actor": {"reference": f"Practitioner?identifier={NPI}|1234567893"}}]},
         "search": {"mode": "match"}},
        {"resource": {"resourceType": "OperationOutcome", "issue": []}, "search": {"mode": "outcome"}},
    ]}))
    report = run_import(graph, [str(later)], PAYOR)
    assert [str(r) for r in report.rejections] == [
        f"{later}:entry 1: Record id obs-bp is already used by Observation/obs-bp in the graph"]
    assert dict(report.imported) == {"Procedure": 1}
    assert dict(report.skipped) == {"OperationOutcome": 1}
    assert record(graph, "obs-bp").fhir_type == "Observation"
    procedure = record(graph, "proc-1")
    assert (procedure.patient_id, procedure.author_id, procedure.source) == ("pat-1", "dr-1", "fhir:later")


def test_command_prints_counts_and_rejections_and_exits_zero(tmp_path: Path, graph: GraphClient) -> None:
    clinic = write_clinic(tmp_path / "clinic")
    out = io.StringIO()
    assert import_fhir(graph, [str(clinic)], PAYOR, out, progress=True) == 0
    text = out.getvalue()
    assert text.startswith("\r")  # the progress line, rewritten in place
    summary = text[text.index("Imported "):].splitlines()
    assert summary[0].startswith("Imported 11 resources from 6 files in ")
    assert summary[1:10] == [
        "Imported by type:",
        "  Condition                1",
        "  DiagnosticReport         1",
        "  DocumentReference        1",
        "  Encounter                1",
        "  Observation              3",
        "  Patient                  2",
        "  Practitioner             2",
        "Skipped types (not imported):",
    ]
    assert summary[10:12] == ["  Location                 2", "Rejected 5 entries:"]
    assert summary[12] == (f"  {clinic / 'a-observations.ndjson'}:2: malformed JSON: "
                           "Expecting property name enclosed in double quotes (column 49)")
    assert len(summary) == 17


def test_command_exits_non_zero_when_nothing_can_be_imported(tmp_path: Path, graph: GraphClient) -> None:
    bad = write_ndjson(tmp_path / "bad.ndjson", [
        "not json",
        {"resourceType": "Condition", "id": "c1", "code": {"text": "x"}, "subject": {"reference": "Patient/p"}},
    ])
    with bad.open("ab") as raw:
        raw.write(b'{"resourceType": "Patient", "id": "\xff"}\n')
    message = tmp_path / "message.json"
    message.write_text(json.dumps({"resourceType": "Bundle", "type": "message", "entry": []}))
    out = io.StringIO()
    assert import_fhir(graph, [str(message), str(bad)], PAYOR, out, progress=False) == 1
    assert out.getvalue().splitlines()[-6:] == [
        "Rejected 4 entries:",
        f"  {bad}:1: malformed JSON: Expecting value (column 1)",
        f"  {bad}:2: patient Patient/p not found",
        f"  {bad}:3: not UTF-8 text",
        f"  {message}: Bundle of type 'message' is not imported "
        "(expected one of batch, collection, searchset, transaction)",
        "import-fhir: nothing was imported",
    ]
    # The Condition was valid, so the payor was ensured; nothing of the Condition was written.
    assert graph.run_sync(graph.g.V().id_()) == ["Payor/payor"]

    empty = tmp_path / "empty"
    empty.mkdir()
    out = io.StringIO()
    assert import_fhir(graph, [str(empty), str(tmp_path / "missing")], PAYOR, out, progress=False) == 1
    assert f"  {tmp_path / 'missing'}: no such file or folder" in out.getvalue().splitlines()
    assert out.getvalue().endswith("import-fhir: no .ndjson or .json files found in the given paths\n")


def test_json_nested_too_deeply_is_rejected_alone(tmp_path: Path, graph: GraphClient) -> None:
    # Deeper than Python's JSON decoder recurses: the whole run used to end in a traceback.
    deep = '{"resourceType": "Condition", "x": ' + "[" * 50_000 + "]" * 50_000 + "}"
    lines = write_ndjson(tmp_path / "conditions.ndjson", [
        {"resourceType": "Patient", "id": "p", "name": [{"family": "A"}]}, deep,
        {"resourceType": "Condition", "id": "c1", "code": {"text": "x"}, "subject": {"reference": "Patient/p"}},
    ])
    single = tmp_path / "single.json"
    single.write_text(deep)
    out = io.StringIO()
    assert import_fhir(graph, [str(lines), str(single)], PAYOR, out, progress=False) == 0
    assert out.getvalue().splitlines()[-3:] == [
        "Rejected 2 entries:",
        f"  {lines}:2: malformed JSON: it nests too deeply to be a FHIR resource",
        f"  {single}: malformed JSON: it nests too deeply to be a FHIR resource",
    ]
    assert sorted(graph.run_sync(graph.g.V().has_label(model.RECORD).id_())) == [model.vid(model.RECORD, "c1")]


def test_rejections_name_the_real_fault(tmp_path: Path, graph: GraphClient) -> None:
    # Each was reported as something else ("has no id", a JSON parse error, "no such file"), or
    # was stored and then broke every read of the patient's records (a record too large).
    lines = write_ndjson(tmp_path / "faults.ndjson", [
        {"resourceType": "Patient", "id": 5, "name": [{"family": "A"}]},
        {"resourceType": "Patient", "id": "p", "name": [{"family": "A"}]},
        {"resourceType": "Condition", "id": "c", "subject": "Patient/p", "code": {"text": "x"}},
    ])
    with lines.open("a") as more:
        more.write(json.dumps({"resourceType": "Observation", "id": "o1", "status": "final",
                               "code": {"text": "note"}, "subject": {"reference": "Patient/p"},
                               "valueString": "x" * 100_001}) + "\n")
    out = io.StringIO()
    assert import_fhir(graph, [str(lines), "/dev/null"], PAYOR, out, progress=False) == 0
    assert out.getvalue().splitlines()[-4:] == [
        "  /dev/null: not a regular file or folder",
        f"  {lines}:1: invalid Patient: id: Input should be a valid string",
        f"  {lines}:3: invalid Condition: subject: expected an object (a FHIR element), got the text 'Patient/p'",
        f"  {lines}:4: the record holds 100,048 characters of text; at most 100,000",
    ]


def test_a_failing_write_is_rejected_alone_and_leaves_nothing_half_written(graph: GraphClient) -> None:
    def pending(line: int, traversal: Any) -> PendingWrite:
        entry = SourceEntry({}, "Patient", f"p{line}", Location("x.ndjson", line),
                            InputFile(Path("x.ndjson"), "fhir:x"))
        return PendingWrite(entry, traversal)

    g = graph.g
    # The second upsert creates its vertex, then fails on an edge to a vertex that is missing.
    broken = writes.upsert_payor(g, PayorNode("half")).side_effect(__.add_e("TO").to(__.V("Payor/missing")))
    chunk = [pending(1, writes.upsert_payor(g, PayorNode("a"))), pending(2, broken),
             pending(3, writes.upsert_payor(g, PayorNode("b")))]
    handled: list[int] = []
    written, rejections = ChunkedWriter(graph, chunk_size=10, on_written=handled.append).write(chunk)

    assert [w.entry.location.line for w in written] == [1, 3]
    # The engine's cause, not the script it ran (long, and full of the resource's values).
    assert [str(r) for r in rejections] == [
        "x.ndjson:2: graph write failed: Cast exception: expected type [vertex or vertex id], got type 'null'"]
    assert sorted(graph.run_sync(g.V().id_())) == ["Payor/a", "Payor/b"]
    assert handled == [3]
