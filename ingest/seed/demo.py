"""The demo set: a small population and the three accounts a demo signs in as.

The demo patient has an active grant to a provider covering LAB and an active grant to the
payor, and a chart that gives wellness tips something to say: an HbA1c of at least 6.5 without
a diabetes diagnosis, two blood pressures of at least 140/90 without a hypertension
diagnosis, and records in several categories.

Unlike ``p360 seed``, the demo is anchored to the day it is seeded (``demo_anchor``): its grants
must be active while the server runs, and ``serve --demo`` seeds only an empty graph, so the
graph never mixes two anchors. For one day, the demo population is the same on every run.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional

from graphdb.client import GraphClient
from ingest.seed import catalog
from ingest.seed.population import (
    DEFAULT_PAYOR_ID,
    Content,
    PatientChart,
    Population,
    SeedArgs,
    blood_pressure,
    entity_id,
    generate,
    measured,
    medication_content,
    record_node,
)
from ingest.seed.writer import SeedSummary, seed_population
from model.categories import RecordCategory
from model.nodes import GrantNode, RecordNode
from model.timeutil import UTC

DEMO_SEED = SeedArgs(patients=25, records_per_patient=30, providers=6, seed=360)

# Categories the demo patient's chart always has.
DEMO_CATEGORIES = frozenset({
    RecordCategory.LAB, RecordCategory.VITAL_SIGN, RecordCategory.CONDITION,
    RecordCategory.IMMUNIZATION, RecordCategory.ENCOUNTER, RecordCategory.MEDICATION,
})
HBA1C_DIABETIC = 6.5
_UNDIAGNOSED = {catalog.DIABETES.code, catalog.HYPERTENSION.code}   # the tips are about these
_DEMO_GRANT_DAYS = 365   # the demo's grants outlive a demo by far

# What the story adds when the generated chart lacks a category.
_FILLERS: dict[RecordCategory, Content] = {
    RecordCategory.CONDITION: Content(catalog.VIRAL_SINUSITIS, text="Resolved"),
    RecordCategory.MEDICATION: medication_content(catalog.ACETAMINOPHEN),
    RecordCategory.IMMUNIZATION: Content(catalog.INFLUENZA_QUADRIVALENT, text="Completed"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class DemoAccounts:
    patient_id: str
    provider_id: str
    payor_id: str
    patient_name: str
    provider_name: str


def demo_anchor(today: dt.date) -> dt.datetime:
    """The ``now`` of a demo seeded on ``today``: its midnight, UTC."""
    return dt.datetime(today.year, today.month, today.day, tzinfo=UTC)


def demo_population(now: dt.datetime, payor_id: str = DEFAULT_PAYOR_ID) -> Population:
    """``DEMO_SEED``'s population at ``now`` (pass ``demo_anchor(today)``), its first patient
    who fits the demo given the demo story (see ``_with_demo_story``)."""
    population = generate(DEMO_SEED.patients, DEMO_SEED.records_per_patient, DEMO_SEED.providers,
                          DEMO_SEED.seed, now, payor_id=payor_id)
    charts = list(population.charts)
    index = next((i for i, chart in enumerate(charts) if _fits_demo(chart, population.now)), None)
    if index is None:
        raise LookupError(f"no patient of demo seed {DEMO_SEED.seed} can be the demo patient")
    charts[index] = _with_demo_story(charts[index], population.seed, index, population.now)
    return dataclasses.replace(population, charts=tuple(charts))


def demo_accounts(population: Population) -> DemoAccounts:
    """The first patient who shows everything a demo needs, their LAB provider and the payor.
    On a ``demo_population`` that is the patient given the demo story: any earlier one would
    have fitted the demo first."""
    for chart in population.charts:
        lab_grant = _lab_grant(chart, population.now)
        if lab_grant and _fits_demo(chart, population.now) and _shows_findings(chart):
            provider = population.provider(lab_grant.grantee_id)
            assert provider is not None, "a grant names a provider of the population"
            return DemoAccounts(
                patient_id=chart.patient.id, provider_id=provider.id,
                payor_id=population.payor_id, patient_name=chart.patient.name or "",
                provider_name=provider.name or "",
            )
    raise LookupError("no patient in this population shows what the demo needs")


def seed_demo(client: GraphClient, now: dt.datetime,
              payor_id: str = DEFAULT_PAYOR_ID) -> tuple[SeedSummary, DemoAccounts]:
    population = demo_population(now, payor_id)
    return seed_population(client, population, payor_id), demo_accounts(population)


# -- Choosing and completing the demo patient ----------------------------------------------
def _lab_grant(chart: PatientChart, now: dt.datetime) -> Optional[GrantNode]:
    return next((g for g in chart.grants if g.grantee_type == "Provider" and g.active_at(now)
                 and (g.all_categories or RecordCategory.LAB in g.categories)), None)


def _payor_grant(chart: PatientChart, now: dt.datetime) -> Optional[GrantNode]:
    return next((g for g in chart.grants if g.grantee_type == "Payor" and g.active_at(now)), None)


def _fits_demo(chart: PatientChart, now: dt.datetime) -> bool:
    """An adult who is alive, grants what the demo needs, and has neither diagnosis the
    wellness tips will hint at."""
    patient = chart.patient
    if patient.deceased_at or not patient.birth_date:
        return False
    age = (now.date() - patient.birth_date).days / 365.2425
    diagnosed = {r.code for r in chart.records if r.category is RecordCategory.CONDITION}
    return (30 <= age <= 75 and not diagnosed & _UNDIAGNOSED
            and _lab_grant(chart, now) is not None and _payor_grant(chart, now) is not None)


def _with_demo_story(chart: PatientChart, seed: int, index: int, now: dt.datetime) -> PatientChart:
    """The chart with two recent visits added (a high HbA1c, two high blood pressures) and any
    missing demo category filled in; its demo grants last a year from ``now``."""
    lab_grant, payor_grant = _lab_grant(chart, now), _payor_grant(chart, now)
    assert lab_grant and payor_grant
    author = lab_grant.grantee_id
    checkup = now - dt.timedelta(days=45) + dt.timedelta(hours=9, minutes=30)
    follow_up = now - dt.timedelta(days=160) + dt.timedelta(hours=10, minutes=15)
    story: list[tuple[RecordCategory, Content, dt.datetime]] = [
        (RecordCategory.ENCOUNTER, Content(catalog.GENERAL_EXAMINATION), checkup),
        (RecordCategory.VITAL_SIGN, blood_pressure(148, 94), checkup + dt.timedelta(minutes=10)),
        (RecordCategory.LAB, measured(catalog.HBA1C, 7.1), checkup + dt.timedelta(minutes=40)),
        (RecordCategory.LAB, measured(catalog.GLUCOSE, 141), checkup + dt.timedelta(minutes=40)),
        (RecordCategory.ENCOUNTER, Content(catalog.FOLLOW_UP_ENCOUNTER), follow_up),
        (RecordCategory.VITAL_SIGN, blood_pressure(152, 96), follow_up + dt.timedelta(minutes=5)),
    ]
    present = {r.category for r in chart.records}
    story += [(category, content, follow_up) for category, content in _FILLERS.items()
              if category not in present]

    added = tuple(
        record_node(entity_id(seed, "record", index, len(chart.records) + n), chart.patient.id,
                    category, content, at, author)
        for n, (category, content, at) in enumerate(story))
    lasting = now + dt.timedelta(days=_DEMO_GRANT_DAYS)
    grants = tuple(
        dataclasses.replace(g, expires_at=max(g.expires_at, lasting))
        if g in (lab_grant, payor_grant) else g for g in chart.grants)
    return dataclasses.replace(chart, records=chart.records + added, grants=grants)


def _shows_findings(chart: PatientChart) -> bool:
    final = [r for r in chart.records if r.status == "final"]
    high_a1c = any(r.code == catalog.HBA1C.concept.code and _number(r.value) >= HBA1C_DIABETIC
                   for r in final)
    high_bp = sum(1 for r in final if r.code == catalog.BP_PANEL.code and _is_high_bp(r))
    diagnosed = {r.code for r in chart.records if r.category is RecordCategory.CONDITION}
    return (high_a1c and high_bp >= 2 and not diagnosed & _UNDIAGNOSED
            and DEMO_CATEGORIES <= {r.category for r in chart.records})


def _is_high_bp(record: RecordNode) -> bool:
    values = {c.code: _number(c.value) for c in record.components}
    return (values.get(catalog.SYSTOLIC.code, 0) >= catalog.BP_HIGH[0]
            or values.get(catalog.DIASTOLIC.code, 0) >= catalog.BP_HIGH[1])


def _number(text: Optional[str]) -> float:
    try:
        return float(text) if text is not None else float("nan")
    except ValueError:
        return float("nan")
