"""1. Round trips: graph traversals per operation, read from ``p360_graph_traversals_total``
on GET /metrics around each request (audit writes included), for the provider view over
1, 10 and 100 granted patients. Goal: the same number at every size.

Each operation is sent once to warm up, then ``REPEATS`` times; every count seen is reported
(a count that changes between repeats of the same request is itself a finding).
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from bench import operations
from bench.inprocess import InProcessApi, errors_of
from bench.population import BenchPopulation
from bench.report import Report, verdict

REPEATS = 5


async def _traversals_of(api: InProcessApi, token: str, query: str,
                         variables: Optional[dict[str, Any]] = None) -> tuple[int, dict]:
    before = await api.traversals_total()
    response = await api.post(token, query, variables)
    after = await api.traversals_total()
    if errors_of(response):
        raise RuntimeError(f"the benchmark operation failed: {errors_of(response)}")
    return after - before, response


async def counts_of(api: InProcessApi, token: str, query: str,
                    variables: Optional[dict[str, Any]] = None) -> tuple[list[int], dict]:
    """The distinct traversal counts of ``REPEATS`` identical requests, and the last response."""
    await _traversals_of(api, token, query, variables)   # warm-up
    counts: set[int] = set()
    response: dict = {}
    for _ in range(REPEATS):
        count, response = await _traversals_of(api, token, query, variables)
        counts.add(count)
    return sorted(counts), response


def _shown(counts: list[int]) -> str:
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]} (varies: {counts})"


async def run(population: BenchPopulation, sizes: Sequence[int]) -> Report:
    report = Report("round_trips", "1. Round trips (graph traversals per request, audit writes included)")
    table = report.table("operation", "granted patients", "patients returned", "records returned",
                         "traversals per request")
    api = await InProcessApi.start(population.data_dir)
    by_size: dict[int, list[int]] = {}
    try:
        for size in sizes:
            token = api.token(population.provider_for(size), "providers")
            by_size[size], response = await counts_of(api, token, operations.PROVIDER_VIEW)
            patients = response["data"]["myPatients"]
            records = sum(len(p["records"]["edges"]) for p in patients)
            table.add("provider view", size, len(patients), records, _shown(by_size[size]))
        patient_id = population.patient_ids[0]
        counts_360, response = await counts_of(
            api, api.token(patient_id, "patients"), operations.PATIENT_360,
            operations.patient_360_variables(patient_id))
        patient = response["data"]["patient"]
        table.add("patient 360 view", "-", 1, len(patient["records"]["edges"]), _shown(counts_360))
    finally:
        await api.close()
    equal = len({tuple(c) for c in by_size.values()}) == 1 and all(len(c) == 1 for c in by_size.values())
    report.goals.append((
        f"provider view: the same number of traversals at {', '.join(map(str, sizes))} granted patients",
        f"{verdict(equal)} ({', '.join(_shown(c) for c in by_size.values())})"))
    report.notes.append(f"{REPEATS} identical requests per row after one warm-up; counts from GET /metrics "
                        "before and after each request; sequential requests, so each pays its own audit write")
    if any(len(c) > 1 for c in [*by_size.values(), counts_360]):
        report.notes.append("a count that varies between identical requests means some batch is split "
                            "depending on when resolvers run (timing), not on the data")
    if operations.WELLNESS_NOTE:
        report.notes.append(operations.WELLNESS_NOTE)
    report.figures = {"provider_view": by_size, "patient_360": counts_360, "equal": equal}
    return report
