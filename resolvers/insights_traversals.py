"""The traversals behind the population insights: one per figure group, each aggregating in the
graph (``count``, ``groupCount``, ``group``) and returning a handful of numbers, however many
patients and records there are. Each traversal starts at the grantee's (the payor's) vertex.

Every cohort is an ``ActiveGrantCriteria`` from the consent policy, pushed down as it is:
patients with a grant to the grantee that is active at the request's instant and, together
with their other active grants to it (overlapping grants add up), covers the criteria's
categories; who are members of the grantee and alive at that instant. Only records that are
not ``unverified`` count, and only of the categories the cohort's grants cover.

The ``parse_*`` functions read what the traversal of the same name returns.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping, Optional

from gremlin_python.process.graph_traversal import GraphTraversal, GraphTraversalSource, __
from gremlin_python.process.traversal import Order, P, Scope, T, TextP

from authz.policy import ActiveGrantCriteria
from graphdb import codec, model
from model.categories import RecordCategory
from payor import codes, figures
from payor.codes import ValueSet
from payor.figures import CareGap, Coverage, Measure
from payor.insights import (
    CareGapCounts,
    ConditionCounts,
    ConditionTally,
    CoverageCounts,
    DemographicCounts,
    MeasureCounts,
)

DAY_MS = 24 * 3600 * 1000
_BAND_SEPARATOR = "|"


# -- Building blocks ------------------------------------------------------------------------
def _grantee(g: GraphTraversalSource, criteria: ActiveGrantCriteria) -> GraphTraversal:
    return g.V(model.vid(criteria.grantee_type, criteria.grantee_id)).has_label(criteria.grantee_type)


def _active_grants(t: GraphTraversal, criteria: ActiveGrantCriteria,
                   category: Optional[RecordCategory]) -> GraphTraversal:
    t = (t.has_label(model.GRANT).has("granteeId", criteria.grantee_id)
         .has("granteeType", criteria.grantee_type)
         .has("expiresAtMs", P.gt(criteria.now_ms)).has_not("revokedAtMs"))
    return t if category is None else t.has(codec.covers_key(category), True)


def _living(t: GraphTraversal, now_ms: int) -> GraphTraversal:
    return t.or_(__.has_not("deceasedAtMs"), __.has("deceasedAtMs", P.gt(now_ms)))


def _cohort(t: GraphTraversal, criteria: ActiveGrantCriteria) -> GraphTraversal:
    """From the grantee's vertex to each patient of the cohort, once."""
    categories = sorted(criteria.categories, key=lambda c: c.value)
    first, rest = (categories[0], categories[1:]) if categories else (None, [])
    t = _active_grants(t.in_(model.TO), criteria, first).in_(model.GRANTED).has_label(model.PATIENT).dedup()
    for category in rest:  # another active grant may cover it: grants add up
        t = t.where(_active_grants(__.out(model.GRANTED), criteria, category))
    t = t.where(__.out(model.MEMBER_OF).has_id(model.vid(criteria.grantee_type, criteria.grantee_id)))
    return _living(t, criteria.now_ms)


def _coded(t: GraphTraversal, value_set: ValueSet) -> GraphTraversal:
    exact = P.within(sorted(value_set.codes))
    if not value_set.prefixes:
        return t.has("code", exact)
    return t.or_(__.has("code", exact), *(__.has("code", TextP.starting_with(p)) for p in value_set.prefixes))


def records(t: GraphTraversal, categories: Iterable[RecordCategory], value_set: ValueSet,
            window: Optional[tuple[int, int]] = None) -> GraphTraversal:
    """From a patient (``t``) to their records of ``value_set`` in ``categories`` that are not
    unverified, effective within ``window`` (first, last epoch ms, inclusive) if given."""
    t = t.out(model.HAS_RECORD).has("category", P.within(sorted(c.value for c in categories)))
    t = _coded(t, value_set).not_(__.has("status", codes.UNVERIFIED))
    if window is not None:
        t = t.has("sortKey", P.gte(window[0])).has("sortKey", P.lte(window[1]))
    return t


def _active_conditions(t: GraphTraversal) -> GraphTraversal:
    """Conditions that are active (no status, or one not in ``NOT_ACTIVE_CONDITION``)."""
    return t.not_(__.has("status", P.within(list(codes.NOT_ACTIVE_CONDITION))))


def _window(now_ms: int, days: int) -> tuple[int, int]:
    return now_ms - days * DAY_MS, now_ms


def _require(criteria: ActiveGrantCriteria, categories: Iterable[RecordCategory]) -> None:
    missing = set(categories) - criteria.categories
    if missing:  # a figure must never read a category its cohort's grants do not cover
        raise ValueError(f"the cohort's grants do not cover {sorted(c.value for c in missing)}")


def _chain(conditions: list[tuple[GraphTraversal, str]], otherwise: str) -> GraphTraversal:
    """``choose`` nested: the label of the first condition that holds, else ``otherwise``."""
    t = __.constant(otherwise)
    for condition, label in reversed(conditions):
        t = __.choose(condition, __.constant(label), t)
    return t


# -- Demographics ---------------------------------------------------------------------------
def _age_band(today: dt.date) -> GraphTraversal:
    """The patient's age band on ``today``, by comparing ISO birth dates as text."""
    bands = figures.AGE_BANDS
    younger_than_next = [
        (__.has("birthDate", P.gt(figures.years_before(today, nxt.min_age).isoformat())), band.label)
        for band, nxt in zip(bands, bands[1:])
    ]
    return __.choose(__.has_not("birthDate"), __.constant(figures.UNKNOWN_AGE),
                     _chain(younger_than_next, bands[-1].label))


def _gender() -> GraphTraversal:
    known = [g for g in figures.GENDERS if g != figures.UNKNOWN_GENDER]
    return __.coalesce(__.values("gender").is_(P.within(known)), __.constant(figures.UNKNOWN_GENDER))


def demographics(g: GraphTraversalSource, criteria: ActiveGrantCriteria, today: dt.date) -> GraphTraversal:
    """Living members; the cohort's size, age bands and genders."""
    return _grantee(g, criteria).project("members", "cohort").by(
        _living(__.in_(model.MEMBER_OF).has_label(model.PATIENT), criteria.now_ms).count()
    ).by(
        _cohort(__.start(), criteria).fold().project("size", "ages", "genders")
        .by(__.count(Scope.local))
        .by(__.unfold().group_count().by(_age_band(today)))
        .by(__.unfold().group_count().by(_gender()))
    )


def parse_demographics(rows: list[Any]) -> DemographicCounts:
    if not rows:
        return DemographicCounts(0, 0, {}, {})
    row = rows[0]
    cohort = row["cohort"]
    return DemographicCounts(row["members"], cohort["size"], dict(cohort["ages"]), dict(cohort["genders"]))


# -- Conditions -----------------------------------------------------------------------------
def _first_text(key: str) -> GraphTraversal:
    return __.coalesce(__.unfold().values(key).order().limit(1), __.constant(""))


def conditions(g: GraphTraversalSource, criteria: ActiveGrantCriteria) -> GraphTraversal:
    """The cohort's size; per condition code, how many of its patients have it active."""
    _require(criteria, [RecordCategory.CONDITION])
    active = _active_conditions(
        __.unfold().out(model.HAS_RECORD).has("category", RecordCategory.CONDITION.value).has("code"))
    return _cohort(_grantee(g, criteria), criteria).fold().project("size", "conditions").by(
        __.count(Scope.local)
    ).by(
        # (every record here has a code; the default keeps the traversal portable)
        active.group().by(__.coalesce(__.values("code"), __.constant(""))).by(
            __.fold().project("patients", "system", "display")
            .by(__.unfold().values("patientId").dedup().count())
            .by(_first_text("system"))
            .by(_first_text("display")))
    )


def parse_conditions(rows: list[Any]) -> ConditionCounts:
    if not rows:
        return ConditionCounts(0, ())
    row = rows[0]
    return ConditionCounts(row["size"], tuple(
        ConditionTally(code, c["system"] or None, c["display"] or None, c["patients"])
        for code, c in row["conditions"].items()))


# -- Measures -------------------------------------------------------------------------------
def _latest_band(measure: Measure, today: dt.date, now_ms: int) -> GraphTraversal:
    """From a patient: ``KEY|band`` of their latest result of the measure, if any."""
    t = __.start()
    if measure.min_age:
        t = t.has("birthDate", P.lte(figures.years_before(today, measure.min_age).isoformat()))
    window = _window(now_ms, measure.lookback_days)
    latest = records(__.start(), [measure.category], measure.codes, window).has("valueNumber")
    if measure.units:
        latest = latest.has("unit", P.within(list(measure.units)))
    latest = latest.order().by("sortKey", Order.desc).by(T.id, Order.asc).limit(1)
    below_high = [(__.has("valueNumber", P.lt(b.high)), f"{measure.key}{_BAND_SEPARATOR}{b.label}")
                  for b in measure.bands[:-1]]
    last = measure.bands[-1]
    return t.local(latest).map(_chain(below_high, f"{measure.key}{_BAND_SEPARATOR}{last.label}"))


def measures(g: GraphTraversalSource, criteria: ActiveGrantCriteria, measured: tuple[Measure, ...],
             today: dt.date) -> GraphTraversal:
    """The cohort's size; per (measure, band), how many of its patients' latest result of the
    measure falls in the band."""
    _require(criteria, [m.category for m in measured])
    return _cohort(_grantee(g, criteria), criteria).fold().project("size", "bands").by(
        __.count(Scope.local)
    ).by(
        __.unfold().union(*(_latest_band(m, today, criteria.now_ms) for m in measured)).group_count()
    )


def parse_measures(rows: list[Any]) -> MeasureCounts:
    if not rows:
        return MeasureCounts(0, {})
    row = rows[0]
    bands: dict[tuple[str, str], int] = {}
    for key, count in row["bands"].items():
        measure_key, label = key.split(_BAND_SEPARATOR, 1)
        bands[measure_key, label] = count
    return MeasureCounts(row["size"], bands)


# -- Influenza coverage ---------------------------------------------------------------------
def coverage(g: GraphTraversalSource, criteria: ActiveGrantCriteria, covered: Coverage,
             today: dt.date) -> GraphTraversal:
    """Eligible patients of the cohort (old enough, or of unknown age), and how many of them
    had the vaccine in the window."""
    _require(criteria, [RecordCategory.IMMUNIZATION])
    youngest = figures.months_before(today, covered.min_age_months).isoformat()
    vaccinated = records(__.start(), [RecordCategory.IMMUNIZATION], covered.vaccine,
                          _window(criteria.now_ms, covered.window_days))
    return (
        _cohort(_grantee(g, criteria), criteria).not_(__.has("birthDate", P.gt(youngest)))
        .fold().project("eligible", "vaccinated")
        .by(__.count(Scope.local))
        .by(__.unfold().where(vaccinated).count())
    )


def parse_coverage(rows: list[Any]) -> CoverageCounts:
    if not rows:
        return CoverageCounts(0, 0)
    return CoverageCounts(rows[0]["eligible"], rows[0]["vaccinated"])


# -- Care gaps ------------------------------------------------------------------------------
def _care_gap(gap: CareGap, criteria: ActiveGrantCriteria) -> GraphTraversal:
    _require(criteria, gap.categories)
    eligible = __.unfold()
    if gap.condition is not None:
        eligible = eligible.where(_active_conditions(records(__.start(), [RecordCategory.CONDITION], gap.condition)))
    tested = records(__.start(), gap.test_categories, gap.test, _window(criteria.now_ms, gap.window_days))
    return _cohort(__.start(), criteria).fold().project("cohort", "eligible").by(
        __.count(Scope.local)
    ).by(
        eligible.fold().project("size", "met")
        .by(__.count(Scope.local))
        .by(__.unfold().where(tested).count())
    )


def care_gaps(g: GraphTraversalSource, gaps: list[tuple[CareGap, ActiveGrantCriteria]]) -> GraphTraversal:
    """Per gap, over its own cohort: the cohort's size, the eligible patients, and how many of
    them had the test in the window."""
    t = _grantee(g, gaps[0][1]).project(*(gap.id for gap, _ in gaps))
    for gap, criteria in gaps:
        t = t.by(_care_gap(gap, criteria))
    return t


def parse_care_gaps(rows: list[Any], gaps: Iterable[CareGap]) -> Mapping[str, CareGapCounts]:
    row = rows[0] if rows else {}
    counts = {}
    for gap in gaps:
        found = row.get(gap.id)
        counts[gap.id] = CareGapCounts(0, 0, 0) if found is None else CareGapCounts(
            found["cohort"], found["eligible"]["size"], found["eligible"]["met"])
    return counts
