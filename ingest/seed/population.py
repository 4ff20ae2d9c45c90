"""A synthetic population as model nodes, from a seed: pure and deterministic.

Every entity draws from its own ``random.Random`` seeded by (seed, kind, index), so the same
arguments give the same nodes, ids included, and asking for more patients extends the
population instead of reshuffling it. Patient charts are made on demand (``charts`` is a lazy
sequence), so a population of any size costs the memory of one chart at a time.

All dates are relative to ``now``, an input: the caller picks the anchor (see ``SEED_ANCHOR``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Callable, Iterator, Optional, Sequence, TypeVar, overload

from ingest.seed import catalog
from ingest.seed.catalog import Concept, Eligible, Measure
from model.categories import ALL_CATEGORIES, RecordCategory
from model.nodes import GrantNode, PatientNode, ProviderNode, RecordComponentData, RecordNode
from model.timeutil import UTC

# The anchor ``p360 seed`` passes as ``now``: fixed, not the wall clock, so the same arguments
# give the same graph on any day.
SEED_ANCHOR = dt.datetime(2026, 1, 1, tzinfo=UTC)

SOURCE = "seed"
DEFAULT_PAYOR_ID = "payor"
RECORD_HISTORY_YEARS = 5
GRANTABLE_CATEGORIES: tuple[RecordCategory, ...] = tuple(
    c for c in RecordCategory if c is not RecordCategory.EPISODE)  # every provider grant has EPISODE

# The share of each category among the records that are not a patient's diagnoses,
# treatments and allergies.
FILLER_MIX: tuple[tuple[RecordCategory, float], ...] = (
    (RecordCategory.LAB, 30), (RecordCategory.VITAL_SIGN, 24), (RecordCategory.ENCOUNTER, 12),
    (RecordCategory.IMMUNIZATION, 8), (RecordCategory.PROCEDURE, 8),
    (RecordCategory.MEDICATION, 5), (RecordCategory.CONDITION, 5), (RecordCategory.OTHER, 4),
    (RecordCategory.DOCUMENT, 2),
)
UNVERIFIED_SHARE = 0.02   # as if read from a photo and not yet confirmed
UNDATED_SHARE = 0.03
AUTHORED_SHARE = 0.75     # of records made at a visit, how many name the visit's provider


@dataclasses.dataclass(frozen=True, slots=True)
class SeedArgs:
    """The arguments of ``p360 seed``: what ``generate`` needs besides ``now``."""
    patients: int
    records_per_patient: int = 50
    providers: int = 20
    seed: int = 1


@dataclasses.dataclass(frozen=True, slots=True)
class PatientChart:
    """One patient and everything that hangs off them: the unit the writer lands atomically."""
    patient: PatientNode
    records: tuple[RecordNode, ...]
    grants: tuple[GrantNode, ...]


@dataclasses.dataclass(frozen=True)
class Population:
    seed: int
    now: dt.datetime
    payor_id: str
    providers: tuple[ProviderNode, ...]
    charts: Sequence[PatientChart]

    def patients(self) -> Iterator[PatientNode]:
        return (chart.patient for chart in self.charts)

    def records(self) -> Iterator[RecordNode]:
        return (record for chart in self.charts for record in chart.records)

    def grants(self) -> Iterator[GrantNode]:
        return (grant for chart in self.charts for grant in chart.grants)

    def provider(self, provider_id: str) -> Optional[ProviderNode]:
        return next((p for p in self.providers if p.id == provider_id), None)


def generate(patients: int, records_per_patient: int, providers: int, seed: int,
             now: dt.datetime, *, payor_id: str = DEFAULT_PAYOR_ID) -> Population:
    """The population of these arguments. ``now`` must be aware; it is kept to the second
    (the graph stores milliseconds). Payor grants name ``payor_id``."""
    if min(patients, records_per_patient, providers) < 0:
        raise ValueError("patients, records_per_patient and providers cannot be negative")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(UTC).replace(microsecond=0)
    roster = tuple(_provider(seed, index) for index in range(providers))
    world = _World(seed, now, payor_id, records_per_patient, roster)
    return Population(seed, now, payor_id, roster,
                      LazyCharts(patients, lambda index: _chart(world, index)))


def entity_id(seed: int, kind: str, *indexes: int) -> str:
    """``seed-<seed>-<kind>-<patient 000123>[-<n>]``; providers have four digits."""
    width = 4 if kind == "provider" else 6
    first, *rest = indexes
    return "-".join([f"seed-{seed}-{kind}-{first:0{width}d}", *(f"{n:04d}" for n in rest)])


class LazyCharts(Sequence[PatientChart]):
    """Charts made when asked for, never kept: index ``i`` is always the same chart."""

    def __init__(self, count: int, make: Callable[[int], PatientChart]):
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> PatientChart: ...
    @overload
    def __getitem__(self, index: slice) -> list[PatientChart]: ...

    def __getitem__(self, index: int | slice) -> PatientChart | list[PatientChart]:
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._make(index)

    def __iter__(self) -> Iterator[PatientChart]:
        return (self._make(i) for i in range(self._count))

    def __eq__(self, other: object) -> bool:
        # Equal when they hold equal charts, generated or not (a Population compares by them).
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]


# -- Randomness ----------------------------------------------------------------------------
def _rng(seed: int, kind: str, index: int) -> random.Random:
    # A str seed goes through SHA-512: the same stream in every process, whatever
    # PYTHONHASHSEED is, and unrelated streams for neighbouring indexes.
    return random.Random(f"p360-seed:{seed}:{kind}:{index}")


_T = TypeVar("_T")


def _weighted(rng: random.Random, options: Sequence[tuple[_T, float]]) -> _T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _seconds(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A whole-second instant in [start, end]."""
    span = max(0, int((end - start).total_seconds()))
    return start + dt.timedelta(seconds=rng.randint(0, span))


# -- Providers -----------------------------------------------------------------------------
def _provider(seed: int, index: int) -> ProviderNode:
    rng = _rng(seed, "provider", index)
    first = rng.choice(rng.choice((catalog.FEMALE_FIRST_NAMES, catalog.MALE_FIRST_NAMES)))
    first_nine = str(rng.randint(1, 2)) + f"{rng.randrange(10**8):08d}"
    return ProviderNode(
        id=entity_id(seed, "provider", index),
        name=f"Dr. {first} {rng.choice(catalog.LAST_NAMES)}",
        npi=first_nine + str(npi_check_digit(first_nine)),
        specialty=_weighted(rng, catalog.SPECIALTIES),
        source=SOURCE,
    )


def npi_check_digit(first_nine: str) -> int:
    """The NPI's tenth digit: Luhn over the digits prefixed with 80840 (the card issuer
    prefix the NPI standard assigns), so generated NPIs pass real validators."""
    total = 0
    for position, char in enumerate(reversed("80840" + first_nine)):
        digit = int(char)
        if position % 2 == 0:   # the check digit will sit to the right: double from here
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10


# -- Patients ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class _World:
    seed: int
    now: dt.datetime
    payor_id: str
    records_per_patient: int
    providers: tuple[ProviderNode, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Profile:
    """What drives a patient's records: who they are and what they have."""
    patient: PatientNode
    birth: dt.date
    sex: Optional[str]                 # "female" / "male" for sex-specific care, else None
    conditions: dict[str, bool]        # chronic condition key → diagnosed
    adult_height_cm: float
    adult_bmi: float
    smoking: str
    history_start: dt.datetime
    history_end: dt.datetime

    def age_at(self, when: dt.datetime) -> float:
        return (when.date() - self.birth).days / 365.2425

    def has(self, condition_key: Optional[str]) -> bool:
        return condition_key is not None and condition_key in self.conditions


def _chart(world: _World, index: int) -> PatientChart:
    profile = _profile(world, index)
    team_rng = _rng(world.seed, "care-team", index)
    granted, team = _care_team(team_rng, world)
    grants = _grants(team_rng, world, index, profile.patient.id, granted)
    records = _records(_rng(world.seed, "records", index), world, index, profile, team)
    return PatientChart(profile.patient, records, grants)


def _profile(world: _World, index: int) -> _Profile:
    rng = _rng(world.seed, "patient", index)
    gender = _weighted(rng, catalog.GENDERS)
    names = {"female": catalog.FEMALE_FIRST_NAMES, "male": catalog.MALE_FIRST_NAMES}.get(
        gender) or rng.choice((catalog.FEMALE_FIRST_NAMES, catalog.MALE_FIRST_NAMES))
    low, high, _ = _weighted(rng, [(band, band[2]) for band in catalog.AGE_BANDS])
    age = rng.randint(low, high)
    birth = world.now.date() - dt.timedelta(days=int(age * 365.2425) + rng.randrange(1, 366))
    born_at = dt.datetime(birth.year, birth.month, birth.day, tzinfo=UTC)

    deceased_at = None
    if rng.random() < max(share for min_age, share in catalog.DECEASED_SHARE if age >= min_age):
        deceased_at = max(world.now - dt.timedelta(days=rng.randint(30, 4 * 365)),
                          born_at + dt.timedelta(days=1))
        deceased_at = _seconds(rng, deceased_at, min(deceased_at + dt.timedelta(hours=23), world.now))

    conditions = _conditions(rng, age)
    sex = gender if gender in ("female", "male") else None
    height_mean, height_sd = {"female": (162, 7), "male": (176, 7.5)}.get(gender, (169, 9))
    obese = "obesity" in conditions
    bmi = rng.gauss(*(catalog.OBESE_BMI if obese else catalog.BMI.usual))
    bmi = max(30.0, bmi) if obese else min(max(17.5, bmi), 29.9)

    patient = PatientNode(
        id=entity_id(world.seed, "patient", index),
        name=f"{rng.choice(names)} {rng.choice(catalog.LAST_NAMES)}",
        birth_date=birth,
        gender=gender,
        deceased_at=deceased_at,
        source=SOURCE,
    )
    history_end = deceased_at or world.now
    history_start = max(world.now - dt.timedelta(days=round(RECORD_HISTORY_YEARS * 365.2425)),
                        born_at)
    return _Profile(
        patient=patient, birth=birth, sex=sex, conditions=conditions,
        adult_height_cm=rng.gauss(height_mean, height_sd), adult_bmi=bmi,
        smoking=_weighted(rng, catalog.SMOKING_VALUES) if age >= 12 else "Never smoker",
        history_start=min(history_start, history_end), history_end=history_end,
    )


def _conditions(rng: random.Random, age: int) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for condition in catalog.CHRONIC_CONDITIONS:
        if age < condition.min_age:
            continue
        chance = condition.prevalence
        if condition.aggravated_by in found:
            chance *= 2
        if condition.min_age >= 25:
            chance *= min(2.0, 0.3 + age / 50)   # adult chronic disease grows with age
        if rng.random() < min(chance, 0.9):
            found[condition.key] = rng.random() >= condition.undiagnosed
    return found


# -- Care team and grants ------------------------------------------------------------------
def _care_team(rng: random.Random, world: _World) -> tuple[list[ProviderNode], list[ProviderNode]]:
    """(providers the patient grants access to, providers who see the patient): a patient
    grants 0–3 providers, who are part of a care team of at least one."""
    granted_count = _weighted(rng, ((0, 15), (1, 45), (2, 28), (3, 12)))
    team_size = min(len(world.providers), max(1, granted_count) + (rng.random() < 0.3))
    team = rng.sample(world.providers, team_size)
    return team[:granted_count], team


def _grants(rng: random.Random, world: _World, index: int, patient_id: str,
            grantees: list[ProviderNode]) -> tuple[GrantNode, ...]:
    now = world.now
    grants = []
    for number, provider in enumerate(grantees, start=1):
        all_categories = rng.random() < 0.3
        categories = ALL_CATEGORIES if all_categories else frozenset(
            rng.sample(GRANTABLE_CATEGORIES, rng.randint(1, 6)))
        duration = dt.timedelta(days=rng.randint(30, 365))
        state = rng.random()
        revoked_at = None
        if state < 0.8:     # active: expires ``duration`` from now
            created_at = now - dt.timedelta(days=rng.randint(0, 120), seconds=rng.randint(1, 86399))
            expires_at = now + duration
        elif state < 0.9:   # ran out
            expires_at = now - dt.timedelta(days=rng.randint(1, 90), seconds=rng.randint(0, 86399))
            created_at = expires_at - duration
        else:               # withdrawn by the patient
            created_at = now - dt.timedelta(days=rng.randint(1, 120), seconds=rng.randint(1, 86399))
            expires_at = created_at + duration
            revoked_at = _seconds(rng, created_at, now)
        grants.append(GrantNode(
            id=entity_id(world.seed, "grant", index, number), patient_id=patient_id,
            grantee_id=provider.id, grantee_type="Provider", categories=categories,
            all_categories=all_categories, created_at=created_at, expires_at=expires_at,
            revoked_at=revoked_at,
        ))
    if rng.random() < 0.6:
        # Joining the payor's program is a plan-year decision: longer than a provider grant.
        created_at = now - dt.timedelta(days=rng.randint(30, 700), seconds=rng.randint(0, 86399))
        grants.append(GrantNode(
            id=f"{entity_id(world.seed, 'grant', index)}-payor", patient_id=patient_id,
            grantee_id=world.payor_id, grantee_type="Payor", categories=ALL_CATEGORIES,
            all_categories=True, created_at=created_at,
            expires_at=now + dt.timedelta(days=rng.randint(180, 3 * 365)),
            revoked_at=_seconds(rng, created_at, now) if rng.random() < 0.05 else None,
        ))
    return tuple(grants)


# -- Record content ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Content:
    """What a record says, apart from whose it is, when and by whom."""
    concept: Concept
    value: Optional[str] = None
    unit: Optional[str] = None
    components: tuple[RecordComponentData, ...] = ()
    reference_range: Optional[str] = None
    interpretation: Optional[str] = None
    text: Optional[str] = None


def measured(measure: Measure, value: float, *, with_range: bool = True) -> Content:
    value = measure.clip(value)
    return Content(
        measure.concept, measure.format(value), measure.unit,
        reference_range=measure.reference_range() if with_range else None,
        interpretation=measure.interpretation(value) if with_range else None,
    )


def blood_pressure(systolic: int, diastolic: int, *, with_range: bool = True) -> Content:
    return Content(
        catalog.BP_PANEL, f"{systolic}/{diastolic}", catalog.BP_UNIT,
        components=(
            RecordComponentData(catalog.SYSTOLIC.code, catalog.SYSTOLIC.system,
                                catalog.SYSTOLIC.display, str(systolic), catalog.BP_UNIT),
            RecordComponentData(catalog.DIASTOLIC.code, catalog.DIASTOLIC.system,
                                catalog.DIASTOLIC.display, str(diastolic), catalog.BP_UNIT),
        ),
        reference_range=catalog.BP_REFERENCE_RANGE if with_range else None,
        interpretation=catalog.bp_interpretation(systolic, diastolic) if with_range else None,
    )


def record_node(record_id: str, patient_id: str, category: RecordCategory, content: Content,
                effective_at: Optional[dt.datetime], author_id: Optional[str],
                status: str = "final") -> RecordNode:
    return RecordNode(
        id=record_id, patient_id=patient_id, category=category,
        code=content.concept.code, system=content.concept.system, display=content.concept.display,
        value=content.value, unit=content.unit, components=content.components,
        reference_range=content.reference_range, interpretation=content.interpretation,
        status=status, effective_at=effective_at, source=SOURCE, author_id=author_id,
        text=content.text, fhir_type=catalog.FHIR_TYPES[category],
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _Moment:
    """Where a record is made: the patient, the instant (None: undated), their age then."""
    rng: random.Random
    profile: _Profile
    at: Optional[dt.datetime]
    age: float

    def eligible(self, options: Sequence[Eligible]) -> Optional[Concept]:
        year = self.at.year if self.at else 9999
        fitting = [o for o in options if o.min_age <= self.age <= o.max_age
                   and (o.sex is None or o.sex == self.profile.sex) and year >= o.since_year]
        return self.rng.choices([o.concept for o in fitting],
                                weights=[o.weight for o in fitting])[0] if fitting else None

    def sample(self, measure: Measure) -> float:
        # An affected patient's values usually show it; treatment and chance sometimes don't.
        affected = self.profile.has(measure.driven_by) and self.rng.random() < 0.8
        mean, sd = measure.affected if affected and measure.affected else measure.usual
        return self.rng.gauss(mean, sd)


def _lab(m: _Moment) -> Optional[Content]:
    options = [lab for lab in catalog.LABS if m.age >= lab.min_age]
    if not options:
        return None
    lab = m.rng.choice(options)
    return measured(lab, m.sample(lab))


def _vital(m: _Moment) -> Content:
    kind = m.rng.choices(("bp", "body", "other"), weights=(4, 3, 3))[0]
    if kind == "bp" and m.age >= 3:
        return _blood_pressure(m)
    if kind == "body":
        return _body_measure(m)
    vital = m.rng.choice(catalog.VITALS)
    return measured(vital, m.sample(vital))


def _blood_pressure(m: _Moment) -> Content:
    if m.age < 13:
        (s_mean, s_sd), (d_mean, d_sd) = (102, 8), (62, 6)
    else:
        hypertensive = m.profile.has("hypertension") and m.rng.random() < 0.75
        (s_mean, s_sd), (d_mean, d_sd) = catalog.BP_HYPERTENSIVE if hypertensive else catalog.BP_USUAL
        s_mean += max(0.0, m.age - 40) * 0.25   # systolic pressure rises with age
    systolic = round(m.rng.gauss(s_mean, s_sd))
    diastolic = round(min(m.rng.gauss(d_mean, d_sd), systolic - 20))
    # A child's pressure is judged by percentiles for age and height, not the adult range.
    return blood_pressure(systolic, diastolic, with_range=m.age >= 13)


# Share of adult height reached by age (years): a coarse growth curve.
_GROWTH = ((0, 0.30), (1, 0.44), (2, 0.50), (5, 0.63), (10, 0.81), (14, 0.94), (18, 1.0))


def _growth_share(age: float) -> float:
    for (a0, s0), (a1, s1) in zip(_GROWTH, _GROWTH[1:]):
        if age < a1:
            return s0 + (s1 - s0) * (max(age, a0) - a0) / (a1 - a0)
    return 1.0


def _body_measure(m: _Moment) -> Content:
    """Height, weight or BMI from the patient's build, so the three always agree. Children's
    BMI is judged by percentiles, not the adult range, so theirs carries no range or flag."""
    adult = m.age >= 18
    height = m.profile.adult_height_cm * _growth_share(m.age) + m.rng.gauss(0, 0.4)
    bmi = m.profile.adult_bmi if adult else 16 + (m.profile.adult_bmi - 24) * 0.5
    bmi += m.rng.gauss(0, 0.6)
    measure = m.rng.choice(catalog.BODY_MEASURES)
    value = {catalog.BODY_HEIGHT: height, catalog.BMI: bmi,
             catalog.BODY_WEIGHT: bmi * (height / 100) ** 2}[measure]
    return measured(measure, value, with_range=adult and measure is catalog.BMI)


def _encounter(m: _Moment) -> Optional[Content]:
    concept = m.eligible(catalog.ENCOUNTERS)
    return Content(concept) if concept else None


def _immunization(m: _Moment) -> Optional[Content]:
    concept = m.eligible(catalog.IMMUNIZATIONS)
    return Content(concept, text="Completed") if concept else None


def _procedure(m: _Moment) -> Optional[Content]:
    concept = m.eligible(catalog.PROCEDURES)
    return Content(concept) if concept else None


def _acute_condition(m: _Moment) -> Optional[Content]:
    options = [c for c in catalog.ACUTE_CONDITIONS if m.age <= c.max_age]
    return Content(m.rng.choice(options).concept, text="Resolved") if options else None


def _chronic_medications(profile: _Profile) -> list[Concept]:
    return [medication for condition in catalog.CHRONIC_CONDITIONS
            if profile.conditions.get(condition.key) for medication in condition.medications]


def _medication(m: _Moment) -> Content:
    options = _chronic_medications(m.profile) + [
        medication for condition in catalog.ACUTE_CONDITIONS for medication in condition.medications]
    if m.age >= 50:
        options.append(catalog.ASPIRIN)
    return medication_content(m.rng.choice(options))


def medication_content(medication: Concept) -> Content:
    return Content(medication, text=catalog.DOSAGE_TEXT[medication])


def _other(m: _Moment) -> Optional[Content]:
    if m.age >= catalog.PHQ2.min_age and m.rng.random() < 0.25:
        return measured(catalog.PHQ2, m.sample(catalog.PHQ2))
    return Content(catalog.SMOKING_STATUS, value=m.profile.smoking)


def _document(m: _Moment) -> Content:
    concept = m.rng.choice(catalog.DOCUMENTS)
    return Content(concept, text=f"{concept.display} for {m.profile.patient.name}")


FILLERS: dict[RecordCategory, Callable[[_Moment], Optional[Content]]] = {
    RecordCategory.LAB: _lab,
    RecordCategory.VITAL_SIGN: _vital,
    RecordCategory.ENCOUNTER: _encounter,
    RecordCategory.IMMUNIZATION: _immunization,
    RecordCategory.PROCEDURE: _procedure,
    RecordCategory.MEDICATION: _medication,
    RecordCategory.CONDITION: _acute_condition,
    RecordCategory.OTHER: _other,
    RecordCategory.DOCUMENT: _document,
}


# -- Records -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class _Visit:
    at: dt.datetime
    author_id: Optional[str]


def _visits(rng: random.Random, profile: _Profile, team: list[ProviderNode],
            count: int) -> list[_Visit]:
    """Days the patient was seen: records cluster on them, as labs and vitals of one visit do."""
    visits = []
    for _ in range(count):
        at = _seconds(rng, profile.history_start, profile.history_end)
        in_office_hours = at.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0)
        if profile.history_start <= in_office_hours <= profile.history_end:
            at = in_office_hours
        visits.append(_Visit(at, rng.choice(team).id if team else None))
    return visits


def _records(rng: random.Random, world: _World, index: int, profile: _Profile,
             team: list[ProviderNode]) -> tuple[RecordNode, ...]:
    count = world.records_per_patient
    visits = _visits(rng, profile, team, max(2, count // 6))
    patient_id = profile.patient.id
    records: list[RecordNode] = []

    def add(category: RecordCategory, content: Content, at: Optional[dt.datetime],
            author_id: Optional[str]) -> None:
        status = "unverified" if rng.random() < UNVERIFIED_SHARE else "final"
        records.append(record_node(entity_id(world.seed, "record", index, len(records)),
                                   patient_id, category, content, at, author_id, status))

    def at_a_visit() -> tuple[Optional[dt.datetime], Optional[str]]:
        visit = rng.choice(visits)
        at = min(visit.at + dt.timedelta(minutes=rng.randint(0, 60)), profile.history_end)
        return at, visit.author_id if rng.random() < AUTHORED_SHARE else None

    # What the patient lives with comes first, so even a short chart has it.
    for condition in catalog.CHRONIC_CONDITIONS:
        if profile.conditions.get(condition.key):
            add(RecordCategory.CONDITION, Content(condition.concept, text="Active"), *at_a_visit())
            if condition.medications and rng.random() < 0.85:
                add(RecordCategory.MEDICATION,
                    medication_content(rng.choice(condition.medications)), *at_a_visit())
    for allergy in rng.sample(catalog.ALLERGIES, _weighted(rng, ((0, 70), (1, 22), (2, 8)))):
        # Allergies are often reported by the patient, with no date attached.
        at, author_id = at_a_visit() if rng.random() < 0.5 else (None, None)
        add(RecordCategory.ALLERGY, Content(
            allergy.concept, text=f"Reaction: {rng.choice(allergy.reactions)}; "
                                  f"criticality: {allergy.criticality}"), at, author_id)
    del records[count:]

    while len(records) < count:
        at, author_id = (None, None) if rng.random() < UNDATED_SHARE else at_a_visit()
        moment = _Moment(rng, profile, at, profile.age_at(at or profile.history_end))
        category = _weighted(rng, FILLER_MIX)
        content = FILLERS[category](moment)
        if content is None:     # nothing of that kind fits this patient then: take a vital
            category, content = RecordCategory.VITAL_SIGN, _vital(moment)
        add(category, content, at, author_id)
    return tuple(records)
