"""Grants over time, revocation, episodes of care, and the access log every disclosure leaves."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from graphdb.errors import GraphUnavailable
from model.categories import RecordCategory as C
from model.timeutil import utcnow
from p360.app import SERVICES
from tests.support import Api, Population

GRANT = """mutation Grant($input: GrantAccessInput!) {
  grantAccess(input: $input) { id categories active expiresAt revokedAt grantee { __typename ... on Provider { id } } }
}"""
REVOKE = "mutation Revoke($id: ID!) { revokeGrant(id: $id) { id active revokedAt } }"
CHART = """query Chart($id: ID!) { patient(id: $id) { name records { totalCount edges { node { category value } } } } }"""
LOG = """query Log($id: ID!) { patient(id: $id) { accessLog { viewerId viewerType viewerName operation outcome
         categories recordCount grantIds } } }"""


@pytest.fixture
def chart(population: Population):
    population.patient("p1", "Ann Lee")
    population.patient("p2", "Bob Roe")
    population.provider("doc", "Dr. Doc")
    population.record("p1", C.LAB, value="6.9", days_ago=2)
    population.record("p1", C.VITAL_SIGN, value="140", days_ago=1)
    return population


@pytest.mark.parametrize("grant_input, argument", [
    ({"granteeId": "doc", "durationDays": 0}, "input.durationDays"),
    ({"granteeId": "doc", "durationDays": 366}, "input.durationDays"),
    ({"granteeId": "doc"}, "input"),
    ({"granteeId": "doc", "durationDays": 5, "expiresAt": "2030-01-01T00:00:00+00:00"}, "input"),
    ({"granteeId": "doc", "expiresAt": "2001-01-01T00:00:00+00:00"}, "input.expiresAt"),
    ({"granteeId": "doc", "expiresAt": (utcnow() + dt.timedelta(days=400)).isoformat()}, "input.expiresAt"),
    ({"granteeId": "doc", "durationDays": 5, "categories": []}, "input.categories"),
    ({"granteeId": "nobody", "durationDays": 5}, "input.granteeId"),
])
async def test_grant_input_is_validated(api: Api, chart: Population, grant_input, argument):
    response = await api.as_patient("p1", GRANT, {"input": grant_input})
    assert response.codes() == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"]["argument"] == argument


async def test_only_patients_grant(api: Api, chart: Population):
    response = await api.as_provider("doc", GRANT, {"input": {"granteeId": "doc", "durationDays": 5}})
    assert response.codes() == ["FORBIDDEN"]


async def test_grant_then_revoke_holds_on_the_next_request(api: Api, chart: Population):
    granted = await api.as_patient("p1", GRANT, {"input": {"granteeId": "doc", "durationDays": 30,
                                                           "categories": ["LAB"]}})
    grant = granted.data["grantAccess"]
    assert grant["categories"] == ["LAB"] and grant["active"] is True
    assert grant["grantee"] == {"__typename": "Provider", "id": "doc"}

    seen = await api.as_provider("doc", CHART, {"id": "p1"})
    records = seen.data["patient"]["records"]
    assert seen.data["patient"]["name"] == "Ann Lee"
    assert records["totalCount"] == 1 and records["edges"][0]["node"] == {"category": "LAB", "value": "6.9"}
    mine = await api.as_provider("doc", "query($id: ID!) { patient(id: $id) { grantsToMe { id active } } }", {"id": "p1"})
    assert mine.data["patient"]["grantsToMe"] == [{"id": grant["id"], "active": True}]

    assert (await api.as_patient("p2", REVOKE, {"id": grant["id"]})).codes() == ["FORBIDDEN"]
    revoked = await api.as_patient("p1", REVOKE, {"id": grant["id"]})
    assert revoked.data["revokeGrant"]["active"] is False
    again = await api.as_patient("p1", REVOKE, {"id": grant["id"]})
    assert again.data["revokeGrant"]["revokedAt"] == revoked.data["revokeGrant"]["revokedAt"]

    after = await api.as_provider("doc", CHART, {"id": "p1"})
    assert after.data == {"patient": None} and after.codes() == ["FORBIDDEN"]
    listed = await api.as_provider("doc", "{ myPatients { id } }")
    assert listed.data == {"myPatients": []}


async def test_a_grant_stops_working_when_it_expires_without_a_restart(api: Api, chart: Population):
    expires = utcnow() + dt.timedelta(seconds=2)
    granted = await api.as_patient("p1", GRANT, {"input": {"granteeId": "doc", "expiresAt": expires.isoformat()}})
    assert granted.errors == []
    assert (await api.as_provider("doc", CHART, {"id": "p1"})).data["patient"]["records"]["totalCount"] == 2
    await asyncio.sleep(max(0.0, (expires - utcnow()).total_seconds()) + 0.2)
    expired = await api.as_provider("doc", CHART, {"id": "p1"})
    assert expired.data == {"patient": None} and expired.codes() == ["FORBIDDEN"]


async def test_access_log_records_disclosures_and_denials(api: Api, chart: Population):
    grant = chart.grant("p1", "doc", [C.LAB])
    await api.as_patient("p1", CHART, {"id": "p1"}, operation="Chart")  # the patient: no event
    await api.as_provider("doc", CHART, {"id": "p1"}, operation="Chart")
    await api.as_provider("doc", CHART, {"id": "p2"}, operation="Chart")  # no grant from p2
    await api.as_payor("payor", "{ members { totalCount edges { node { name } } } }")  # demographics: no event
    await api.as_payor("payor", CHART, {"id": "p1"}, operation="Chart")  # payor asks for records: denied

    log = (await api.as_patient("p1", LOG, {"id": "p1"})).data["patient"]["accessLog"]
    assert log[0] == {"viewerId": "payor", "viewerType": "Payor", "viewerName": "payor", "operation": "Chart",
                      "outcome": "DENIED", "categories": [], "recordCount": 0, "grantIds": []}
    assert log[1] == {"viewerId": "doc", "viewerType": "Provider", "viewerName": "Dr. Doc", "operation": "Chart",
                      "outcome": "ALLOWED", "categories": ["LAB"], "recordCount": 1, "grantIds": [grant.id]}
    assert len(log) == 2
    other = (await api.as_patient("p2", LOG, {"id": "p2"})).data["patient"]["accessLog"]
    assert [(e["viewerId"], e["outcome"]) for e in other] == [("doc", "DENIED")]
    # The access log is the patient's alone.
    assert (await api.as_provider("doc", LOG, {"id": "p1"})).data == {"patient": {"accessLog": None}}


async def test_nothing_is_disclosed_when_the_audit_write_fails(api: Api, chart: Population,
                                                                monkeypatch: pytest.MonkeyPatch):
    chart.grant("p1", "doc", [C.LAB])
    audit_log = api.app[SERVICES].audit_log

    async def failing_write(events):
        raise GraphUnavailable("the access log store is down")

    monkeypatch.setattr(audit_log, "_write", failing_write)
    response = await api.as_provider("doc", CHART, {"id": "p1"})
    assert response.data is None
    assert response.codes() == ["SERVICE_UNAVAILABLE"]
    assert "6.9" not in str(response.body) and "Ann" not in str(response.body)
    # The patient's own reads leave no event, so they are not held up.
    own = await api.as_patient("p1", CHART, {"id": "p1"})
    assert own.data["patient"]["name"] == "Ann Lee"


async def test_episodes_and_patient_entries(api: Api, chart: Population):
    chart.grant("p1", "doc", [C.LAB])
    add = """mutation Add($pid: ID!, $input: RecordInput!) { addRecord(patientId: $pid, input: $input) {
             id category value source status author { id } } }"""
    episode = await api.as_provider("doc", add, {"pid": "p1", "input": {
        "category": "EPISODE", "code": "185349003", "system": "http://snomed.info/sct",
        "display": "Encounter for check up", "effectiveAt": "2026-11-30T09:00:00+01:00"}})
    assert episode.data["addRecord"]["category"] == "EPISODE"
    assert episode.data["addRecord"]["source"] == "provider"
    assert episode.data["addRecord"]["author"] == {"id": "doc"}
    lab = await api.as_provider("doc", add, {"pid": "p1", "input": {"category": "LAB", "value": "5.5"}})
    assert lab.errors == []
    uncovered = await api.as_provider("doc", add, {"pid": "p1", "input": {"category": "MEDICATION"}})
    assert uncovered.codes() == ["FORBIDDEN"]
    # The provider sees p1 (and its grants): the refusal may say why.
    assert uncovered.errors[0]["message"] == (
        "your active grants from this patient do not cover MEDICATION records (EPISODE records are always allowed)")
    no_grant = await api.as_provider("doc", add, {"pid": "p2", "input": {"category": "EPISODE"}})
    assert no_grant.codes() == ["FORBIDDEN"]
    assert no_grant.errors[0]["message"] == "not found, or not visible to you"
    payor = await api.as_payor("payor", add, {"pid": "p1", "input": {"category": "EPISODE"}})
    assert (payor.codes(), payor.errors[0]["message"]) == (
        ["FORBIDDEN"], "this field is for patients, providers only")
    home = await api.as_patient("p1", add, {"pid": "p1", "input": {
        "category": "VITAL_SIGN", "code": "85354-9", "components": [
            {"code": "8480-6", "value": "128", "unit": "mm[Hg]"}, {"code": "8462-4", "value": "82", "unit": "mm[Hg]"}]}})
    assert home.data["addRecord"]["source"] == "patient" and home.data["addRecord"]["author"] is None
    not_mine = await api.as_patient("p2", add, {"pid": "p1", "input": {"category": "VITAL_SIGN"}})
    assert (not_mine.codes(), not_mine.errors[0]["message"]) == (["FORBIDDEN"], "not found, or not visible to you")
    naive = await api.as_patient("p1", add, {"pid": "p1", "input": {"category": "OTHER", "effectiveAt": "2026-01-01T00:00:00"}})
    assert naive.codes() == ["BAD_USER_INPUT"]
    # Each patient's log tells what was attempted: the category of the refused record.
    logs = {pid: (await api.as_patient(pid, LOG, {"id": pid})).data["patient"]["accessLog"] for pid in ("p1", "p2")}
    assert [(e["viewerId"], e["outcome"], e["categories"]) for e in logs["p1"] if e["outcome"] == "DENIED"] == [
        ("doc", "DENIED", ["MEDICATION"])]
    assert [(e["viewerId"], e["outcome"], e["categories"], e["recordCount"]) for e in logs["p2"]] == [
        ("doc", "DENIED", ["EPISODE"], 0)]

    listing = await api.as_patient("p1", """query($id: ID!) { patient(id: $id) { records(first: 50) { edges { node {
        category effectiveAt author { name } components { code value unit } } } } } }""", {"id": "p1"})
    nodes = [e["node"] for e in listing.data["patient"]["records"]["edges"]]
    episode_node = next(n for n in nodes if n["category"] == "EPISODE")
    assert episode_node["author"] == {"name": "Dr. Doc"}
    assert episode_node["effectiveAt"] == "2026-11-30T09:00:00+01:00"
    bp = next(n for n in nodes if n["components"])
    assert bp["components"] == [{"code": "8480-6", "value": "128", "unit": "mm[Hg]"},
                                {"code": "8462-4", "value": "82", "unit": "mm[Hg]"}]


async def test_confirm_record(api: Api, chart: Population):
    record = chart.record("p1", C.LAB, status="unverified", value="7.1")
    confirm = "mutation($id: ID!) { confirmRecord(id: $id) { id status value } }"
    assert (await api.as_patient("p2", confirm, {"id": record.id})).codes() == ["FORBIDDEN"]
    assert (await api.as_patient("p1", confirm, {"id": "missing"})).codes() == ["FORBIDDEN"]
    confirmed = await api.as_patient("p1", confirm, {"id": record.id})
    assert confirmed.data["confirmRecord"] == {"id": record.id, "status": "final", "value": "7.1"}


async def test_concurrent_viewers_never_see_each_others_loader_results(api: Api, population: Population):
    for i in range(4):
        population.patient(f"p{i}", f"Name {i}")
        population.provider(f"d{i}")
        population.grant(f"p{i}", f"d{i}", [C.LAB])
        for j in range(3):
            population.record(f"p{i}", C.LAB, value=f"value-{i}-{j}", days_ago=j + 1)
    query = "{ myPatients { id name records { edges { node { value } } } } }"

    async def ask(i: int):
        response = await api.as_provider(f"d{i}", query)
        return i, response

    results = await asyncio.gather(*(ask(i % 4) for i in range(40)))
    for i, response in results:
        patients = response.data["myPatients"]
        assert [p["id"] for p in patients] == [f"p{i}"]
        assert {e["node"]["value"] for e in patients[0]["records"]["edges"]} == {f"value-{i}-{j}" for j in range(3)}


async def test_a_page_of_records_is_logged_even_when_only_ids_are_selected(api: Api, chart: Population):
    grant = chart.grant("p1", "doc", [C.LAB, C.VITAL_SIGN])
    ids_only = "query IdsOnly($id: ID!) { patient(id: $id) { records { totalCount edges { cursor node { id category } } } } }"
    assert (await api.as_provider("doc", ids_only, {"id": "p1"})).errors == []
    log = (await api.as_patient("p1", LOG, {"id": "p1"})).data["patient"]["accessLog"]
    assert log == [{"viewerId": "doc", "viewerType": "Provider", "viewerName": "Dr. Doc", "operation": "IdsOnly",
                    "outcome": "ALLOWED", "categories": ["LAB", "VITAL_SIGN"], "recordCount": 2, "grantIds": [grant.id]}]


async def test_operation_names_are_kept_short_in_the_log(api: Api, chart: Population):
    name = "Reviewed" + "A" * 5000
    await api.as_provider("doc", f"query {name} {{ patient(id: \"p1\") {{ name }} }}")
    log = (await api.as_patient("p1", LOG, {"id": "p1"})).data["patient"]["accessLog"]
    assert len(log[0]["operation"]) == 100 and log[0]["operation"].startswith("ReviewedAAA")
