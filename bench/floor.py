"""2. The floor: the same operations executed by graphql-core, with the committed SDL, over
the same data preloaded into Python dicts with trivial resolvers (no graph, no auth), in the
same process and run. Our time divided by the floor's; goal at most 2.0 for both views.

"Ours" is the handler path without HTTP (``InProcessApi.handle``: token, identity, execution
with a request context, audit flush). The same request over HTTP is shown for reference. Runs
are interleaved (the order rotates every round) and medians compared. Before timing, the
floor's response is checked against ours: it must be the same data.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any, Awaitable, Callable, Optional, cast

from graphql import GraphQLObjectType, GraphQLSchema, GraphQLUnionType, build_schema, graphql

from bench import operations
from bench.floor_data import FloorData
from bench.inprocess import InProcessApi, errors_of
from bench.population import BenchPopulation
from bench.report import Report, ms, verdict
from bench.stats import median
from model.timeutil import utcnow

GOAL_RATIO = 2.0
ACCESS_LOG_DEFAULT = 50
PAGE_DEFAULT = 20


@dataclasses.dataclass
class FloorContext:
    data: FloorData
    viewer_id: str


def _records(patient: dict, info: Any, first: Optional[int] = None, after: Optional[str] = None,
             category: Optional[str] = None) -> dict:
    edges = patient["edges"]
    page = edges[:PAGE_DEFAULT if first is None else first]
    return {"totalCount": len(edges), "edges": page,
            "pageInfo": {"hasNextPage": len(page) < len(edges), "hasPreviousPage": False,
                         "startCursor": page[0]["cursor"] if page else None,
                         "endCursor": page[-1]["cursor"] if page else None}}


def floor_schema() -> GraphQLSchema:
    """The committed SDL with dict resolvers. Every other field uses graphql-core's default
    resolver, which reads a dict key of the field's name."""
    schema = build_schema(operations.SDL_PATH.read_text())
    query = cast(GraphQLObjectType, schema.type_map["Query"]).fields
    patient = cast(GraphQLObjectType, schema.type_map["Patient"]).fields
    query["patient"].resolve = lambda _, info, id: info.context.data.patients.get(id)
    query["myPatients"].resolve = lambda _, info: info.context.data.patients_of.get(info.context.viewer_id, [])
    patient["records"].resolve = _records
    patient["grantsToMe"].resolve = lambda p, info: info.context.data.grants_to.get(
        (p["id"], info.context.viewer_id), [])
    patient["accessLog"].resolve = lambda p, info, first=None: p["accessLog"][:first or ACCESS_LOG_DEFAULT]
    cast(GraphQLUnionType, schema.type_map["Grantee"]).resolve_type = lambda obj, info, t: obj["__typename"]
    return schema


async def floor_execute(schema: GraphQLSchema, context: FloorContext, query: str,
                        variables: Optional[dict] = None) -> dict:
    result = await graphql(schema, query, context_value=context, variable_values=variables)
    return dict(result.formatted)


@dataclasses.dataclass
class ViewTiming:
    view: str
    floor: float
    ours: float
    http: float
    identical: bool
    samples: int

    @property
    def ratio(self) -> float:
        return self.ours / self.floor


Run = Callable[[], Awaitable[dict]]


async def _interleaved(runs: dict[str, Run], iterations: int, warmup: int) -> dict[str, float]:
    names = list(runs)
    for _ in range(warmup):
        for name in names:
            await runs[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(iterations):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            response = await runs[name]()
            samples[name].append(time.perf_counter() - started)
            if errors_of(response):
                raise RuntimeError(f"{name}: the operation failed: {errors_of(response)}")
    return {name: median(values) for name, values in samples.items()}


async def _view(api: InProcessApi, schema: GraphQLSchema, view: str,
                token: str, viewer_id: str, patient_ids: list[str], query: str,
                variables: Optional[dict], iterations: int, warmup: int) -> ViewTiming:
    data = await FloorData.read(api.graph, patient_ids, utcnow())
    context = FloorContext(data, viewer_id)
    ours = await api.handle(token, query, variables)
    if operations.WELLNESS_TIPS and view == "patient 360":
        # Tips are derived by the payor's rules, not stored: the floor shows what ours derived.
        data.patients[patient_ids[0]]["wellnessTips"] = ours["data"]["patient"]["wellnessTips"]
    floor = await floor_execute(schema, context, query, variables)
    identical = floor == ours
    medians = await _interleaved({
        "floor": lambda: floor_execute(schema, context, query, variables),
        "ours": lambda: api.handle(token, query, variables),
        "http": lambda: api.post(token, query, variables),
    }, iterations, warmup)
    return ViewTiming(view, medians["floor"], medians["ours"], medians["http"], identical, iterations)


async def run(population: BenchPopulation, provider_size: int, iterations: int, warmup: int) -> Report:
    report = Report("floor", "2. The floor (graphql-core over preloaded dicts, same process and run)")
    schema = floor_schema()
    api = await InProcessApi.start(population.data_dir)
    try:
        patient_id = population.patient_ids[-1]
        provider_id = population.provider_for(provider_size)
        timings = [
            await _view(api, schema, "patient 360", api.token(patient_id, "patients"),
                        patient_id, [patient_id], operations.PATIENT_360,
                        operations.patient_360_variables(patient_id), iterations, warmup),
            await _view(api, schema, f"provider view ({provider_size} patients)",
                        api.token(provider_id, "providers"), provider_id,
                        list(population.patient_ids[:provider_size]), operations.PROVIDER_VIEW, None,
                        iterations, warmup),
        ]
    finally:
        await api.close()
    table = report.table("view", "floor (median)", "ours in-process (median)", "ours / floor",
                         "ours over HTTP (median, reference)", "same response as ours", "runs each")
    for t in timings:
        table.add(t.view, ms(t.floor), ms(t.ours), f"{t.ratio:.2f}", ms(t.http),
                  "yes" if t.identical else "NO", t.samples)
    for t in timings:
        report.goals.append((f"{t.view}: ours / floor at most {GOAL_RATIO}",
                             f"{verdict(t.ratio <= GOAL_RATIO)} ({t.ratio:.2f})"))
    if not all(t.identical for t in timings):
        report.notes.append("the floor's response differs from ours for a view marked NO: "
                            "the ratio compares different work")
    report.notes.append("ours in-process = token verification + viewer lookup + schema.execute with a "
                        "real request context + audit flush + result shaping (the HTTP handler minus HTTP); "
                        "floor = graphql-core graphql() (parse, validate, execute) with sync dict resolvers")
    if operations.WELLNESS_NOTE:
        report.notes.append(operations.WELLNESS_NOTE)
    report.figures = {t.view: dataclasses.asdict(t) | {"ratio": t.ratio} for t in timings}
    return report
