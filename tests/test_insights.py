"""Population insights: cohorts from active payor grants only, counts aggregated in the graph,
small cells suppressed, a revoked or expired grant gone from the very next answer."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import Counter
from typing import Any, Iterable, Optional

import pytest

from authz.policy import ActiveGrantCriteria
from ingest.seed import SEED_ANCHOR, generate, seed_population
from ingest.seed import Population as SeedPopulation
from model.categories import RecordCategory as C
from model.nodes import RecordNode
from model.numbers import value_number
from model.timeutil import to_ms, utcnow
from payor import codes, figures
from payor.insights import (
    CareGapCounts,
    ConditionCounts,
    ConditionTally,
    CoverageCounts,
    DemographicCounts,
    MeasureCounts,
    publish_care_gaps,
    publish_conditions,
    publish_demographics,
    publish_influenza,
    publish_measures,
)
from payor.suppression import Cell
from resolvers import insights_traversals as traversals
from tests.support import Api, Population

CELL = "{ value suppressed }"
INSIGHTS = f"""query Insights {{ populationInsights {{
  asOf suppressionThreshold totalMembers authorizingMembers {CELL}
  ageBands {{ label minAge maxAge patients {CELL} }}
  genders {{ gender patients {CELL} }}
  conditionCohort {CELL}
  topConditions {{ code system display patients {CELL} }}
  labDistributions {{ key cohort {CELL} tested {CELL} bands {{ label patients {CELL} }} }}
  vitalSignDistributions {{ key cohort {CELL} tested {CELL} bands {{ label patients {CELL} }} }}
  influenzaCoverage {{ eligible {CELL} vaccinated {CELL} unvaccinated {CELL} }}
  careGaps {{ id cohort {CELL} eligible {CELL} withGap {CELL} withoutGap {CELL} }}
}} }}"""
GRANT = "mutation($input: GrantAccessInput!) { grantAccess(input: $input) { id } }"
REVOKE = "mutation($id: ID!) { revokeGrant(id: $id) { active } }"


def shown(value: int) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


HIDDEN = {"value": None, "suppressed": True}


def zeros(*labels: str) -> list[dict[str, Any]]:
    return [{"label": label, "patients": shown(0)} for label in labels]


HBA1C_BANDS = ("below 5.7", "5.7 to 6.4", "6.5 or more")
LDL_BANDS = ("below 100", "100 to 129", "130 to 159", "160 to 189", "190 or more")
EGFR_BANDS = ("below 15", "15 to 29", "30 to 44", "45 to 59", "60 to 89", "90 or more")
BMI_BANDS = ("below 18.5", "18.5 to 24.9", "25 to 29.9", "30 to 34.9", "35 to 39.9", "40 or more")
AGE_BANDS = ("0-17", "18-34", "35-49", "50-64", "65-79", "80+", "unknown")


def member(population: Population, pid: str, grants: Iterable[Optional[list[C]]] = (None,), *,
           gender: str = "female", hba1c: Optional[str] = "7.0", hba1c_days_ago: float = 10,
           **patient: Any) -> None:
    """A member with payor grants (None: every category) and, unless None, an HbA1c."""
    population.patient(pid, gender=gender, **patient)
    if hba1c is not None:
        population.record(pid, C.LAB, code="4548-4", value=hba1c, unit="%", days_ago=hba1c_days_ago)
    for categories in grants:
        population.grant(pid, "payor", categories, grantee_type="Payor")


async def insights(api: Api, query: str = INSIGHTS) -> dict[str, Any]:
    response = await api.as_payor("payor", query)
    assert response.errors == [], response.errors
    return response.data["populationInsights"]


def by_key(items: list[dict[str, Any]], key: str = "key") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


# -- Suppression boundaries -----------------------------------------------------------------
@pytest.mark.parametrize("authorizing", [10, 11])
async def test_ten_patients_are_suppressed_and_eleven_are_shown(api: Api, population: Population, authorizing: int):
    for i in range(authorizing):
        member(population, f"p{i:02d}", [[C.LAB]])
    for i in range(3):  # members who did not authorize the payor: counted in the total only
        member(population, f"other{i}", [])
    result = await insights(api)
    cell = shown(authorizing) if authorizing > 10 else HIDDEN
    # All the few in one band: the first 0 beside it is suppressed too, or the zeros around
    # it would say that they are all in it (all 35-49, all female, all in the diabetes range).
    complement = shown(0) if authorizing > 10 else HIDDEN
    assert result["suppressionThreshold"] == 10
    assert result["totalMembers"] == authorizing + 3
    assert result["authorizingMembers"] == cell
    bands = {"35-49": cell, "0-17": complement}
    assert result["ageBands"] == [
        {"label": label, "minAge": low, "maxAge": high, "patients": bands.get(label, shown(0))}
        for label, low, high in [("0-17", 0, 17), ("18-34", 18, 34), ("35-49", 35, 49), ("50-64", 50, 64),
                                 ("65-79", 65, 79), ("80+", 80, None), ("unknown", None, None)]]
    assert result["genders"] == [{"gender": "female", "patients": cell}, {"gender": "male", "patients": complement},
                                 {"gender": "other", "patients": shown(0)}, {"gender": "unknown", "patients": shown(0)}]
    labs = by_key(result["labDistributions"])
    assert labs["HBA1C"] == {"key": "HBA1C", "cohort": cell, "tested": cell, "bands": [
        {"label": "below 5.7", "patients": complement}, *zeros("5.7 to 6.4"), {"label": "6.5 or more", "patients": cell}]}
    assert labs["LDL"] == {"key": "LDL", "cohort": cell, "tested": shown(0), "bands": zeros(*LDL_BANDS)}
    # Nobody's grant covers the other categories: those cohorts are empty, and zero is shown.
    assert result["conditionCohort"] == shown(0)
    assert result["influenzaCoverage"] == {"eligible": shown(0), "vaccinated": shown(0), "unvaccinated": shown(0)}


async def test_complementary_suppression_keeps_small_cells_unrecoverable(api: Api, population: Population):
    for i in range(5):
        member(population, f"m{i}", gender="male", hba1c="7.0")
    for i in range(25):
        member(population, f"f{i:02d}", gender="female", hba1c="5.0")
    result = await insights(api)
    assert result["authorizingMembers"] == shown(30)
    # 5 men alone would be 30 - 25 women: the women's count goes too.
    assert result["genders"] == [{"gender": "female", "patients": HIDDEN}, {"gender": "male", "patients": HIDDEN},
                                 {"gender": "other", "patients": shown(0)}, {"gender": "unknown", "patients": shown(0)}]
    assert [a["patients"] for a in result["ageBands"]] == [shown(0), shown(0), shown(30)] + [shown(0)] * 4
    hba1c = by_key(result["labDistributions"])["HBA1C"]
    assert hba1c["tested"] == shown(30)
    assert hba1c["bands"] == [{"label": "below 5.7", "patients": HIDDEN}, {"label": "5.7 to 6.4", "patients": shown(0)},
                              {"label": "6.5 or more", "patients": HIDDEN}]
    # Every eligible member lacks a flu vaccine: 30 of 30, nothing small to protect.
    assert result["influenzaCoverage"] == {"eligible": shown(30), "vaccinated": shown(0),
                                           "unvaccinated": shown(30)}


# -- Cohorts --------------------------------------------------------------------------------
async def test_a_revoked_payor_grant_leaves_the_very_next_insights(api: Api, population: Population):
    grant_ids = {}
    for i in range(11):
        member(population, f"p{i:02d}", grants=[])
        granted = await api.as_patient(f"p{i:02d}", GRANT, {"input": {
            "granteeId": "payor", "categories": ["LAB"], "durationDays": 30}})
        grant_ids[f"p{i:02d}"] = granted.data["grantAccess"]["id"]
    before = await insights(api)
    assert before["authorizingMembers"] == shown(11)
    assert by_key(before["labDistributions"])["HBA1C"]["bands"][2]["patients"] == shown(11)

    revoked = await api.as_patient("p03", REVOKE, {"id": grant_ids["p03"]})
    assert revoked.data == {"revokeGrant": {"active": False}}
    after = await insights(api)
    assert after["totalMembers"] == 11
    assert after["authorizingMembers"] == HIDDEN
    assert by_key(after["labDistributions"])["HBA1C"] == {
        "key": "HBA1C", "cohort": HIDDEN, "tested": HIDDEN, "bands": [
            {"label": "below 5.7", "patients": HIDDEN}, *zeros("5.7 to 6.4"), {"label": "6.5 or more", "patients": HIDDEN}]}


async def test_an_expired_payor_grant_leaves_the_very_next_insights(api: Api, population: Population):
    for i in range(10):
        member(population, f"p{i:02d}", [[C.LAB]])
    member(population, "brief", grants=[])
    expires = utcnow() + dt.timedelta(seconds=2)
    granted = await api.as_patient("brief", GRANT, {"input": {
        "granteeId": "payor", "categories": ["LAB"], "expiresAt": expires.isoformat()}})
    assert granted.errors == []
    assert (await insights(api))["authorizingMembers"] == shown(11)
    await asyncio.sleep(max(0.0, (expires - utcnow()).total_seconds()) + 0.2)
    after = await insights(api)
    assert after["authorizingMembers"] == HIDDEN
    assert by_key(after["labDistributions"])["HBA1C"]["tested"] == HIDDEN


async def test_each_figure_counts_members_whose_grants_cover_its_categories(api: Api, population: Population):
    # Two grants, LAB and CONDITION, add up to cover the diabetes gap; the HbA1c is recent.
    for i in range(11):
        member(population, f"both{i:02d}", [[C.LAB], [C.CONDITION]], hba1c="7.0", hba1c_days_ago=10)
        population.record(f"both{i:02d}", C.CONDITION, code="E11.9", system="http://hl7.org/fhir/sid/icd-10-cm",
                          value=None, display="Type 2 diabetes mellitus without complications")
    # LAB only: their diabetes is not the payor's to count.
    for i in range(11):
        member(population, f"lab{i:02d}", [[C.LAB]], hba1c=None)
        population.record(f"lab{i:02d}", C.CONDITION, code="44054006", value=None)
    # Every category; an HbA1c 200 days ago leaves the diabetes gap open.
    for i in range(11):
        member(population, f"all{i:02d}", [None], hba1c="6.0", hba1c_days_ago=200)
        population.record(f"all{i:02d}", C.CONDITION, code="44054006", system="http://snomed.info/sct",
                          value=None, display="Diabetes mellitus type 2 (disorder)")
        population.record(f"all{i:02d}", C.CONDITION, code="38341003", value=None, status="resolved")
    # A grant to a provider puts nobody in the payor's cohorts.
    population.provider("doc")
    for i in range(11):
        member(population, f"doc{i:02d}", grants=[])
        population.grant(f"doc{i:02d}", "doc")

    result = await insights(api)
    assert result["totalMembers"] == 44
    assert result["authorizingMembers"] == shown(33)
    assert result["conditionCohort"] == shown(22)
    assert result["topConditions"] == [  # most patients first, then by code; resolved ones are not active
        {"code": "44054006", "system": "http://snomed.info/sct", "display": "Diabetes mellitus type 2 (disorder)",
         "patients": shown(11)},
        {"code": "E11.9", "system": "http://hl7.org/fhir/sid/icd-10-cm",
         "display": "Type 2 diabetes mellitus without complications", "patients": shown(11)}]
    hba1c = by_key(result["labDistributions"])["HBA1C"]
    assert hba1c["cohort"] == shown(33)
    assert hba1c["tested"] == shown(22)
    assert hba1c["bands"] == [{"label": "below 5.7", "patients": shown(0)},
                              {"label": "5.7 to 6.4", "patients": shown(11)},
                              {"label": "6.5 or more", "patients": shown(11)}]
    assert by_key(result["vitalSignDistributions"])["BMI"] == {
        "key": "BMI", "cohort": shown(11), "tested": shown(0), "bands": zeros(*BMI_BANDS)}
    assert result["influenzaCoverage"] == {"eligible": shown(11), "vaccinated": shown(0), "unvaccinated": shown(11)}
    assert by_key(result["careGaps"], "id") == {
        "diabetes-hba1c": {"id": "diabetes-hba1c", "cohort": shown(22), "eligible": shown(22),
                           "withGap": shown(11), "withoutGap": shown(11)},
        "hypertension-blood-pressure": {"id": "hypertension-blood-pressure", "cohort": shown(11),
                                        "eligible": shown(0), "withGap": shown(0), "withoutGap": shown(0)},
        "wellness-visit": {"id": "wellness-visit", "cohort": shown(11), "eligible": shown(11),
                           "withGap": shown(11), "withoutGap": shown(0)},
    }


async def test_dead_members_and_unverified_records_are_not_counted(api: Api, population: Population):
    for i in range(11):
        member(population, f"p{i:02d}", [[C.LAB, C.IMMUNIZATION]], hba1c="7.0", hba1c_days_ago=5)
        # Newer, but read from a photo and not confirmed: the 7.0 is the latest that counts.
        population.record(f"p{i:02d}", C.LAB, code="4548-4", value="5.0", status="unverified", days_ago=1)
        population.record(f"p{i:02d}", C.IMMUNIZATION, code="140", value=None, status="unverified", days_ago=30)
    member(population, "late", [[C.LAB, C.IMMUNIZATION]], deceased_at=utcnow() - dt.timedelta(days=2))
    member(population, "baby", [[C.LAB, C.IMMUNIZATION]], birth=utcnow().date() - dt.timedelta(days=100),
           hba1c=None)
    result = await insights(api)
    assert result["totalMembers"] == 12  # the living ones
    assert result["authorizingMembers"] == shown(12)
    hba1c = by_key(result["labDistributions"])["HBA1C"]
    assert hba1c["tested"] == shown(11)
    assert hba1c["bands"][2] == {"label": "6.5 or more", "patients": shown(11)}
    # The baby is too young for a flu vaccine; the unverified doses do not count.
    assert result["influenzaCoverage"] == {"eligible": shown(11), "vaccinated": shown(0), "unvaccinated": shown(11)}
    assert result["ageBands"][0] == {"label": "0-17", "minAge": 0, "maxAge": 17, "patients": HIDDEN}


# -- Who may ask, and what it costs ---------------------------------------------------------
@pytest.mark.parametrize("group, viewer", [("patients", "p00"), ("providers", "doc"), ("admins", "admin-1")])
async def test_only_payors_get_insights(api: Api, population: Population, group: str, viewer: str):
    member(population, "p00")
    population.provider("doc")
    response = await api.post("{ populationInsights { asOf } }", token=api.token(viewer, group))
    assert response.data is None
    assert response.codes() == ["FORBIDDEN"]


async def test_insights_cost_one_traversal_per_figure_group_whatever_the_population(tmp_path):
    from tests.support import start_api, stop_api

    costs = {}
    for size in (1, 25):
        api, runner = await start_api(tmp_path / f"data-{size}")
        try:
            population = Population(api.graph)
            for i in range(size):
                member(population, f"p{i:02d}")
                population.record(f"p{i:02d}", C.CONDITION, code="44054006", value=None)
            before = api.traversal_count()
            await insights(api, "{ populationInsights { asOf } }")
            bare = api.traversal_count() - before
            before = api.traversal_count()
            result = await insights(api)
            costs[size] = api.traversal_count() - before - bare
            assert result["authorizingMembers"] == (shown(25) if size == 25 else HIDDEN)
            before = api.traversal_count()
            await insights(api, "{ populationInsights { authorizingMembers { value } ageBands { label } "
                                "influenzaCoverage { eligible { value } } } }")
            assert api.traversal_count() - before - bare == 2  # demographics, influenza
        finally:
            await stop_api(api, runner)
    # demographics, conditions, labs, vital signs, influenza, care gaps
    assert costs == {1: 6, 25: 6}


# -- A seeded population --------------------------------------------------------------------
@dataclasses.dataclass
class Counted:
    """Every figure group's counts, as the graph should return them."""

    demographics: DemographicCounts
    conditions: ConditionCounts
    labs: MeasureCounts
    vitals: MeasureCounts
    influenza: CoverageCounts
    gaps: dict[str, CareGapCounts]


def _count(population: SeedPopulation, as_of: dt.datetime) -> Counted:
    """The figures of a seeded population, counted in plain Python from the generated nodes,
    independently of the traversals."""
    today = as_of.date()

    def in_window(record, days: Optional[int]) -> bool:
        return days is None or (record.effective_at is not None
                                and as_of - dt.timedelta(days=days) <= record.effective_at <= as_of)

    def found(records, categories, value_set, days=None, statuses=(codes.UNVERIFIED,)):
        return [r for r in records if r.category in categories and value_set.matches(r.code)
                and r.status not in statuses and in_window(r, days)]

    def age_band(birth: Optional[dt.date]) -> str:
        if birth is None:
            return figures.UNKNOWN_AGE
        return [b.label for b in figures.AGE_BANDS if birth <= figures.years_before(today, b.min_age)][-1]

    def old_enough(birth: Optional[dt.date], years: int = 0, months: int = 0) -> bool:
        return birth is None or birth <= figures.months_before(figures.years_before(today, years), months)

    members = authorizing = condition_cohort = eligible = vaccinated = 0
    ages: Counter[str] = Counter()
    genders: Counter[str] = Counter()
    conditions: dict[str, list[RecordNode]] = {}
    bands: Counter[tuple[str, str]] = Counter()
    cohorts: Counter[C] = Counter()
    gaps = {g.id: [0, 0, 0] for g in figures.CARE_GAPS}
    for chart in population.charts:
        patient, records = chart.patient, chart.records
        if patient.deceased_at is not None and patient.deceased_at <= as_of:
            continue
        members += 1
        active = [g for g in chart.grants if g.grantee_type == "Payor" and g.active_at(as_of)]
        if not active:
            continue
        covered = frozenset().union(*(g.categories for g in active))
        authorizing += 1
        ages[age_band(patient.birth_date)] += 1
        genders[patient.gender if patient.gender in ("female", "male", "other") else "unknown"] += 1
        cohorts.update(covered)
        if C.CONDITION in covered:
            condition_cohort += 1
            for r in records:
                if r.category is C.CONDITION and r.code and r.status not in codes.NOT_ACTIVE_CONDITION:
                    conditions.setdefault(r.code, []).append(r)
        for measure in figures.LAB_MEASURES + figures.VITAL_SIGN_MEASURES:
            if measure.category not in covered or (measure.min_age and (
                    patient.birth_date is None or not old_enough(patient.birth_date, measure.min_age))):
                continue
            results = [r for r in found(records, {measure.category}, measure.codes, measure.lookback_days)
                       if value_number(r.value) is not None and (not measure.units or r.unit in measure.units)]
            if results:
                latest = sorted(sorted(results, key=lambda r: r.id), key=lambda r: r.effective_at, reverse=True)[0]
                bands[measure.key, measure.band_of(value_number(latest.value)).label] += 1
        if C.IMMUNIZATION in covered and old_enough(patient.birth_date, months=figures.INFLUENZA.min_age_months):
            eligible += 1
            vaccinated += bool(found(records, {C.IMMUNIZATION}, figures.INFLUENZA.vaccine,
                                     figures.INFLUENZA.window_days))
        for gap in figures.CARE_GAPS:
            if not gap.categories <= covered:
                continue
            gaps[gap.id][0] += 1
            if gap.condition is not None and not found(records, {C.CONDITION}, gap.condition,
                                                       statuses=codes.NOT_ACTIVE_CONDITION):
                continue
            gaps[gap.id][1] += 1
            gaps[gap.id][2] += bool(found(records, gap.test_categories, gap.test, gap.window_days))

    return Counted(
        DemographicCounts(members, authorizing, dict(ages), dict(genders)),
        ConditionCounts(condition_cohort, tuple(sorted(
            (ConditionTally(code, min(r.system for r in rs), min(r.display for r in rs),
                            len({r.patient_id for r in rs})) for code, rs in conditions.items()),
            key=lambda t: t.code))),
        MeasureCounts(cohorts[C.LAB], {k: v for k, v in bands.items() if k[0] in LAB_KEYS}),
        MeasureCounts(cohorts[C.VITAL_SIGN], {k: v for k, v in bands.items() if k[0] not in LAB_KEYS}),
        CoverageCounts(eligible, vaccinated),
        {k: CareGapCounts(*v) for k, v in gaps.items()},
    )


LAB_KEYS = {m.key for m in figures.LAB_MEASURES}


async def _graph_counts(api: Api, as_of: dt.datetime) -> Counted:
    """What the traversals count, with the cohorts the policy would give the payor at ``as_of``."""
    g, today = api.graph.g, as_of.date()

    def criteria(*categories: C) -> ActiveGrantCriteria:
        return ActiveGrantCriteria("payor", "Payor", to_ms(as_of), frozenset(categories))

    async def rows(traversal) -> list[Any]:
        return await api.graph.run(traversal)

    conditions = traversals.parse_conditions(await rows(traversals.conditions(g, criteria(C.CONDITION))))
    return Counted(
        traversals.parse_demographics(await rows(traversals.demographics(g, criteria(), today))),
        dataclasses.replace(conditions, conditions=tuple(sorted(conditions.conditions, key=lambda t: t.code))),
        traversals.parse_measures(await rows(traversals.measures(g, criteria(C.LAB), figures.LAB_MEASURES, today))),
        traversals.parse_measures(await rows(traversals.measures(
            g, criteria(C.VITAL_SIGN), figures.VITAL_SIGN_MEASURES, today))),
        traversals.parse_coverage(await rows(traversals.coverage(
            g, criteria(C.IMMUNIZATION), figures.INFLUENZA, today))),
        dict(traversals.parse_care_gaps(await rows(traversals.care_gaps(
            g, [(gap, criteria(*gap.categories)) for gap in figures.CARE_GAPS])), figures.CARE_GAPS)),
    )


def _cell(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "suppressed": cell.suppressed}


def _published(counted: Counted) -> dict[str, Any]:
    """The answer ``INSIGHTS`` should get for these counts."""
    demographics = publish_demographics(counted.demographics)
    conditions = publish_conditions(counted.conditions)
    influenza = publish_influenza(counted.influenza)

    def measures(published) -> list[dict[str, Any]]:
        return [{"key": m.measure.key, "cohort": _cell(m.cohort), "tested": _cell(m.tested),
                 "bands": [{"label": b.label, "patients": _cell(b.patients)} for b in m.bands]} for m in published]

    return {
        "totalMembers": demographics.total_members,
        "authorizingMembers": _cell(demographics.authorizing),
        "ageBands": [{"label": a.label, "minAge": a.min_age, "maxAge": a.max_age, "patients": _cell(a.patients)}
                     for a in demographics.age_bands],
        "genders": [{"gender": g.gender, "patients": _cell(g.patients)} for g in demographics.genders],
        "conditionCohort": _cell(conditions.cohort),
        "topConditions": [{"code": c.code, "system": c.system, "display": c.display, "patients": _cell(c.patients)}
                          for c in conditions.top],
        "labDistributions": measures(publish_measures(figures.LAB_MEASURES, counted.labs)),
        "vitalSignDistributions": measures(publish_measures(figures.VITAL_SIGN_MEASURES, counted.vitals)),
        "influenzaCoverage": {"eligible": _cell(influenza.eligible), "vaccinated": _cell(influenza.vaccinated),
                              "unvaccinated": _cell(influenza.unvaccinated)},
        "careGaps": [{"id": g.gap.id, "cohort": _cell(g.cohort), "eligible": _cell(g.eligible),
                      "withGap": _cell(g.with_gap), "withoutGap": _cell(g.without_gap)}
                     for g in publish_care_gaps(figures.CARE_GAPS, counted.gaps)],
    }


async def test_a_seeded_population_gives_the_figures_counted_from_its_nodes(tmp_path):
    from tests.support import start_api, stop_api

    api, runner = await start_api(tmp_path / "data")  # one backend: seeding is the slow part
    try:
        population = generate(200, 15, 8, 7, SEED_ANCHOR, payor_id="payor")
        seed_population(api.graph, population, "payor")

        # The graph's counts, every one, before suppression.
        as_of = utcnow()
        counted = _count(population, as_of)
        assert await _graph_counts(api, as_of) == counted
        assert counted.demographics.authorizing > 50
        assert counted.labs.bands and counted.vitals.bands and counted.conditions.conditions
        assert counted.influenza.vaccinated and all(c.eligible for c in counted.gaps.values())

        # And the published answer.
        result = await insights(api)
        del result["asOf"], result["suppressionThreshold"]
        expected = _published(_count(population, dt.datetime.fromisoformat((await insights(api))["asOf"])))
        assert result == expected
        assert result["authorizingMembers"]["value"] == counted.demographics.authorizing
        assert result["topConditions"]  # large enough to show figures
    finally:
        await stop_api(api, runner)
