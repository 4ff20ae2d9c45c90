"""A wellness tip's line of population context: one sentence from the published insights of
the payor program, or none when a figure it needs is suppressed (or nobody was counted).

Each context names the figure group it reads, so a tips request computes only those groups,
through the same code path (and the same suppression) as ``populationInsights``.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Optional

from payor.insights import FigureGroup, Figures
from payor.suppression import Cell


@dataclasses.dataclass(frozen=True)
class PopulationContext:
    group: FigureGroup
    sentence: Callable[[Figures], Optional[str]]


def _percent(part: Cell, whole: Cell) -> Optional[int]:
    if part.value is None or not whole.value:
        return None
    return round(100 * part.value / whole.value)


def measure_share(measure_key: str, group: FigureGroup, at_or_above: float, template: str) -> PopulationContext:
    """``template`` gets ``{percent}``: the share of members with a recent result of the
    measure whose latest one is at least ``at_or_above`` (a band boundary)."""
    def sentence(figures: Figures) -> Optional[str]:
        measure = figures.measure(measure_key)
        share = measure.share_at_or_above(at_or_above) if measure is not None else None
        return None if share is None else template.format(percent=round(100 * share))
    return PopulationContext(group, sentence)


def _influenza(figures: Figures) -> Optional[str]:
    coverage = figures.influenza
    percent = _percent(coverage.vaccinated, coverage.eligible) if coverage is not None else None
    if percent is None:
        return None
    return f"About {percent}% of members in the program had a flu vaccine in the last 12 months."


def _wellness_visit(figures: Figures) -> Optional[str]:
    gap = figures.care_gap("wellness-visit")
    percent = _percent(gap.without_gap, gap.eligible) if gap is not None else None
    if percent is None:
        return None
    return f"About {percent}% of members in the program had a wellness visit in the last 12 months."


INFLUENZA_COVERAGE = PopulationContext(FigureGroup.INFLUENZA, _influenza)
WELLNESS_VISITS = PopulationContext(FigureGroup.CARE_GAPS, _wellness_visit)
