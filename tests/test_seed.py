"""``p360 seed``: a deterministic population with realistic codes, written idempotently, and a
demo set whose patient shows what the demo is about."""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import T

from graphdb import codec, model, writes
from graphdb.client import GraphClient
from graphdb.open import open_graph
from ingest.seed import (
    DEMO_SEED,
    SEED_ANCHOR,
    demo_accounts,
    demo_anchor,
    demo_population,
    generate,
    seed_demo,
    seed_population,
)
from ingest.seed import catalog
from ingest.seed.command import seed_command
from ingest.seed.population import npi_check_digit
from model.categories import RecordCategory
from model.nodes import PayorNode

SMALL = dict(patients=6, records_per_patient=12, providers=3, seed=7, now=SEED_ANCHOR)


@pytest.fixture
def open_store(tmp_path: Path):
    clients: list[GraphClient] = []

    def open_one(name: str = "data") -> GraphClient:
        clients.append(open_graph(tmp_path / name))
        return clients[-1]

    yield open_one
    for client in clients:
        client.close()


def graph_snapshot(client: GraphClient) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Every vertex with its properties, and every edge as (label, from, to): edge ids are the
    engine's and may differ between stores."""
    g = client.g
    vertices = sorted(client.run_sync(g.V().element_map()), key=lambda m: m[T.id])
    edges = client.run_sync(g.E().project("label", "from", "to")
                            .by(__.label()).by(__.out_v().id_()).by(__.in_v().id_()))
    return vertices, sorted((e["label"], e["from"], e["to"]) for e in edges)


# -- generation ----------------------------------------------------------------------------
def test_same_arguments_give_the_same_nodes():
    first, second = generate(**SMALL), generate(**SMALL)
    assert first == second
    assert first.providers == second.providers
    assert list(first.charts) == list(second.charts)
    assert first.charts[2].patient.id == "seed-7-patient-000002"
    assert first.providers[1].id == "seed-7-provider-0001"
    assert first.charts[2].records[3].id == "seed-7-record-000002-0003"
    assert generate(**{**SMALL, "seed": 8}).charts[0] != first.charts[0]


def test_more_patients_extend_the_population():
    five = generate(**{**SMALL, "patients": 5})
    ten = generate(**{**SMALL, "patients": 10})
    assert list(ten.charts)[:5] == list(five.charts)
    assert len(ten.charts) == 10 and ten.charts[-1] == ten.charts[9]


def test_population_shape():
    population = generate(patients=60, records_per_patient=30, providers=8, seed=3, now=SEED_ANCHOR)
    records = list(population.records())
    assert all(len(chart.records) == 30 for chart in population.charts)
    categories = Counter(r.category for r in records)
    assert set(categories) == set(RecordCategory) - {RecordCategory.EPISODE}
    assert categories[RecordCategory.DOCUMENT] < categories[RecordCategory.LAB] / 5
    assert {r.source for r in records} == {"seed"}
    assert {r.status for r in records} <= {"final", "unverified"}
    assert Counter(r.status for r in records)["final"] > 0.9 * len(records)
    assert any(r.effective_at is None for r in records)
    dated = [r.effective_at for r in records if r.effective_at]
    assert min(dated) >= SEED_ANCHOR - dt.timedelta(days=5 * 366) and max(dated) <= SEED_ANCHOR
    provider_ids = {p.id for p in population.providers}
    assert {r.author_id for r in records} - {None} <= provider_ids
    assert any(r.author_id for r in records) and any(r.author_id is None for r in records)

    for patient in population.patients():
        assert patient.gender in {"female", "male", "other", "unknown"}
        assert 0 <= (SEED_ANCHOR.date() - patient.birth_date).days / 365.25 <= 96.5
        assert patient.name and patient.source == "seed"
    for provider in population.providers:
        assert provider.name.startswith("Dr. ") and provider.specialty
        assert len(provider.npi) == 10 and int(provider.npi[-1]) == npi_check_digit(provider.npi[:9])


def test_npi_check_digit_is_the_standard_luhn():
    assert npi_check_digit("123456789") == 3   # the NPI standard's own example: 1234567893


def test_grants():
    population = generate(patients=80, records_per_patient=2, providers=6, seed=5, now=SEED_ANCHOR)
    now = population.now
    per_patient = [chart.grants for chart in population.charts]
    provider_grants = [g for grants in per_patient for g in grants if g.grantee_type == "Provider"]
    payor_grants = [g for grants in per_patient for g in grants if g.grantee_type == "Payor"]

    assert {sum(g.grantee_type == "Provider" for g in grants) for grants in per_patient} <= {0, 1, 2, 3}
    assert 0.45 < len(payor_grants) / len(per_patient) < 0.75
    assert {g.grantee_id for g in payor_grants} == {"payor"}
    assert {g.grantee_id for g in provider_grants} <= {p.id for p in population.providers}
    assert any(g.all_categories for g in provider_grants)
    assert any(not g.all_categories and g.categories for g in provider_grants)
    assert all(g.created_at <= now and g.created_at < g.expires_at for g in provider_grants)
    active = [g for g in provider_grants if g.active_at(now)]
    assert all(30 <= (g.expires_at - now).days <= 365 for g in active)
    assert any(g.revoked_at for g in provider_grants) and any(g.expires_at < now for g in provider_grants)
    assert len({g.id for g in provider_grants + payor_grants}) == len(provider_grants) + len(payor_grants)


def test_codes_are_realistic():
    population = generate(patients=40, records_per_patient=30, providers=4, seed=11, now=SEED_ANCHOR)
    lab_codes = {m.concept.code for m in catalog.LABS}
    by_category: dict[RecordCategory, list] = {}
    for record in population.records():
        by_category.setdefault(record.category, []).append(record)

    for lab in by_category[RecordCategory.LAB]:
        assert lab.system == catalog.LOINC and lab.code in lab_codes
        assert lab.value and lab.unit and lab.reference_range and lab.interpretation in {"L", "N", "H"}
    panels = [r for r in by_category[RecordCategory.VITAL_SIGN] if r.code == "85354-9"]
    assert panels
    for panel in panels:
        assert [c.code for c in panel.components] == ["8480-6", "8462-4"]
        assert {c.unit for c in panel.components} == {"mm[Hg]"}
        systolic, diastolic = (int(c.value) for c in panel.components)
        assert systolic > diastolic
    assert {r.system for r in by_category[RecordCategory.IMMUNIZATION]} == {catalog.CVX}
    assert {r.system for r in by_category[RecordCategory.MEDICATION]} == {catalog.RXNORM}
    assert {r.system for r in by_category[RecordCategory.CONDITION]} == {catalog.SNOMED}
    assert {r.system for r in by_category[RecordCategory.ENCOUNTER]} == {catalog.SNOMED}
    assert {r.system for r in by_category[RecordCategory.ALLERGY]} <= {catalog.SNOMED, catalog.RXNORM}


def test_values_follow_the_diagnoses():
    """A diabetic's HbA1c, a hypertensive's blood pressure: high more often than others'."""
    population = generate(patients=400, records_per_patient=30, providers=4, seed=2, now=SEED_ANCHOR)

    def high_share(diagnosis: str, code: str, is_high) -> tuple[float, float]:
        counts = {True: [0, 0], False: [0, 0]}
        for chart in population.charts:
            diagnosed = any(r.code == diagnosis for r in chart.records
                            if r.category is RecordCategory.CONDITION)
            for record in chart.records:
                if record.code == code:
                    counts[diagnosed][0] += is_high(record)
                    counts[diagnosed][1] += 1
        return counts[True][0] / max(1, counts[True][1]), counts[False][0] / max(1, counts[False][1])

    with_diabetes, without = high_share(catalog.DIABETES.code, "4548-4", lambda r: float(r.value) >= 6.5)
    assert with_diabetes > 0.5 and without < 0.2
    with_hypertension, without = high_share(catalog.HYPERTENSION.code, "85354-9",
                                            lambda r: r.interpretation == "H")
    assert with_hypertension > 2 * without


# -- writing -------------------------------------------------------------------------------
def test_two_fresh_stores_get_identical_graphs(open_store):
    snapshots = []
    for name in ("one", "two"):
        client = open_store(name)
        summary = seed_population(client, generate(**SMALL), "payor")
        snapshots.append(graph_snapshot(client))
    vertices, edges = snapshots[0]
    assert snapshots[0] == snapshots[1]
    population = generate(**SMALL)
    assert len(vertices) == (1 + SMALL["providers"] + SMALL["patients"]
                             + SMALL["patients"] * SMALL["records_per_patient"] + summary.grants)
    assert summary.records == SMALL["patients"] * SMALL["records_per_patient"]
    assert summary.grants == sum(len(c.grants) for c in population.charts)
    assert len(edges) == len(set(edges))


def test_seeding_twice_leaves_the_same_graph(open_store):
    client = open_store()
    population = generate(**SMALL)
    seed_population(client, population, "payor", batch_traversals=5)
    first = graph_snapshot(client)
    seed_population(client, population, "payor", batch_traversals=50)
    assert graph_snapshot(client) == first


def test_written_nodes_read_back_equal(open_store):
    client = open_store()
    population = generate(**SMALL)
    seed_population(client, population, "payor")
    g = client.g
    chart = population.charts[1]
    stored = client.run_sync(g.V(*(model.vid(model.RECORD, r.id) for r in chart.records)).element_map())
    assert sorted(map(codec.record_from_map, stored), key=lambda r: r.id) == sorted(
        chart.records, key=lambda r: r.id)
    grants = client.run_sync(g.V(*(model.vid(model.GRANT, gr.id) for gr in chart.grants)).element_map())
    assert sorted(map(codec.grant_from_map, grants), key=lambda gr: gr.id) == sorted(
        chart.grants, key=lambda gr: gr.id)
    members = client.run_sync(g.V(model.vid(model.PAYOR, "payor")).in_(model.MEMBER_OF).count())
    assert members == [SMALL["patients"]]


def test_the_payor_is_the_one_named_and_keeps_its_name(open_store):
    client = open_store()
    g = client.g
    client.run_sync(writes.upsert_payor(g, PayorNode("acme", "Acme Health")))
    progress: list[tuple[int, int]] = []
    seed_population(client, generate(**SMALL), "acme", progress=lambda *p: progress.append(p))
    assert client.run_sync(g.V(model.vid(model.PAYOR, "acme")).values("name")) == ["Acme Health"]
    assert client.run_sync(g.V().has_label(model.PAYOR).count()) == [1]
    to_payor = client.run_sync(g.V().has_label(model.GRANT).has("granteeType", "Payor")
                               .out(model.TO).id_().dedup())
    assert to_payor == [model.vid(model.PAYOR, "acme")]
    assert progress[-1] == (SMALL["patients"], SMALL["patients"])
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_seed_command_reports_what_it_wrote(open_store):
    client = open_store()
    out = io.StringIO()
    assert seed_command(client, "payor", patients=3, records_per_patient=4, providers=2, seed=1,
                        out=out) == 0
    assert out.getvalue().startswith("seeded 3 patients, 12 records, ")
    assert client.run_sync(client.g.V().has_label(model.PATIENT).count()) == [3]
    assert seed_command(client, "payor", patients=-1, records_per_patient=4, providers=2, seed=1,
                        out=out) == 2


# -- the demo set --------------------------------------------------------------------------
@pytest.mark.parametrize("today", [dt.date(2026, 12, 3), dt.date(2031, 2, 28)])
def test_demo_patient_shows_what_the_demo_needs(today):
    now = demo_anchor(today)
    population = demo_population(now)
    assert len(population.charts) == DEMO_SEED.patients == 25
    accounts = demo_accounts(population)
    assert accounts == demo_accounts(demo_population(now))
    chart = next(c for c in population.charts if c.patient.id == accounts.patient_id)
    assert accounts.patient_name == chart.patient.name
    assert accounts.provider_name == population.provider(accounts.provider_id).name

    active = [g for g in chart.grants if g.active_at(now)]
    lab_grants = [g for g in active if g.grantee_id == accounts.provider_id
                  and (g.all_categories or RecordCategory.LAB in g.categories)]
    assert lab_grants and all(g.expires_at >= now + dt.timedelta(days=300) for g in lab_grants)
    assert any(g.grantee_type == "Payor" and g.grantee_id == accounts.payor_id for g in active)

    categories = {r.category for r in chart.records}
    assert {RecordCategory.LAB, RecordCategory.VITAL_SIGN, RecordCategory.CONDITION,
            RecordCategory.IMMUNIZATION, RecordCategory.ENCOUNTER} <= categories
    final = [r for r in chart.records if r.status == "final"]
    assert any(r.code == "4548-4" and float(r.value) >= 6.5 for r in final)
    assert catalog.DIABETES.code not in {r.code for r in chart.records}
    high_bp = [r for r in final if r.code == "85354-9"
               and (int(r.components[0].value) >= 140 or int(r.components[1].value) >= 90)]
    assert len({r.effective_at for r in high_bp}) >= 2
    assert len({r.id for r in chart.records}) == len(chart.records)


def test_seed_demo_writes_the_demo_accounts(open_store):
    client = open_store()
    now = demo_anchor(dt.date(2026, 12, 3))
    summary, accounts = seed_demo(client, now, payor_id="payor")
    assert summary.patients == 25 and summary.providers == 6
    g = client.g
    granted_to = client.run_sync(g.V(model.vid(model.PATIENT, accounts.patient_id))
                                 .out(model.GRANTED).out(model.TO).id_())
    assert model.vid(model.PROVIDER, accounts.provider_id) in granted_to
    assert model.vid(model.PAYOR, accounts.payor_id) in granted_to
