"""Population insights: the counts the graph returns for each figure group, and the figures the
payor sees once they are suppressed (``payor.suppression``).

Each group is suppressed on its own: no relation ties cells of two groups (their cohorts differ
by the categories the grants cover), so a group computed alone — for a wellness tip's
population context — publishes exactly what it publishes in the full answer.
"""
from __future__ import annotations

import asyncio

import dataclasses
import enum
from typing import Any, Awaitable, Callable, Hashable, Iterable, Mapping, Optional

from payor import figures
from payor.figures import CareGap, Measure
from payor.suppression import THRESHOLD, Cell, Relation, suppress


class FigureGroup(enum.Enum):
    """Figures computed together: one traversal each, over one cohort."""

    DEMOGRAPHICS = "DEMOGRAPHICS"
    CONDITIONS = "CONDITIONS"
    LAB_MEASURES = "LAB_MEASURES"
    VITAL_SIGN_MEASURES = "VITAL_SIGN_MEASURES"
    INFLUENZA = "INFLUENZA"
    CARE_GAPS = "CARE_GAPS"


# -- What the graph counts ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DemographicCounts:
    members: int                      # living members: not consent data
    authorizing: int
    age_bands: Mapping[str, int]      # band label (or UNKNOWN_AGE) → authorizing members
    genders: Mapping[str, int]


@dataclasses.dataclass(frozen=True, slots=True)
class ConditionTally:
    code: str
    system: Optional[str]
    display: Optional[str]
    patients: int


@dataclasses.dataclass(frozen=True)
class ConditionCounts:
    cohort: int
    conditions: tuple[ConditionTally, ...]


@dataclasses.dataclass(frozen=True)
class MeasureCounts:
    cohort: int
    bands: Mapping[tuple[str, str], int]   # (measure key, band label) → members; absent: 0


@dataclasses.dataclass(frozen=True)
class CoverageCounts:
    eligible: int
    vaccinated: int


@dataclasses.dataclass(frozen=True, slots=True)
class CareGapCounts:
    cohort: int
    eligible: int
    met: int       # eligible members who had the test in the window


# -- What the payor sees --------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class AgeBandFigure:
    label: str
    min_age: Optional[int]
    max_age: Optional[int]
    patients: Cell


@dataclasses.dataclass(frozen=True, slots=True)
class GenderFigure:
    gender: str
    patients: Cell


@dataclasses.dataclass(frozen=True)
class Demographics:
    total_members: int
    authorizing: Cell
    age_bands: tuple[AgeBandFigure, ...]
    genders: tuple[GenderFigure, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class ConditionFigure:
    code: str
    system: Optional[str]
    display: Optional[str]
    patients: Cell


@dataclasses.dataclass(frozen=True)
class Conditions:
    cohort: Cell
    top: tuple[ConditionFigure, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class BandFigure:
    label: str
    low: Optional[float]
    high: Optional[float]
    patients: Cell


@dataclasses.dataclass(frozen=True)
class MeasureFigure:
    measure: Measure
    cohort: Cell
    tested: Cell
    bands: tuple[BandFigure, ...]

    def share_at_or_above(self, value: float) -> Optional[float]:
        """The share of tested members whose result is at least ``value`` (a band boundary),
        when the published cells give it: the bands at or above it all shown, or else the
        bands below it all shown (the rest of ``tested``). Nothing the answer does not
        already disclose; None when it cannot be told or nobody was tested."""
        tested = self.tested.value
        above = [b.patients for b in self.bands if b.low is not None and b.low >= value]
        below = [b.patients for b in self.bands if not (b.low is not None and b.low >= value)]
        if not tested:
            return None
        if all(c.value is not None for c in above):
            return sum(c.value or 0 for c in above) / tested
        if all(c.value is not None for c in below):
            return (tested - sum(c.value or 0 for c in below)) / tested
        return None


@dataclasses.dataclass(frozen=True)
class InfluenzaFigure:
    eligible: Cell
    vaccinated: Cell
    unvaccinated: Cell


@dataclasses.dataclass(frozen=True)
class CareGapFigure:
    gap: CareGap
    cohort: Cell
    eligible: Cell
    with_gap: Cell
    without_gap: Cell


@dataclasses.dataclass(frozen=True)
class Figures:
    """The groups one request computed (None: not asked for)."""

    demographics: Optional[Demographics] = None
    conditions: Optional[Conditions] = None
    lab_measures: Optional[tuple[MeasureFigure, ...]] = None
    vital_sign_measures: Optional[tuple[MeasureFigure, ...]] = None
    influenza: Optional[InfluenzaFigure] = None
    care_gaps: Optional[tuple[CareGapFigure, ...]] = None

    def measure(self, key: str) -> Optional[MeasureFigure]:
        measures = (self.lab_measures or ()) + (self.vital_sign_measures or ())
        return next((m for m in measures if m.measure.key == key), None)

    def care_gap(self, gap_id: str) -> Optional[CareGapFigure]:
        return next((c for c in self.care_gaps or () if c.gap.id == gap_id), None)


# -- Publishing -----------------------------------------------------------------------------
def publish_demographics(counts: DemographicCounts) -> Demographics:
    ages = [b.label for b in figures.AGE_BANDS] + [figures.UNKNOWN_AGE]
    cells: dict[Hashable, int] = {"authorizing": counts.authorizing}
    cells.update({("age", a): counts.age_bands.get(a, 0) for a in ages})
    cells.update({("gender", g): counts.genders.get(g, 0) for g in figures.GENDERS})
    shown = suppress(cells, [
        Relation("authorizing", tuple(("age", a) for a in ages)),
        Relation("authorizing", tuple(("gender", g) for g in figures.GENDERS)),
    ])
    bands = [AgeBandFigure(b.label, b.min_age, b.max_age, shown["age", b.label]) for b in figures.AGE_BANDS]
    bands.append(AgeBandFigure(figures.UNKNOWN_AGE, None, None, shown["age", figures.UNKNOWN_AGE]))
    return Demographics(
        total_members=counts.members,
        authorizing=shown["authorizing"],
        age_bands=tuple(bands),
        genders=tuple(GenderFigure(g, shown["gender", g]) for g in figures.GENDERS),
    )


def publish_conditions(counts: ConditionCounts, limit: int = figures.TOP_CONDITIONS) -> Conditions:
    """The most common conditions among those with more than ``THRESHOLD`` patients: a rare
    diagnosis is not listed at all, not even with a suppressed count."""
    common = sorted((c for c in counts.conditions if c.patients > THRESHOLD),
                    key=lambda c: (-c.patients, c.code))[:limit]
    cohort = suppress({"cohort": counts.cohort})["cohort"]
    return Conditions(cohort, tuple(
        ConditionFigure(c.code, c.system, c.display, Cell.shown(c.patients)) for c in common))


def publish_measures(measures: tuple[Measure, ...], counts: MeasureCounts) -> tuple[MeasureFigure, ...]:
    cells: dict[Hashable, int] = {"cohort": counts.cohort}
    relations = []
    for m in measures:
        band_keys = tuple((m.key, b.label) for b in m.bands)
        cells.update({k: counts.bands.get(k, 0) for k in band_keys})
        cells[m.key, "tested"] = sum(cells[k] for k in band_keys)
        relations.append(Relation((m.key, "tested"), band_keys))
    shown = suppress(cells, relations)
    return tuple(
        MeasureFigure(m, shown["cohort"], shown[m.key, "tested"], tuple(
            BandFigure(b.label, b.low, b.high, shown[m.key, b.label]) for b in m.bands))
        for m in measures)


def publish_influenza(counts: CoverageCounts) -> InfluenzaFigure:
    shown = suppress(
        {"eligible": counts.eligible, "vaccinated": counts.vaccinated,
         "unvaccinated": counts.eligible - counts.vaccinated},
        [Relation("eligible", ("vaccinated", "unvaccinated"))])
    return InfluenzaFigure(shown["eligible"], shown["vaccinated"], shown["unvaccinated"])


def publish_care_gaps(gaps: tuple[CareGap, ...], counts: Mapping[str, CareGapCounts]) -> tuple[CareGapFigure, ...]:
    published = []
    for gap in gaps:
        c = counts[gap.id]
        shown = suppress(
            {"cohort": c.cohort, "eligible": c.eligible, "with": c.eligible - c.met, "without": c.met},
            [Relation("eligible", ("with", "without"))])
        published.append(CareGapFigure(gap, shown["cohort"], shown["eligible"], shown["with"], shown["without"]))
    return tuple(published)


async def gather_figures(groups: Iterable[FigureGroup], one: Callable[[FigureGroup], Awaitable[Any]]) -> Figures:
    """``Figures`` with the groups asked for (each from ``one``, all at once), the others left out."""
    wanted = list(dict.fromkeys(groups))
    results = await asyncio.gather(*(one(g) for g in wanted))
    return Figures(**{_FIGURES_FIELD[g]: r for g, r in zip(wanted, results)})


_FIGURES_FIELD = {
    FigureGroup.DEMOGRAPHICS: "demographics",
    FigureGroup.CONDITIONS: "conditions",
    FigureGroup.LAB_MEASURES: "lab_measures",
    FigureGroup.VITAL_SIGN_MEASURES: "vital_sign_measures",
    FigureGroup.INFLUENZA: "influenza",
    FigureGroup.CARE_GAPS: "care_gaps",
}
