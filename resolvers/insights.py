"""Resolvers of the payor program's population insights.

``PopulationFigures`` computes the figure groups of one request over one grantee's cohorts:
each group is one traversal (``resolvers.insights_traversals``), run at most once, on first
use, and published through ``payor.insights`` (small-cell suppression). The fields of
``populationInsights`` share it, and a wellness tip's population context uses the same class,
so both publish the same numbers.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any, Awaitable, Callable, Iterable

from authz.policy import ActiveGrantCriteria
from graphdb.client import GraphClient
from model.categories import RecordCategory
from payor import figures
from payor.figures import Measure
from payor.insights import (
    gather_figures,
    Conditions,
    Demographics,
    FigureGroup,
    Figures,
    InfluenzaFigure,
    MeasureFigure,
    CareGapFigure,
    publish_care_gaps,
    publish_conditions,
    publish_demographics,
    publish_influenza,
    publish_measures,
)
from resolvers import insights_traversals as traversals
from resolvers.context import ResolverContext

CriteriaOf = Callable[[Iterable[RecordCategory]], ActiveGrantCriteria]


class PopulationFigures:
    def __init__(self, graph: GraphClient, criteria: CriteriaOf, now: dt.datetime):
        self.graph = graph
        self.criteria = criteria
        self.now = now
        self._groups: dict[FigureGroup, asyncio.Future[Any]] = {}

    def group(self, group: FigureGroup) -> Awaitable[Any]:
        if group not in self._groups:
            self._groups[group] = asyncio.ensure_future(self._compute(group))
        return self._groups[group]

    async def demographics(self) -> Demographics:
        return await self.group(FigureGroup.DEMOGRAPHICS)

    async def conditions(self) -> Conditions:
        return await self.group(FigureGroup.CONDITIONS)

    async def lab_measures(self) -> tuple[MeasureFigure, ...]:
        return await self.group(FigureGroup.LAB_MEASURES)

    async def vital_sign_measures(self) -> tuple[MeasureFigure, ...]:
        return await self.group(FigureGroup.VITAL_SIGN_MEASURES)

    async def influenza(self) -> InfluenzaFigure:
        return await self.group(FigureGroup.INFLUENZA)

    async def care_gaps(self) -> tuple[CareGapFigure, ...]:
        return await self.group(FigureGroup.CARE_GAPS)

    async def collect(self, groups: Iterable[FigureGroup]) -> Figures:
        """The groups asked for, computed at once; the others left out."""
        return await gather_figures(groups, self.group)

    async def _compute(self, group: FigureGroup) -> Any:
        g, today = self.graph.g, self.now.astimezone(dt.timezone.utc).date()
        if group is FigureGroup.DEMOGRAPHICS:
            rows = await self.graph.run(traversals.demographics(g, self.criteria(()), today))
            return publish_demographics(traversals.parse_demographics(rows))
        if group is FigureGroup.CONDITIONS:
            rows = await self.graph.run(traversals.conditions(g, self.criteria([RecordCategory.CONDITION])))
            return publish_conditions(traversals.parse_conditions(rows))
        if group is FigureGroup.LAB_MEASURES:
            return await self._measures(figures.LAB_MEASURES, RecordCategory.LAB, today)
        if group is FigureGroup.VITAL_SIGN_MEASURES:
            return await self._measures(figures.VITAL_SIGN_MEASURES, RecordCategory.VITAL_SIGN, today)
        if group is FigureGroup.INFLUENZA:
            rows = await self.graph.run(traversals.coverage(
                g, self.criteria([RecordCategory.IMMUNIZATION]), figures.INFLUENZA, today))
            return publish_influenza(traversals.parse_coverage(rows))
        if group is FigureGroup.CARE_GAPS:
            gaps = figures.CARE_GAPS
            rows = await self.graph.run(traversals.care_gaps(g, [(gap, self.criteria(gap.categories)) for gap in gaps]))
            return publish_care_gaps(gaps, traversals.parse_care_gaps(rows, gaps))
        raise AssertionError(f"unknown figure group {group}")

    async def _measures(self, measured: tuple[Measure, ...], category: RecordCategory,
                        today: dt.date) -> tuple[MeasureFigure, ...]:
        rows = await self.graph.run(traversals.measures(self.graph.g, self.criteria([category]), measured, today))
        return publish_measures(measured, traversals.parse_measures(rows))


@dataclasses.dataclass(frozen=True)
class InsightsNode:
    """What ``populationInsights`` returns: its instant, and the figures computed on demand."""

    as_of: dt.datetime
    figures: PopulationFigures


async def population_insights(ctx: ResolverContext) -> InsightsNode:
    """The signed-in payor's insights: every cohort is the policy's active-grant criteria for
    this viewer, at the request's instant."""
    request = ctx.request
    return InsightsNode(request.now, PopulationFigures(request.graph, request.policy.active_grant_criteria,
                                                       request.now))


async def demographics(ctx: ResolverContext) -> Demographics:
    return await ctx.source.figures.demographics()


async def conditions(ctx: ResolverContext) -> Conditions:
    return await ctx.source.figures.conditions()


async def lab_measures(ctx: ResolverContext) -> tuple[MeasureFigure, ...]:
    return await ctx.source.figures.lab_measures()


async def vital_sign_measures(ctx: ResolverContext) -> tuple[MeasureFigure, ...]:
    return await ctx.source.figures.vital_sign_measures()


async def influenza(ctx: ResolverContext) -> InfluenzaFigure:
    return await ctx.source.figures.influenza()


async def care_gaps(ctx: ResolverContext) -> tuple[CareGapFigure, ...]:
    return await ctx.source.figures.care_gaps()
