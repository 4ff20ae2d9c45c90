"""The payor program: population insights (the payor's view, counts only) and wellness tips (the
patient's view)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import strawberry
from strawberry.types import Info

import resolvers.insights
from payor.figures import AGE_BANDS
from payor.insights import CareGapFigure, MeasureFigure
from payor.rules import Tip
from payor.suppression import THRESHOLD
from resolvers.context import invoke
from schema.enums import RecordCategory
from schema.record import Record

LIVING = "Counts only members alive at `asOf`."
SUPPRESSED = f"Suppressed (null) when 1 to {THRESHOLD} patients, or to protect a suppressed cell."


@strawberry.type(description=f"A number of patients as published to the payor. No count of 1 to {THRESHOLD} "
                             "patients is published (small-cell suppression), and a count that, with the totals "
                             "and other counts of the same answer, would give a suppressed one away is suppressed "
                             "too (complementary suppression). Zero is shown.")
class CohortCount:
    value: Optional[int] = strawberry.field(description="The number of patients; null when suppressed.")
    suppressed: bool = strawberry.field(description="Whether the number is withheld.")


@strawberry.type(description="Authorizing members in one age band (age on the UTC date of `asOf`).")
class AgeBandCount:
    label: str = strawberry.field(description=f"e.g. `18-34`, `80+`; `unknown` for members without a birth date. "
                                              f"Bands: {', '.join(b.label for b in AGE_BANDS)}, unknown.")
    min_age: Optional[int] = strawberry.field(description="Lowest age in the band, in years; null for `unknown`.")
    max_age: Optional[int] = strawberry.field(description="Highest age in the band, in years; null for the open "
                                                          "last band and `unknown`.")
    patients: CohortCount = strawberry.field(description=f"Authorizing members in the band. {LIVING}")


@strawberry.type(description="Authorizing members of one administrative gender.")
class GenderCount:
    gender: str = strawberry.field(description="female, male, other or unknown (any other value, or none, counts "
                                               "as unknown).")
    patients: CohortCount = strawberry.field(description=f"Authorizing members of that gender. {LIVING}")


@strawberry.type(description="An active condition (diagnosis) and how many members of the condition cohort have it.")
class ConditionCount:
    code: str = strawberry.field(description="The condition's code (SNOMED CT or ICD-10 as recorded).")
    system: Optional[str] = strawberry.field(description="The code system URI, when recorded.")
    display: Optional[str] = strawberry.field(description="A human-readable name of the condition, when recorded.")
    patients: CohortCount = strawberry.field(description=f"Members with the condition active. {LIVING}")


@strawberry.type(description="One clinical band of a measure: results from `low` (inclusive) up to `high` (exclusive).")
class MeasureBand:
    label: str = strawberry.field(description="e.g. `5.7 to 6.4`, `6.5 or more`.")
    low: Optional[float] = strawberry.field(description="Lowest value in the band (inclusive); null: no lower bound.")
    high: Optional[float] = strawberry.field(
        description="Values from here on are in the next band; null: no upper bound.")
    patients: CohortCount = strawberry.field(description=f"Members whose latest result is in the band. {LIVING}")


@strawberry.type(description="How the latest result of one test is distributed over clinical bands, among members "
                             "whose active payor grants cover the test's category. Each member counts once, with "
                             "their latest result (not `unverified`) within `lookbackDays`.")
class MeasureDistribution:
    @strawberry.field(description="A stable key, e.g. `HBA1C`, `LDL`, `EGFR`, `BMI`.")
    def key(self: MeasureFigure) -> str:  # type: ignore[misc]
        return self.measure.key

    @strawberry.field(description="The test's name, e.g. `HbA1c`.")
    def name(self: MeasureFigure) -> str:  # type: ignore[misc]
        return self.measure.name

    @strawberry.field(description="The record category the grants must cover for a member to be counted.")
    def category(self: MeasureFigure) -> RecordCategory:  # type: ignore[misc, valid-type]
        return self.measure.category

    @strawberry.field(description="The codes (LOINC) that count as this test.")
    def codes(self: MeasureFigure) -> list[str]:  # type: ignore[misc]
        return sorted(self.measure.codes.codes)

    @strawberry.field(description="The unit of the bands; results in other units are not counted when the test "
                                  "has units that differ in scale (LDL: mg/dL only).")
    def unit(self: MeasureFigure) -> str:  # type: ignore[misc]
        return self.measure.unit

    @strawberry.field(description="How far back a result counts, in days before `asOf`.")
    def lookback_days(self: MeasureFigure) -> int:  # type: ignore[misc]
        return self.measure.lookback_days

    @strawberry.field(description="Members younger than this (in years) are not counted (BMI: adults only).")
    def min_age(self: MeasureFigure) -> int:  # type: ignore[misc]
        return self.measure.min_age

    @strawberry.field(description=f"Members whose active payor grants cover the category. {LIVING}")
    def cohort(self: MeasureFigure) -> CohortCount:  # type: ignore[misc]
        return self.cohort  # type: ignore[return-value]

    @strawberry.field(description=f"Of them, members with a result in the lookback: the sum of the bands. {LIVING}")
    def tested(self: MeasureFigure) -> CohortCount:  # type: ignore[misc]
        return self.tested  # type: ignore[return-value]

    @strawberry.field(description="The bands, ascending.")
    def bands(self: MeasureFigure) -> list[MeasureBand]:  # type: ignore[misc]
        return self.bands  # type: ignore[return-value]


@strawberry.type(description="Influenza vaccination in the last 12 months among members whose active payor grants "
                             "cover IMMUNIZATION.")
class InfluenzaCoverage:
    eligible: CohortCount = strawberry.field(description=f"Members at least 6 months old (or of unknown age) whose "
                                                         f"grants cover IMMUNIZATION. {LIVING}")
    vaccinated: CohortCount = strawberry.field(description=f"Of them, members with an influenza vaccine (CVX) dated "
                                                           f"in the 365 days before `asOf`. {LIVING}")
    unvaccinated: CohortCount = strawberry.field(description=f"Of them, the others: `eligible` minus `vaccinated`. "
                                                             f"{LIVING}")


@strawberry.type(description="A care gap: eligible members who have not had a recommended test or visit in its "
                             "window. Only members whose active payor grants cover every category in `categories` "
                             "are counted.")
class CareGap:
    @strawberry.field(description="A stable id, e.g. `diabetes-hba1c`.")
    def id(self: CareGapFigure) -> str:  # type: ignore[misc]
        return self.gap.id

    @strawberry.field(description="A short title.")
    def title(self: CareGapFigure) -> str:  # type: ignore[misc]
        return self.gap.title

    @strawberry.field(description="Who is eligible and what closes the gap.")
    def description(self: CareGapFigure) -> str:  # type: ignore[misc]
        return self.gap.description

    @strawberry.field(description="The categories a member's grants must cover to be counted.")
    def categories(self: CareGapFigure) -> list[RecordCategory]:  # type: ignore[misc, valid-type]
        return sorted(self.gap.categories, key=lambda c: c.value)

    @strawberry.field(description="The window, in days before `asOf`, in which the test or visit closes the gap.")
    def window_days(self: CareGapFigure) -> int:  # type: ignore[misc]
        return self.gap.window_days

    @strawberry.field(description=f"Members whose grants cover `categories`. {LIVING}")
    def cohort(self: CareGapFigure) -> CohortCount:  # type: ignore[misc]
        return self.cohort  # type: ignore[return-value]

    @strawberry.field(description=f"Of them, members the gap applies to (e.g. with active diabetes). {LIVING}")
    def eligible(self: CareGapFigure) -> CohortCount:  # type: ignore[misc]
        return self.eligible  # type: ignore[return-value]

    @strawberry.field(description=f"Eligible members with the gap open: no test or visit in the window. {LIVING}")
    def with_gap(self: CareGapFigure) -> CohortCount:  # type: ignore[misc]
        return self.with_gap  # type: ignore[return-value]

    @strawberry.field(description=f"Eligible members with the gap closed. {LIVING}")
    def without_gap(self: CareGapFigure) -> CohortCount:  # type: ignore[misc]
        return self.without_gap  # type: ignore[return-value]


@strawberry.type(description="Business insights over the payor's members who authorized it (an active grant to the "
                             "payor at `asOf`), as counts only: never a record, a tip or a patient. Each figure counts "
                             "only members whose active payor grants cover the categories it reads (named on the "
                             "field), and only records that are not `unverified`. Every patient count is a "
                             "CohortCount, suppressed as described there.")
class PopulationInsights:
    as_of: dt.datetime = strawberry.field(description="The instant every figure is computed at: grants active, "
                                                      "members alive, ages and windows, all at this instant.")

    @strawberry.field(description=f"Counts from 1 to this many patients are never published ({THRESHOLD}).")
    def suppression_threshold(self) -> int:
        return THRESHOLD

    @strawberry.field(description="All members of the payor alive at `asOf`, authorizing or not. Not consent "
                                  "data (the payor insures them), so never suppressed.")
    async def total_members(self, info: Info) -> int:
        return (await invoke(resolvers.insights.demographics, info, self)).total_members

    @strawberry.field(description=f"Members with an active grant to the payor, whatever its categories. {LIVING}")
    async def authorizing_members(self, info: Info) -> CohortCount:
        return (await invoke(resolvers.insights.demographics, info, self)).authorizing

    @strawberry.field(description=f"Authorizing members by age band; the bands add up to `authorizingMembers`. "
                                  f"Any active grant counts. {LIVING}")
    async def age_bands(self, info: Info) -> list[AgeBandCount]:
        return list((await invoke(resolvers.insights.demographics, info, self)).age_bands)  # type: ignore[arg-type]

    @strawberry.field(description=f"Authorizing members by gender; they add up to `authorizingMembers`. Any active "
                                  f"grant counts. {LIVING}")
    async def genders(self, info: Info) -> list[GenderCount]:
        return list((await invoke(resolvers.insights.demographics, info, self)).genders)  # type: ignore[arg-type]

    @strawberry.field(description=f"Members whose active payor grants cover CONDITION. {LIVING}")
    async def condition_cohort(self, info: Info) -> CohortCount:
        return (await invoke(resolvers.insights.conditions, info, self)).cohort

    @strawberry.field(description=f"The most common active conditions (by code) among members whose grants cover "
                                  f"CONDITION, most patients first, at most 10. Only conditions with more than "
                                  f"{THRESHOLD} patients are listed, so a rare diagnosis is never revealed. "
                                  f"A condition without a status, or with an active one, counts. {LIVING}")
    async def top_conditions(self, info: Info) -> list[ConditionCount]:
        return list((await invoke(resolvers.insights.conditions, info, self)).top)  # type: ignore[arg-type]

    @strawberry.field(description=f"HbA1c, LDL cholesterol and eGFR in clinical bands, among members whose grants "
                                  f"cover LAB. {LIVING}")
    async def lab_distributions(self, info: Info) -> list[MeasureDistribution]:
        return list(await invoke(resolvers.insights.lab_measures, info, self))  # type: ignore[arg-type]

    @strawberry.field(description=f"BMI (adults) in clinical bands, among members whose grants cover VITAL_SIGN. "
                                  f"{LIVING}")
    async def vital_sign_distributions(self, info: Info) -> list[MeasureDistribution]:
        return list(await invoke(resolvers.insights.vital_sign_measures, info, self))  # type: ignore[arg-type]

    @strawberry.field(description=f"Influenza vaccination in the last 12 months, among members whose grants cover "
                                  f"IMMUNIZATION. {LIVING}")
    async def influenza_coverage(self, info: Info) -> InfluenzaCoverage:
        return await invoke(resolvers.insights.influenza, info, self)  # type: ignore[return-value]

    @strawberry.field(description=f"Care gaps (diabetes without an HbA1c in 6 months; hypertension without a blood "
                                  f"pressure reading in 12 months; no wellness visit in 12 months), each over the "
                                  f"members whose grants cover its categories. {LIVING}")
    async def care_gaps(self, info: Info) -> list[CareGap]:
        return list(await invoke(resolvers.insights.care_gaps, info, self))  # type: ignore[arg-type]


@strawberry.type(description="A personalized wellness tip from the patient's own records (never `unverified` ones), "
                             "made while the patient takes part in the payor program. Shown to the patient alone.")
class WellnessTip:
    rule_id: str = strawberry.field(description="The rule that made it, e.g. `influenza-vaccine-due`.")
    rule_version: str = strawberry.field(description="The rule's version: a changed threshold or wording is a new one.")
    title: str = strawberry.field(description="A short title.")
    message: str = strawberry.field(description="What the rule found, and what to do about it.")
    evidence: list[Record] = strawberry.field(description="The records that triggered it (newest first); empty when "
                                                          "the tip is about something missing from the record.")
    population_context: Optional[str] = strawberry.field(
        description="One sentence about the program's members, from the population insights, when the figure it "
                    "needs is not suppressed; null otherwise.")

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, Tip)
