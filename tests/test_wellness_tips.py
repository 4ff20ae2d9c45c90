"""Wellness tips: each rule at its exact threshold, tips only inside the payor program and
only for the patient, population context only from unsuppressed insights."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

import pytest

from model.categories import ALL_CATEGORIES, RecordCategory as C
from model.nodes import RecordComponentData, RecordNode
from model.timeutil import UTC
from payor.figures import months_before, years_before
from payor.rules import RULES, Tip, evaluate
from tests.support import Api, Population

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
DAY = dt.timedelta(days=1)
YEAR = dt.timedelta(days=365)
SECOND = dt.timedelta(seconds=1)
ADULT = dt.date(1980, 1, 1)


def rec(category: C, code: str, value: Optional[str] = None, *, at: Optional[dt.datetime] = NOW - DAY,
        unit: Optional[str] = None, status: str = "final", record_id: Optional[str] = None,
        components: tuple[RecordComponentData, ...] = ()) -> RecordNode:
    return RecordNode(id=record_id or f"{code}@{at.isoformat() if at else 'undated'}", patient_id="p",
                      category=category, code=code, value=value, unit=unit, status=status, effective_at=at,
                      components=components)


def bp(systolic: int, diastolic: int, at: dt.datetime) -> RecordNode:
    return rec(C.VITAL_SIGN, "85354-9", at=at, components=(
        RecordComponentData(code="8480-6", value=str(systolic), unit="mm[Hg]"),
        RecordComponentData(code="8462-4", value=str(diastolic), unit="mm[Hg]")))


def tips(*records: RecordNode, birth: Optional[dt.date] = ADULT,
         covered: frozenset[C] = ALL_CATEGORIES) -> dict[str, Tip]:
    return {t.rule_id: t for t in evaluate(RULES, records, birth, NOW, covered)}


def test_rules_are_identified_and_versioned():
    assert [(r.id, r.version) for r in RULES] == [
        ("influenza-vaccine-due", "1"), ("hba1c-diabetes-range", "1"), ("blood-pressure-high", "1"),
        ("ldl-high", "1"), ("bmi-obesity", "1"), ("wellness-visit-due", "1")]


# -- Influenza vaccine ----------------------------------------------------------------------
def test_influenza_vaccine_exactly_twelve_months_ago_still_counts():
    assert "influenza-vaccine-due" not in tips(rec(C.IMMUNIZATION, "140", at=NOW - YEAR))


def test_influenza_vaccine_a_second_older_is_due():
    dose = rec(C.IMMUNIZATION, "150", at=NOW - YEAR - SECOND)
    tip = tips(dose)["influenza-vaccine-due"]
    assert tip.evidence == (dose,)
    assert tip.title == "Influenza vaccine due"
    assert tip.message == ("No influenza vaccine is on record in the last 12 months (the last one on record: "
                           "2025-06-15). A flu vaccine every season is recommended for everyone 6 months and older.")


def test_influenza_never_given_is_due_without_evidence_and_unverified_doses_do_not_count():
    tip = tips(rec(C.IMMUNIZATION, "140", at=NOW - 30 * DAY, status="unverified"),
               rec(C.IMMUNIZATION, "208", at=NOW - 30 * DAY))["influenza-vaccine-due"]  # 208: COVID-19
    assert tip.evidence == ()
    assert "(none on record)" in tip.message


def test_influenza_is_due_from_six_months_of_age():
    six_months = months_before(NOW.date(), 6)
    assert "influenza-vaccine-due" in tips(birth=six_months)
    assert "influenza-vaccine-due" not in tips(birth=six_months + DAY)


# -- HbA1c without a diabetes diagnosis -----------------------------------------------------
def test_hba1c_of_6_5_without_diabetes_fires():
    hba1c = rec(C.LAB, "4548-4", "6.5", unit="%", at=NOW - 3 * DAY)
    tip = tips(hba1c)["hba1c-diabetes-range"]
    assert tip.evidence == (hba1c,)
    assert tip.message == ("Your latest HbA1c, 6.5% on 2026-06-12, is 6.5% or more, and no diabetes diagnosis is "
                           "on record. Ask your doctor whether a follow-up test is needed.")


def test_hba1c_of_6_4_does_not_fire():
    assert "hba1c-diabetes-range" not in tips(rec(C.LAB, "4548-4", "6.4", unit="%"))


@pytest.mark.parametrize("code", ["44054006", "E11.9", "E11.65", "73211009"])
def test_a_diabetes_diagnosis_silences_the_hba1c_tip(code):
    assert "hba1c-diabetes-range" not in tips(rec(C.LAB, "4548-4", "7.2"), rec(C.CONDITION, code))


def test_a_refuted_or_unverified_diagnosis_does_not():
    found = tips(rec(C.LAB, "4548-4", "7.2"), rec(C.CONDITION, "44054006", status="refuted"),
                 rec(C.CONDITION, "E11.9", status="unverified"))
    assert "hba1c-diabetes-range" in found


def test_the_latest_verified_hba1c_decides():
    older_high = rec(C.LAB, "4548-4", "7.5", at=NOW - 90 * DAY)
    newer_normal = rec(C.LAB, "4548-4", "5.4", at=NOW - 5 * DAY)
    newest_unverified = rec(C.LAB, "4548-4", "9.0", at=NOW - DAY, status="unverified")
    assert "hba1c-diabetes-range" not in tips(older_high, newer_normal, newest_unverified)


def test_an_hba1c_counts_for_730_days():
    assert "hba1c-diabetes-range" in tips(rec(C.LAB, "4548-4", "7.0", at=NOW - 730 * DAY))
    assert "hba1c-diabetes-range" not in tips(rec(C.LAB, "4548-4", "7.0", at=NOW - 730 * DAY - SECOND))


# -- Blood pressure -------------------------------------------------------------------------
def test_140_systolic_on_two_days_fires():
    first, second = bp(140, 80, NOW - 40 * DAY), bp(141, 70, NOW - 2 * DAY)
    tip = tips(first, second)["blood-pressure-high"]
    assert tip.evidence == (second, first)
    assert tip.message == ("Your blood pressure was 140/90 mmHg or higher on 2 days in the last 12 months "
                           "(latest: 141/70 on 2026-06-13). Ask your doctor about it.")


def test_90_diastolic_on_two_days_fires():
    assert "blood-pressure-high" in tips(bp(120, 90, NOW - 40 * DAY), bp(118, 90, NOW - 2 * DAY))


def test_139_over_89_does_not_fire():
    assert "blood-pressure-high" not in tips(bp(139, 89, NOW - 40 * DAY), bp(139, 89, NOW - 2 * DAY))


def test_one_high_day_is_not_repeated():
    assert "blood-pressure-high" not in tips(bp(139, 89, NOW - 40 * DAY), bp(160, 100, NOW - 2 * DAY))
    same_day = NOW - 2 * DAY
    assert "blood-pressure-high" not in tips(bp(160, 100, same_day), bp(150, 95, same_day + dt.timedelta(hours=1)))


def test_readings_count_for_twelve_months():
    assert "blood-pressure-high" in tips(bp(150, 95, NOW - YEAR), bp(150, 95, NOW - DAY))
    assert "blood-pressure-high" not in tips(bp(150, 95, NOW - YEAR - SECOND), bp(150, 95, NOW - DAY))


def test_single_component_readings_count():
    found = tips(rec(C.VITAL_SIGN, "8480-6", "150", at=NOW - 9 * DAY), rec(C.VITAL_SIGN, "8462-4", "92", at=NOW - DAY))
    assert found["blood-pressure-high"].message.startswith("Your blood pressure was 140/90 mmHg or higher on 2 days")


# -- LDL, BMI -------------------------------------------------------------------------------
def test_ldl_of_160_fires_and_159_does_not():
    ldl = rec(C.LAB, "18262-6", "160", unit="mg/dL")
    assert tips(ldl)["ldl-high"].evidence == (ldl,)
    assert "ldl-high" not in tips(rec(C.LAB, "18262-6", "159", unit="mg/dL"))
    assert "ldl-high" in tips(rec(C.LAB, "13457-7", "160.0", unit="mg/dL"))


def test_ldl_in_another_unit_is_not_read_as_mg_per_dl():
    assert "ldl-high" not in tips(rec(C.LAB, "18262-6", "190", unit="mmol/L"))


def test_bmi_of_30_fires_and_29_9_does_not():
    bmi = rec(C.VITAL_SIGN, "39156-5", "30.0", unit="kg/m2", at=NOW - 10 * DAY)
    tip = tips(bmi)["bmi-obesity"]
    assert tip.evidence == (bmi,)
    assert tip.message == ("Your latest BMI, 30.0 on 2026-06-05, is 30 or more. Your plan covers nutrition and "
                           "activity programs that can help.")
    assert "bmi-obesity" not in tips(rec(C.VITAL_SIGN, "39156-5", "29.9", unit="kg/m2"))


def test_bmi_is_for_adults_only():
    bmi = rec(C.VITAL_SIGN, "39156-5", "33", unit="kg/m2")
    assert "bmi-obesity" in tips(bmi, birth=years_before(NOW.date(), 18))
    assert "bmi-obesity" not in tips(bmi, birth=years_before(NOW.date(), 18) + DAY)


# -- Wellness visit -------------------------------------------------------------------------
def test_a_wellness_visit_exactly_twelve_months_ago_still_counts():
    assert "wellness-visit-due" not in tips(rec(C.ENCOUNTER, "185349003", at=NOW - YEAR))


def test_a_wellness_visit_a_second_older_is_due():
    visit = rec(C.ENCOUNTER, "162673000", at=NOW - YEAR - SECOND)
    tip = tips(visit)["wellness-visit-due"]
    assert tip.evidence == (visit,)
    assert tip.message == ("No wellness visit is on record in the last 12 months (the last one on record: "
                           "2025-06-15). A yearly check-up is covered by your plan.")


def test_an_episode_of_care_for_a_check_up_counts_and_a_sick_visit_does_not():
    assert "wellness-visit-due" not in tips(rec(C.EPISODE, "185349003", at=NOW - 30 * DAY))
    assert "wellness-visit-due" in tips(rec(C.ENCOUNTER, "185345009", at=NOW - 30 * DAY))


# -- What the program covers ----------------------------------------------------------------
def test_a_rule_runs_only_when_the_payor_grants_cover_what_it_reads():
    records = (rec(C.LAB, "4548-4", "7.0"), rec(C.LAB, "18262-6", "200", unit="mg/dL"))
    assert set(tips(*records, covered=frozenset({C.LAB}))) == {"ldl-high"}
    assert set(tips(*records, covered=frozenset({C.LAB, C.CONDITION}))) == {"hba1c-diabetes-range", "ldl-high"}
    assert tips(*records, covered=frozenset()) == {}


# -- Through the API ------------------------------------------------------------------------
TIPS = """query Tips($id: ID!) { patient(id: $id) { wellnessTips {
  ruleId ruleVersion title message populationContext evidence { id value } } } }"""
GRANT = "mutation($input: GrantAccessInput!) { grantAccess(input: $input) { id } }"
REVOKE = "mutation($id: ID!) { revokeGrant(id: $id) { active } }"


def chart(population: Population, pid: str) -> dict[str, RecordNode]:
    """A patient whose records fire four rules (and the flu and wellness-visit ones)."""
    population.patient(pid)
    mm = "mm[Hg]"
    return {
        "hba1c": population.record(pid, C.LAB, code="4548-4", value="6.8", unit="%", days_ago=3),
        "unconfirmed": population.record(pid, C.LAB, code="4548-4", value="5.1", unit="%", days_ago=1,
                                         status="unverified"),
        "bp1": population.record(pid, C.VITAL_SIGN, code="85354-9", value=None, days_ago=40, components=[
            RecordComponentData(code="8480-6", value="150", unit=mm), RecordComponentData(code="8462-4", value="95", unit=mm)]),
        "bp2": population.record(pid, C.VITAL_SIGN, code="85354-9", value=None, days_ago=2, components=[
            RecordComponentData(code="8480-6", value="144", unit=mm), RecordComponentData(code="8462-4", value="88", unit=mm)]),
        "ldl": population.record(pid, C.LAB, code="18262-6", value="172", unit="mg/dL", days_ago=5),
        "bmi": population.record(pid, C.VITAL_SIGN, code="39156-5", value="31.2", unit="kg/m2", days_ago=5),
        "flu": population.record(pid, C.IMMUNIZATION, code="140", value=None, days_ago=400),
    }


async def tips_of(api: Api, pid: str) -> list[dict[str, Any]]:
    response = await api.as_patient(pid, TIPS, {"id": pid})
    assert response.errors == [], response.errors
    return response.data["patient"]["wellnessTips"]


async def test_tips_only_while_the_payor_grant_is_active(api: Api, population: Population):
    records = chart(population, "p1")
    assert await tips_of(api, "p1") == []  # not in the program

    granted = await api.as_patient("p1", GRANT, {"input": {"granteeId": "payor", "durationDays": 90}})
    found = await tips_of(api, "p1")
    assert [(t["ruleId"], t["ruleVersion"], [e["id"] for e in t["evidence"]]) for t in found] == [
        ("influenza-vaccine-due", "1", [records["flu"].id]),
        ("hba1c-diabetes-range", "1", [records["hba1c"].id]),
        ("blood-pressure-high", "1", [records["bp2"].id, records["bp1"].id]),
        ("ldl-high", "1", [records["ldl"].id]),
        ("bmi-obesity", "1", [records["bmi"].id]),
        ("wellness-visit-due", "1", []),
    ]
    assert found[1]["evidence"] == [{"id": records["hba1c"].id, "value": "6.8"}]  # not the unverified 5.1
    assert found[3]["title"] == "High LDL cholesterol"
    # One member in the program: every figure is suppressed, so no population context.
    assert [t["populationContext"] for t in found] == [None] * 6

    await api.as_patient("p1", REVOKE, {"id": granted.data["grantAccess"]["id"]})
    assert await tips_of(api, "p1") == []


async def test_a_deceased_patient_gets_no_tips_as_the_insights_count_living_members_only(
        api: Api, population: Population):
    chart(population, "p1")
    population.grant("p1", "payor", None, grantee_type="Payor")
    assert len(await tips_of(api, "p1")) == 6
    population.patient("p1", deceased_at=population.now - dt.timedelta(days=30))
    assert await tips_of(api, "p1") == []


async def test_a_grant_for_some_categories_runs_the_rules_that_read_them(api: Api, population: Population):
    chart(population, "p1")
    population.grant("p1", "payor", [C.VITAL_SIGN], grantee_type="Payor")
    assert [t["ruleId"] for t in await tips_of(api, "p1")] == ["blood-pressure-high", "bmi-obesity"]
    population.grant("p1", "payor", [C.LAB, C.CONDITION], grantee_type="Payor")  # grants add up
    assert [t["ruleId"] for t in await tips_of(api, "p1")] == [
        "hba1c-diabetes-range", "blood-pressure-high", "ldl-high", "bmi-obesity"]


async def test_population_context_comes_from_unsuppressed_insights(api: Api, population: Population):
    for i in range(22):
        pid = f"p{i:02d}"
        population.patient(pid)
        population.grant(pid, "payor", grantee_type="Payor")
        population.record(pid, C.LAB, code="4548-4", value="7.0" if i < 11 else "5.0", unit="%", days_ago=3)
        if i >= 11:
            population.record(pid, C.IMMUNIZATION, code="158", value=None, days_ago=30)
    # A member who did not join the program is not counted.
    population.patient("outsider")
    population.record("outsider", C.LAB, code="4548-4", value="9.0", unit="%", days_ago=3)

    before = api.traversal_count()
    found = {t["ruleId"]: t["populationContext"] for t in await tips_of(api, "p00")}
    computing = api.traversal_count() - before
    assert found == {
        "influenza-vaccine-due": "About 50% of members in the program had a flu vaccine in the last 12 months.",
        "hba1c-diabetes-range": "About 50% of members in the program with a recent HbA1c result have 6.5% or more.",
        "wellness-visit-due": "About 0% of members in the program had a wellness visit in the last 12 months.",
    }
    # The program's figures are shared with the next patient's tips (resolvers/program_figures.py):
    # that request runs none of the three figure traversals (influenza, lab measures, care
    # gaps), and reads the same sentences.
    before = api.traversal_count()
    assert {t["ruleId"]: t["populationContext"] for t in await tips_of(api, "p01")} == found
    assert api.traversal_count() - before == computing - 3


async def test_the_payor_never_receives_a_record_or_a_tip(api: Api, population: Population):
    records = chart(population, "p1")
    population.grant("p1", "payor", grantee_type="Payor")
    population.provider("doc")
    population.grant("p1", "doc")
    query = """query($id: ID!) { patient(id: $id) { name wellnessTips { ruleId message evidence { id } }
               records { totalCount edges { node { id value } } } } }"""

    payor = await api.as_payor("payor", query, {"id": "p1"})
    assert payor.data == {"patient": {"name": "Patient p1", "wellnessTips": None, "records": None}}
    assert sorted(payor.codes()) == ["FORBIDDEN", "FORBIDDEN"]
    assert sorted(payor.error_paths()) == [["patient", "records"], ["patient", "wellnessTips"]]
    insights = await api.as_payor("payor", "{ populationInsights { authorizingMembers { value suppressed } "
                                           "labDistributions { bands { patients { value } } } } }")
    assert insights.data["populationInsights"]["authorizingMembers"] == {"value": None, "suppressed": True}
    assert "p1" not in json.dumps(insights.body)
    for response in (payor, insights):
        text = json.dumps(response.body)
        assert not any(r.id in text or (r.value and r.value in text) for r in records.values())
        assert not any(rule.id in text for rule in RULES)

    # Tips are the patient's alone: a provider who sees every record still gets none.
    provider = await api.as_provider("doc", query, {"id": "p1"})
    assert provider.data["patient"]["wellnessTips"] is None
    assert provider.data["patient"]["records"]["totalCount"] == 7
    assert provider.codes() == ["FORBIDDEN"]
    assert provider.error_paths() == [["patient", "wellnessTips"]]
