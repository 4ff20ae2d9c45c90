"""What the population insights count: the age bands, the measures and their clinical bands,
influenza coverage and the care gaps. Data, so that adding a test or a gap is one entry."""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from typing import Optional

from model.categories import RecordCategory
from payor import codes
from payor.codes import ValueSet

LAB = RecordCategory.LAB
VITAL_SIGN = RecordCategory.VITAL_SIGN


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February): whoever was
    born on or before it is at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` earlier, or that month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return dt.date(year, month_index + 1, min(day.day, last_day))


# -- Demographics ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class AgeBand:
    label: str
    min_age: int
    max_age: Optional[int]   # inclusive; None: no upper bound


AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("0-17", 0, 17), AgeBand("18-34", 18, 34), AgeBand("35-49", 35, 49),
    AgeBand("50-64", 50, 64), AgeBand("65-79", 65, 79), AgeBand("80+", 80, None),
)
UNKNOWN_AGE = "unknown"     # no birth date on record
# FHIR administrative gender; any other value, or none, counts as "unknown".
GENDERS: tuple[str, ...] = ("female", "male", "other", "unknown")
UNKNOWN_GENDER = "unknown"


# -- Measures -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Band:
    label: str
    low: Optional[float]    # inclusive; None: no lower bound
    high: Optional[float]   # exclusive; None: no upper bound

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


@dataclasses.dataclass(frozen=True, slots=True)
class Measure:
    """A numeric result counted per member: their latest one within ``lookback_days``, in one
    of ``bands`` (ascending, contiguous, open at both ends)."""

    key: str
    name: str
    category: RecordCategory
    codes: ValueSet
    unit: str
    bands: tuple[Band, ...]
    units: tuple[str, ...] = ()   # only results in one of these units count; empty: any unit
    lookback_days: int = 730
    min_age: int = 0              # members younger than this on the day are not counted

    def __post_init__(self) -> None:
        bounds = [(b.low, b.high) for b in self.bands]
        if bounds[0][0] is not None or bounds[-1][1] is not None:
            raise ValueError(f"{self.key}: the bands must be open at both ends")
        if any(a[1] != b[0] for a, b in zip(bounds, bounds[1:])):
            raise ValueError(f"{self.key}: the bands must be ascending and contiguous")

    def band_of(self, value: float) -> Band:
        return next(b for b in self.bands if b.contains(value))


HBA1C = Measure("HBA1C", "HbA1c", LAB, codes.HBA1C, "%", (
    Band("below 5.7", None, 5.7), Band("5.7 to 6.4", 5.7, 6.5), Band("6.5 or more", 6.5, None)))
LDL_CHOLESTEROL = Measure("LDL", "LDL cholesterol", LAB, codes.LDL_CHOLESTEROL, "mg/dL", (
    Band("below 100", None, 100), Band("100 to 129", 100, 130), Band("130 to 159", 130, 160),
    Band("160 to 189", 160, 190), Band("190 or more", 190, None)),
    units=("mg/dL", "mg/dl", "MG/DL"))
EGFR = Measure("EGFR", "eGFR", LAB, codes.EGFR, "mL/min/1.73m2", (
    Band("below 15", None, 15), Band("15 to 29", 15, 30), Band("30 to 44", 30, 45),
    Band("45 to 59", 45, 60), Band("60 to 89", 60, 90), Band("90 or more", 90, None)))
# Adult bands: children's BMI is judged by percentiles, so only adults are counted.
BMI = Measure("BMI", "BMI", VITAL_SIGN, codes.BMI, "kg/m2", (
    Band("below 18.5", None, 18.5), Band("18.5 to 24.9", 18.5, 25), Band("25 to 29.9", 25, 30),
    Band("30 to 34.9", 30, 35), Band("35 to 39.9", 35, 40), Band("40 or more", 40, None)),
    min_age=18)

LAB_MEASURES: tuple[Measure, ...] = (HBA1C, LDL_CHOLESTEROL, EGFR)
VITAL_SIGN_MEASURES: tuple[Measure, ...] = (BMI,)


# -- Influenza coverage ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Coverage:
    vaccine: ValueSet
    window_days: int
    min_age_months: int   # younger members are not eligible yet


INFLUENZA = Coverage(codes.INFLUENZA_VACCINE, window_days=365, min_age_months=6)


# -- Care gaps ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class CareGap:
    """Members with ``condition`` (every member when None) and no ``test`` record of
    ``test_categories`` in the last ``window_days``."""

    id: str
    title: str
    description: str
    condition: Optional[ValueSet]
    test: ValueSet
    test_categories: frozenset[RecordCategory]
    window_days: int

    @property
    def categories(self) -> frozenset[RecordCategory]:
        """What a member's grant must cover to be counted."""
        condition = {RecordCategory.CONDITION} if self.condition is not None else set()
        return self.test_categories | condition


CARE_GAPS: tuple[CareGap, ...] = (
    CareGap("diabetes-hba1c", "Diabetes without a recent HbA1c",
            "Members with active diabetes and no HbA1c result in the last 183 days (6 months).",
            codes.DIABETES, codes.HBA1C, frozenset({LAB}), 183),
    CareGap("hypertension-blood-pressure", "Hypertension without a recent blood pressure",
            "Members with active hypertension and no blood pressure reading in the last 365 days.",
            codes.HYPERTENSION, codes.BLOOD_PRESSURE, frozenset({VITAL_SIGN}), 365),
    CareGap("wellness-visit", "No wellness visit in 12 months",
            "Members without a wellness visit (check-up, well-child or annual wellness visit) as an "
            "encounter or episode of care in the last 365 days.",
            None, codes.WELLNESS_VISIT, frozenset({RecordCategory.ENCOUNTER, RecordCategory.EPISODE}), 365),
)

TOP_CONDITIONS = 10
