"""Wellness tips: a table of rules over one patient's own records.

A rule has an id and a version (a changed threshold or wording is a new version, so a tip can
always be traced to the logic that made it), the record categories it reads, the value sets
it looks at, and an evaluation that returns a finding — the records that triggered it and the
details its message quotes — or nothing.

A rule runs only when the patient's active payor grants cover every category it reads, and
sees only records of those categories that are not ``unverified``: the payor program is
opt-in, category by category. Thresholds are inclusive ("at or above"); time windows count
back from the request's instant and include their first instant.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Iterable, Mapping, Optional

from model.categories import RecordCategory
from model.nodes import RecordNode
from model.numbers import value_number
from payor import codes, context, figures
from payor.codes import ValueSet
from payor.context import PopulationContext
from payor.insights import FigureGroup

LAB = RecordCategory.LAB
VITAL_SIGN = RecordCategory.VITAL_SIGN
CONDITION = RecordCategory.CONDITION
IMMUNIZATION = RecordCategory.IMMUNIZATION
ENCOUNTER = RecordCategory.ENCOUNTER
EPISODE = RecordCategory.EPISODE

YEAR = dt.timedelta(days=365)


@dataclasses.dataclass(frozen=True)
class RuleInput:
    now: dt.datetime
    birth_date: Optional[dt.date]
    records: tuple[RecordNode, ...]   # of the rule's categories, none unverified


@dataclasses.dataclass(frozen=True)
class Finding:
    evidence: tuple[RecordNode, ...]
    details: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    version: str
    title: str
    message: str                               # a template over the finding's details
    categories: frozenset[RecordCategory]
    value_sets: tuple[ValueSet, ...]
    evaluate: Callable[[RuleInput], Optional[Finding]]
    context: Optional[PopulationContext] = None


@dataclasses.dataclass(frozen=True)
class Tip:
    rule: Rule
    message: str
    evidence: tuple[RecordNode, ...]
    population_context: Optional[str] = None

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def rule_version(self) -> str:
        return self.rule.version

    @property
    def title(self) -> str:
        return self.rule.title


# -- Reading records ------------------------------------------------------------------------
def _dated(records: Iterable[RecordNode], value_set: ValueSet) -> list[RecordNode]:
    """Dated records of the value set, newest first (ties by id, for a stable answer)."""
    found = [r for r in records if r.effective_at is not None and value_set.matches(r.code)]
    found.sort(key=lambda r: r.id)
    found.sort(key=lambda r: r.effective_at, reverse=True)  # type: ignore[arg-type, return-value]
    return found


def _within(record: RecordNode, now: dt.datetime, window: dt.timedelta) -> bool:
    assert record.effective_at is not None
    return now - window <= record.effective_at <= now


def _latest_result(data: RuleInput, measure: figures.Measure) -> Optional[tuple[RecordNode, float]]:
    """The latest numeric result of the measure in its lookback, in one of its units."""
    window = dt.timedelta(days=measure.lookback_days)
    for record in _dated(data.records, measure.codes):
        if not _within(record, data.now, window):
            continue
        if measure.units and record.unit not in measure.units:
            continue
        number = value_number(record.value)
        if number is not None:
            return record, number
    return None


def _age_at_least(data: RuleInput, years: int = 0, months: int = 0) -> bool:
    """Unknown ages pass: a tip is better than none for a patient without a birth date."""
    if data.birth_date is None:
        return True
    today = data.now.date()
    return data.birth_date <= figures.months_before(figures.years_before(today, years), months)


def _day(record: RecordNode) -> str:
    assert record.effective_at is not None
    return record.effective_at.date().isoformat()


def _numeric_at_or_above(measure: figures.Measure, threshold: float,
                         min_age: int = 0) -> Callable[[RuleInput], Optional[Finding]]:
    def evaluate(data: RuleInput) -> Optional[Finding]:
        if not _age_at_least(data, years=min_age):
            return None
        latest = _latest_result(data, measure)
        if latest is None or latest[1] < threshold:
            return None
        record, _ = latest
        return Finding((record,), {"value": record.value or "", "date": _day(record)})
    return evaluate


def _due(value_set: ValueSet, window: dt.timedelta,
         min_age_months: int = 0) -> Callable[[RuleInput], Optional[Finding]]:
    """Fires when the latest record of the value set (a vaccine, a visit) is older than
    ``window``, or missing; the evidence is that latest record, if any."""
    def evaluate(data: RuleInput) -> Optional[Finding]:
        if not _age_at_least(data, months=min_age_months):
            return None
        done = [r for r in _dated(data.records, value_set) if r.effective_at <= data.now]  # type: ignore[operator]
        if done and _within(done[0], data.now, window):
            return None
        last = f"the last one on record: {_day(done[0])}" if done else "none on record"
        return Finding(tuple(done[:1]), {"last": last})
    return evaluate


# -- The rules ------------------------------------------------------------------------------
def _hba1c_without_diabetes(data: RuleInput) -> Optional[Finding]:
    finding = _numeric_at_or_above(figures.HBA1C, 6.5)(data)
    if finding is None:
        return None
    diagnosed = any(
        r.category is CONDITION and codes.DIABETES.matches(r.code) and r.status not in codes.NOT_A_DIAGNOSIS
        for r in data.records)
    return None if diagnosed else finding


SYSTOLIC_HIGH = 140.0
DIASTOLIC_HIGH = 90.0


def _pressures(record: RecordNode) -> tuple[Optional[float], Optional[float]]:
    """(systolic, diastolic) of a panel, or the one a single-component record carries."""
    if record.code == codes.SYSTOLIC:
        return value_number(record.value), None
    if record.code == codes.DIASTOLIC:
        return None, value_number(record.value)
    parts = {c.code: value_number(c.value) for c in record.components}
    return parts.get(codes.SYSTOLIC), parts.get(codes.DIASTOLIC)


def _reading(record: RecordNode) -> str:
    systolic, diastolic = _pressures(record)
    shown = [f"{v:g}" if v is not None else "?" for v in (systolic, diastolic)]
    return "/".join(shown)


def _blood_pressure_high(data: RuleInput) -> Optional[Finding]:
    """High (systolic ≥ 140 or diastolic ≥ 90) on at least two days in the last 12 months."""
    high = []
    for record in _dated(data.records, codes.BLOOD_PRESSURE):
        if not _within(record, data.now, YEAR):
            continue
        systolic, diastolic = _pressures(record)
        if (systolic is not None and systolic >= SYSTOLIC_HIGH) or \
                (diastolic is not None and diastolic >= DIASTOLIC_HIGH):
            high.append(record)
    days = {_day(r) for r in high}
    if len(days) < 2:
        return None
    return Finding(tuple(high), {"days": str(len(days)), "latest": _reading(high[0]), "date": _day(high[0])})


RULES: tuple[Rule, ...] = (
    Rule("influenza-vaccine-due", "1", "Influenza vaccine due",
         "No influenza vaccine is on record in the last 12 months ({last}). A flu vaccine every "
         "season is recommended for everyone 6 months and older.",
         frozenset({IMMUNIZATION}), (codes.INFLUENZA_VACCINE,),
         _due(codes.INFLUENZA_VACCINE, dt.timedelta(days=figures.INFLUENZA.window_days),
              figures.INFLUENZA.min_age_months),
         context.INFLUENZA_COVERAGE),
    Rule("hba1c-diabetes-range", "1", "HbA1c in the diabetes range",
         "Your latest HbA1c, {value}% on {date}, is 6.5% or more, and no diabetes diagnosis is on "
         "record. Ask your doctor whether a follow-up test is needed.",
         frozenset({LAB, CONDITION}), (codes.HBA1C, codes.DIABETES), _hba1c_without_diabetes,
         context.measure_share("HBA1C", FigureGroup.LAB_MEASURES, 6.5,
                               "About {percent}% of members in the program with a recent HbA1c "
                               "result have 6.5% or more.")),
    Rule("blood-pressure-high", "1", "High blood pressure, more than once",
         "Your blood pressure was 140/90 mmHg or higher on {days} days in the last 12 months "
         "(latest: {latest} on {date}). Ask your doctor about it.",
         frozenset({VITAL_SIGN}), (codes.BLOOD_PRESSURE,), _blood_pressure_high),
    Rule("ldl-high", "1", "High LDL cholesterol",
         "Your latest LDL cholesterol, {value} mg/dL on {date}, is 160 mg/dL or more. Ask your "
         "doctor about ways to lower it.",
         frozenset({LAB}), (codes.LDL_CHOLESTEROL,),
         _numeric_at_or_above(figures.LDL_CHOLESTEROL, 160),
         context.measure_share("LDL", FigureGroup.LAB_MEASURES, 160,
                               "About {percent}% of members in the program with a recent LDL "
                               "cholesterol result have 160 mg/dL or more.")),
    Rule("bmi-obesity", "1", "BMI of 30 or more",
         "Your latest BMI, {value} on {date}, is 30 or more. Your plan covers nutrition and "
         "activity programs that can help.",
         frozenset({VITAL_SIGN}), (codes.BMI,), _numeric_at_or_above(figures.BMI, 30, min_age=18),
         context.measure_share("BMI", FigureGroup.VITAL_SIGN_MEASURES, 30,
                               "About {percent}% of adult members in the program with a recent "
                               "BMI have 30 or more.")),
    Rule("wellness-visit-due", "1", "Wellness visit due",
         "No wellness visit is on record in the last 12 months ({last}). A yearly check-up is "
         "covered by your plan.",
         frozenset({ENCOUNTER, EPISODE}), (codes.WELLNESS_VISIT,), _due(codes.WELLNESS_VISIT, YEAR),
         context.WELLNESS_VISITS),
)


def runnable(rules: Iterable[Rule], covered: frozenset[RecordCategory]) -> tuple[Rule, ...]:
    """The rules the patient's payor grants let run."""
    return tuple(r for r in rules if r.categories <= covered)


def evaluate(rules: Iterable[Rule], records: Iterable[RecordNode], birth_date: Optional[dt.date],
             now: dt.datetime, covered: frozenset[RecordCategory]) -> list[Tip]:
    """The tips of the patient's own records, in the order of ``rules``."""
    usable = tuple(r for r in records if r.status != codes.UNVERIFIED)
    tips = []
    for rule in runnable(rules, covered):
        data = RuleInput(now, birth_date, tuple(r for r in usable if r.category in rule.categories))
        finding = rule.evaluate(data)
        if finding is not None:
            tips.append(Tip(rule, rule.message.format(**finding.details), finding.evidence))
    return tips
