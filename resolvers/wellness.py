"""Resolver of ``Patient.wellnessTips``: the rules of ``payor.rules`` over the patient's own
records, while their payor grant is active (the ``@consent`` backstop has already made sure
the viewer is the patient)."""
from __future__ import annotations

import dataclasses

from graphdb import codec
from payor import codes
from payor.rules import RULES, Tip, evaluate, runnable
from resolvers.context import ResolverContext
from resolvers.insights import PopulationFigures
from resolvers.wellness_traversals import rule_records


async def wellness_tips(ctx: ResolverContext) -> list[Tip]:
    request = ctx.request
    patient = ctx.source
    payor_id = request.services.payor_id
    grants = await ctx.loaders.grants_of_patient.load(patient.id)
    covered = request.policy.payor_program_categories(grants, payor_id, patient.deceased_at)
    rules = runnable(RULES, covered)
    if not rules:  # not in the program (or not for what any rule reads): no tips
        return []
    categories = frozenset().union(*(r.categories for r in rules))
    value_set = codes.union("wellness rules", (v for r in rules for v in r.value_sets))
    rows = await request.graph.run(rule_records(request.graph.g, patient.id, categories, value_set),
                                   replica=True)
    tips = evaluate(rules, [codec.record_from_map(m) for m in rows], patient.birth_date, request.now, covered)

    contexts = [t.rule.context for t in tips if t.rule.context is not None]
    if not contexts:
        return tips
    program = PopulationFigures(
        request.graph, lambda categories: request.policy.program_cohort_criteria(payor_id, categories),
        request.now)
    figures = await request.services.program_figures.collect(
        payor_id, (c.group for c in contexts), request.now, program.group)
    return [dataclasses.replace(t, population_context=t.rule.context.sentence(figures))
            if t.rule.context is not None else t for t in tips]
