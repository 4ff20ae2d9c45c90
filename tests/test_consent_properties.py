"""Consent as a property (issue 3): random small graphs, random valid operations from the
committed SDL, every kind of viewer — and no response ever carries data of a patient the
viewer may not see. The rules come from tests/consent_oracle.py, written from the contract,
never from authz/.

Each hypothesis example clears the graph of the one server the test runs and writes a new
world into it. Operations come from hypothesis-graphql; since it rarely reaches the leaves
that hold patient data (records → edges → node → value is deep), every Patient selection it
draws may get probes grafted in: the name, and a record listing whose selection on Record
hypothesis-graphql draws too. Whatever path led to a patient, the probes ask for their data.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import random
from pathlib import Path
from typing import Any, Optional

import graphql
import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from authz.errors import Forbidden
from graphdb.bootstrap import ensure_payor_traversal
from model.categories import RecordCategory
from model.nodes import RecordComponentData
from resolvers.pages import encode_cursor
from tests.consent_oracle import (
    ADMIN,
    GrantSpec,
    GrantState,
    RecordSpec,
    Viewer,
    World,
    allowed_markers,
    markers_in,
    may_add_record,
    name_marker,
    named,
    readable,
    record_marker,
    viewers,
)
from tests.support import Api, Population, Response

NOT_VISIBLE = Forbidden().message

SDL_PATH = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"
SDL = SDL_PATH.read_text()
SCHEMA = graphql.build_schema(SDL)
CATEGORIES = list(RecordCategory)
PAYOR = "payor"
NOBODY = "nobody"

# Ids that are easy to confuse: prefixes of each other, a case variant, the graph's own
# separators, non-ASCII — and providers that share an id with a patient (ids are unique
# per type only, contract).
PATIENT_IDS = ("p1", "p10", "P1", "pt/7", "pt|LAB", "ü-3", "d1")
PROVIDER_IDS = ("d1", "d2", "dr/3", "p1")

# What a response may carry besides data: refusals and rejected arguments. Anything else
# (INTERNAL_SERVER_ERROR above all) fails the property.
ANSWER_CODES = {"FORBIDDEN", "BAD_USER_INPUT"}


# -- worlds ---------------------------------------------------------------------------------
@st.composite
def worlds(draw: st.DrawFn) -> World:
    patient_ids = tuple(draw(st.lists(st.sampled_from(PATIENT_IDS), min_size=2, max_size=6, unique=True)))
    provider_ids = tuple(draw(st.lists(st.sampled_from(PROVIDER_IDS), min_size=1, max_size=4, unique=True)))
    serials = iter(range(1, 1000))
    records = []
    for patient in range(len(patient_ids)):
        for category in draw(st.lists(st.sampled_from(CATEGORIES), max_size=5)):
            serial = next(serials)
            records.append(RecordSpec(
                patient=patient, category=category, serial=serial,
                days_ago=draw(st.none() | st.integers(1, 3)),
                author=draw(st.none() | st.sampled_from(provider_ids)), id=f"r{serial}"))
    grants = []
    grantees = [(d, False) for d in provider_ids] + [(PAYOR, True)]
    for patient in range(len(patient_ids)):
        for grantee, to_payor in draw(st.lists(st.sampled_from(grantees), max_size=3)):
            categories = draw(st.none() | st.frozensets(st.sampled_from(CATEGORIES), min_size=1, max_size=3))
            grants.append(GrantSpec(patient=patient, grantee=grantee, to_payor=to_payor,
                                    categories=categories, state=draw(st.sampled_from(GrantState)),
                                    serial=next(serials)))
    return World(patient_ids, provider_ids, PAYOR, tuple(records), tuple(grants))


def install(api: Api, world: World) -> None:
    """Replace whatever the server's graph holds with ``world``."""
    api.graph.run_sync(api.graph.g.V().drop())
    api.graph.run_sync(ensure_payor_traversal(api.graph, world.payor_id))
    population = Population(api.graph, world.payor_id)
    for i, patient_id in enumerate(world.patient_ids):
        population.patient(patient_id, name_marker(i))
    for provider_id in world.provider_ids:
        population.provider(provider_id)
    for r in world.records:
        population.record(world.patient_ids[r.patient], r.category, record_id=r.id,
                          days_ago=r.days_ago, value=r.marker, display=r.marker, author_id=r.author,
                          components=[RecordComponentData(code="part", value=r.marker)])
    for g in world.grants:
        population.grant(world.patient_ids[g.patient], g.grantee, g.categories,
                         grantee_type="Payor" if g.to_payor else "Provider",
                         days=-1 if g.state is GrantState.EXPIRED else 30,
                         revoked=g.state is GrantState.REVOKED, grant_id=g.grant_id)


def token(api: Api, viewer: Viewer) -> str:
    return api.token(viewer.id, viewer.group)


# -- operations -----------------------------------------------------------------------------
def _identity(document: graphql.DocumentNode) -> graphql.DocumentNode:
    return document


SCALARS = {
    # Ids of the worlds (present or not in this one), of the other kinds, and of nothing.
    "ID": st.sampled_from(sorted(set(PATIENT_IDS + PROVIDER_IDS + (PAYOR, NOBODY)))).map(nodes.String),
    # Page sizes mostly in range; sometimes negative or huge.
    "Int": st.one_of(st.integers(0, 100), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
    # Search text, and cursors: issued-looking ones (also far past any list) or garbage.
    "String": st.one_of(st.text(max_size=6), st.sampled_from(["d", "Dr", "DR. D1"]),
                        st.one_of(st.integers(-2, 200), st.integers(2**53 - 2, 2**64)).map(encode_cursor),
                        ).map(nodes.String),
}


def _object_type(name: str) -> graphql.GraphQLObjectType:
    found = SCHEMA.type_map[name]
    assert isinstance(found, graphql.GraphQLObjectType), name
    return found


def _auth_groups(field: graphql.GraphQLField) -> Optional[frozenset[str]]:
    auth = SCHEMA.get_directive("auth")
    assert auth is not None and field.ast_node is not None
    values = graphql.get_directive_values(auth, field.ast_node)
    return None if values is None else frozenset(values["groups"])


def _selections(document: graphql.DocumentNode) -> graphql.SelectionSetNode:
    operation = document.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    return operation.selection_set


QUERY_TYPE = _object_type("Query")
QUERY_FIELDS = QUERY_TYPE.fields
ROOT_DOCUMENTS = {
    name: hypothesis_graphql.queries(SDL, fields=[name], custom_scalars=SCALARS, print_ast=_identity)
    for name in QUERY_FIELDS
}
RECORD_SELECTIONS = hypothesis_graphql.queries(
    graphql.GraphQLSchema(query=_object_type("Record")), print_ast=_identity,
).map(_selections)
MAX_PROBES = 4
PROBE_HERE = st.sampled_from([True, True, True, False])  # most patients reached get probed


def roots_for(group: str) -> list[str]:
    """Root fields the SDL's @auth lets this group resolve (a refused non-null root would
    null the whole response and hide everything else the operation asked)."""
    allowed = []
    for name, field in QUERY_FIELDS.items():
        groups = _auth_groups(field)
        if groups is None or group in groups:
            allowed.append(name)
    return allowed


def _name(value: str) -> graphql.NameNode:
    return graphql.NameNode(value=value)


def _field(name: str, *, alias: Optional[str] = None, arguments: tuple = (),
           selections: Optional[list[graphql.SelectionNode]] = None) -> graphql.FieldNode:
    return graphql.FieldNode(
        alias=_name(alias) if alias else None, name=_name(name), arguments=arguments, directives=(),
        selection_set=graphql.SelectionSetNode(selections=tuple(selections)) if selections else None)


def _argument(name: str, value: graphql.ValueNode) -> graphql.ArgumentNode:
    return graphql.ArgumentNode(name=_name(name), value=value)


def _probe(draw: st.DrawFn, k: int) -> list[graphql.FieldNode]:
    """Ask a Patient for everything that could leak: its name, and its records."""
    arguments = []
    category = draw(st.none() | st.sampled_from(CATEGORIES))
    if category is not None:
        arguments.append(_argument("category", graphql.EnumValueNode(value=category.value)))
    first = draw(st.none() | st.integers(0, 100))
    if first is not None:
        arguments.append(_argument("first", nodes.Int(first)))
    after = draw(st.none() | st.integers(0, 3))
    if after is not None:
        arguments.append(_argument("after", nodes.String(encode_cursor(after))))
    record = draw(RECORD_SELECTIONS)
    edges = _field("edges", selections=[_field("node", selections=list(record.selections))])
    return [
        _field("name", alias=f"probe{k}Name"),
        _field("records", alias=f"probe{k}Records", arguments=tuple(arguments),
               selections=[_field("totalCount"), edges]),
    ]


def _graft(draw: st.DrawFn, selection_set: graphql.SelectionSetNode,
           parent: graphql.GraphQLNamedType, probes: list[int]) -> graphql.SelectionSetNode:
    selections: list[graphql.SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, graphql.FieldNode) and selection.selection_set is not None:
            child = graphql.get_named_type(_object_type(parent.name).fields[selection.name.value].type)
            selection = graphql.FieldNode(
                alias=selection.alias, name=selection.name, arguments=selection.arguments,
                directives=selection.directives,
                selection_set=_graft(draw, selection.selection_set, child, probes))
        elif isinstance(selection, graphql.InlineFragmentNode) and selection.type_condition is not None:
            child = _object_type(selection.type_condition.name.value)
            selection = graphql.InlineFragmentNode(
                type_condition=selection.type_condition, directives=selection.directives,
                selection_set=_graft(draw, selection.selection_set, child, probes))
        selections.append(selection)
    if parent.name == "Patient" and len(probes) < MAX_PROBES and draw(PROBE_HERE):
        probes.append(len(probes))
        selections.extend(_probe(draw, probes[-1]))
    return graphql.SelectionSetNode(selections=tuple(selections))


@st.composite
def operations(draw: st.DrawFn, group: str) -> str:
    """One query: one to three root fields hypothesis-graphql drew for this viewer's group,
    each under its own alias (several `patient(id:)` at once share one request's batches),
    with probes grafted into the patients they reach."""
    roots = draw(st.lists(st.sampled_from(roots_for(group)), min_size=1, max_size=3))
    probes: list[int] = []
    fields = []
    for i, root in enumerate(roots):
        document = draw(ROOT_DOCUMENTS[root])
        for selection in _selections(document).selections:
            grafted = _graft(draw, graphql.SelectionSetNode(selections=(selection,)), QUERY_TYPE, probes)
            field = grafted.selections[0]
            assert isinstance(field, graphql.FieldNode)
            fields.append(graphql.FieldNode(
                alias=_name(f"q{i}{field.name.value}"), name=field.name, arguments=field.arguments,
                directives=field.directives, selection_set=field.selection_set))
    operation_name = draw(st.none() | st.just("Probe"))
    document = graphql.DocumentNode(definitions=(graphql.OperationDefinitionNode(
        operation=graphql.OperationType.QUERY, name=_name(operation_name) if operation_name else None,
        variable_definitions=(), directives=(), selection_set=graphql.SelectionSetNode(selections=tuple(fields))),))
    problems = graphql.validate(SCHEMA, document)
    assert not problems, f"the generator made an invalid operation: {problems}\n{graphql.print_ast(document)}"
    return graphql.print_ast(document)


# -- checks ---------------------------------------------------------------------------------
def explain(world: World, viewer: Viewer, query: str, response: Response) -> str:
    return (f"viewer: {viewer}\nquery:\n{query}\nworld:\n{world.describe()}\n"
            f"response ({response.status}):\n{json.dumps(response.body, indent=1)}")


def assert_discloses_nothing_more(world: World, viewer: Viewer, query: str, response: Response) -> None:
    where = explain(world, viewer, query, response)
    assert response.status == 200, where
    assert set(response.codes()) <= ANSWER_CODES, where
    leaked = markers_in(json.dumps(response.body, ensure_ascii=False)) - allowed_markers(world, viewer)
    assert not leaked, f"LEAK of {sorted(leaked)}\n{where}"


def _chart_query(world: World, viewer: Viewer) -> str:
    """Every patient of the world (and one that does not exist) by id, with everything a
    record holds; plus the viewer's own list of patients."""
    ids = [*world.patient_ids, NOBODY]
    variables = ", ".join(f"$id{i}: ID!" for i in range(len(ids)))
    charts = " ".join(
        f"c{i}: patient(id: $id{i}) {{ id name records(first: 100) {{ totalCount "
        f"edges {{ node {{ id category value display components {{ value }} }} }} }} }}"
        for i in range(len(ids)))
    own = {
        "patient": "me { ... on Patient { id name } }",
        "provider": "myPatients { id name }",
        "payor": "members(first: 100) { totalCount edges { node { id name } } }",
        "admin": "members(first: 100) { totalCount edges { node { id name } } }",
    }[viewer.kind]
    return f"query Chart({variables}) {{ {charts} {own} }}"


def _expected_chart(world: World, viewer: Viewer) -> tuple[dict[str, Any], list[list[Any]]]:
    visible_names = named(world, viewer)
    pairs = readable(world, viewer)
    data: dict[str, Any] = {}
    forbidden: list[list[Any]] = []
    for i, patient_id in enumerate(world.patient_ids):
        alias = f"c{i}"
        if i not in visible_names:
            data[alias] = None
            forbidden.append([alias])
            continue
        shown = sorted((r for r in world.records if r.patient == i and (r.patient, r.category) in pairs),
                       key=lambda r: r.id)
        records = None
        if any(p == i for p, _ in pairs):
            records = {"totalCount": len(shown), "edges": [{"node": {
                "id": r.id, "category": r.category.value, "value": r.marker, "display": r.marker,
                "components": [{"value": r.marker}]}} for r in shown]}
        else:
            forbidden.append([alias, "records"])
        data[alias] = {"id": patient_id, "name": name_marker(i), "records": records}
    data[f"c{len(world.patient_ids)}"] = None
    forbidden.append([f"c{len(world.patient_ids)}"])
    mine = sorted(({"id": world.patient_ids[i], "name": name_marker(i)} for i in visible_names),
                  key=lambda p: p["id"])
    if viewer.kind == "patient":
        data["me"] = mine[0]
    elif viewer.kind == "provider":
        data["myPatients"] = mine
    else:
        data["members"] = {"totalCount": len(mine), "edges": [{"node": p} for p in mine]}
    return data, sorted(forbidden)


def _normalized(data: dict[str, Any]) -> dict[str, Any]:
    """Lists sorted by id: which order the server chose is not this test's question."""
    data = json.loads(json.dumps(data))
    for value in data.values():
        if isinstance(value, dict) and isinstance(value.get("records"), dict):
            value["records"]["edges"].sort(key=lambda e: e["node"]["id"])
    if isinstance(data.get("myPatients"), list):
        data["myPatients"].sort(key=lambda p: p["id"])
    if isinstance(data.get("members"), dict):
        data["members"]["edges"].sort(key=lambda e: e["node"]["id"])
    return data


async def check_chart(api: Api, world: World, viewer: Viewer) -> None:
    """Exactly what the contract lets this viewer see of every patient: no more, no less."""
    query = _chart_query(world, viewer)
    ids = [*world.patient_ids, NOBODY]
    response = await api.post(query, {f"id{i}": pid for i, pid in enumerate(ids)}, token=token(api, viewer))
    where = explain(world, viewer, query, response)
    expected, forbidden = _expected_chart(world, viewer)
    assert response.status == 200, where
    assert set(response.codes()) == ({"FORBIDDEN"} if forbidden else set()), where
    assert sorted(response.error_paths()) == forbidden, where
    assert _normalized(response.data) == expected, where


# -- the properties -------------------------------------------------------------------------
# Examples per backend; each is a world and some twenty requests. Raise it for a long run:
# P360_PROPERTY_EXAMPLES=500 pytest tests/test_consent_properties.py
EXAMPLES = int(os.environ.get("P360_PROPERTY_EXAMPLES", "15"))
PROPERTY_SETTINGS = settings(
    deadline=None,
    # One server per test; each example replaces the graph's content (see install).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
    # No shrinking: every step of it is a world and a round of requests (minutes in all), and
    # a failure already names the world, the viewer, the query and the response.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


@settings(PROPERTY_SETTINGS, max_examples=EXAMPLES)
@given(world=worlds(), data=st.data())
async def test_no_response_discloses_what_the_viewer_may_not_see(api: Api, world: World, data: st.DataObject):
    install(api, world)
    everyone = viewers(world)
    await asyncio.gather(*(check_chart(api, world, viewer) for viewer in everyone))
    asked = [(viewer, data.draw(operations(viewer.group), label=f"operation of {viewer}"))
             for viewer in everyone]
    responses = await asyncio.gather(*(api.post(query, token=token(api, viewer)) for viewer, query in asked))
    for (viewer, query), response in zip(asked, responses):
        assert_discloses_nothing_more(world, viewer, query, response)
    # --hypothesis-show-statistics: how often random operations reached patient data at all.
    shown = sum(len(markers_in(json.dumps(r.body, ensure_ascii=False))) for r in responses)
    event(f"patient data in the random operations' responses: {'none' if not shown else 'some'}")


ADD_RECORD = """mutation Add($patientId: ID!, $category: RecordCategory!, $value: String!) {
  addRecord(patientId: $patientId, input: {category: $category, value: $value, display: $value,
            components: [{code: "part", value: $value}]}) { id category value source }
}"""
FIRST_ADDED_SERIAL = 1000


@settings(PROPERTY_SETTINGS, max_examples=max(EXAMPLES * 2 // 3, 1))
@given(world=worlds(), data=st.data())
async def test_add_record_succeeds_exactly_when_the_contract_allows(api: Api, world: World,
                                                                   data: st.DataObject):
    install(api, world)
    attempts = data.draw(st.lists(st.tuples(
        st.sampled_from(viewers(world)),
        st.sampled_from([*world.patient_ids, NOBODY]),
        st.sampled_from(CATEGORIES)), min_size=1, max_size=6), label="attempts")
    added = []
    for serial, (viewer, patient_id, category) in enumerate(attempts, start=FIRST_ADDED_SERIAL):
        patient = world.patient_ids.index(patient_id) if patient_id in world.patient_ids else len(world.patient_ids)
        marker = record_marker(patient, category, serial)
        response = await api.post(ADD_RECORD, {"patientId": patient_id, "category": category.value,
                                               "value": marker}, token=token(api, viewer))
        where = f"{viewer} adds {category.value} to {patient_id!r}\n" + explain(world, viewer, ADD_RECORD, response)
        if may_add_record(world, viewer, patient_id, category):
            assert response.errors == [], where
            record = response.data["addRecord"]
            assert {k: record[k] for k in ("category", "value", "source")} == {
                "category": category.value, "value": marker, "source": viewer.kind}, where
            added.append(RecordSpec(patient, category, serial, days_ago=None, id=record["id"],
                                    author=viewer.id if viewer.kind == "provider" else None))
        else:
            assert response.status == 200 and response.data is None, where
            assert response.codes() == ["FORBIDDEN"], where
            message = response.errors[0]["message"]
            if viewer.kind in ("payor", "admin"):
                # Refused for the role, whoever the patient.
                assert message == "this field is for patients, providers only", where
            else:
                # A reason only where the viewer may see the patient: else a hidden patient and
                # a missing one get the same answer.
                sees_patient = patient_id in world.patient_ids and patient in named(world, viewer)
                assert (message != NOT_VISIBLE) == sees_patient, where
    # What landed is exactly what was allowed: every viewer's chart says so.
    after = dataclasses.replace(world, records=world.records + tuple(added))
    await asyncio.gather(*(check_chart(api, after, viewer) for viewer in viewers(after)))


# -- many users at once ---------------------------------------------------------------------
def _record(patient: int, category: RecordCategory, serial: int) -> RecordSpec:
    return RecordSpec(patient, category, serial, days_ago=serial, author=None, id=f"r{serial}")


def _grant(patient: int, grantee: str, categories: Optional[set[RecordCategory]], state: GrantState,
           serial: int) -> GrantSpec:
    return GrantSpec(patient, grantee, grantee == PAYOR, None if categories is None else frozenset(categories),
                     state, serial)


C = RecordCategory
BUSY_WORLD = World(
    patient_ids=("ann", "bob", "cy", "dee"),
    provider_ids=("dr-a", "dr-b", "dr-c"),
    payor_id=PAYOR,
    records=(_record(0, C.LAB, 1), _record(0, C.VITAL_SIGN, 2), _record(0, C.EPISODE, 3),
             _record(0, C.CONDITION, 4), _record(1, C.LAB, 5), _record(1, C.MEDICATION, 6),
             _record(2, C.LAB, 7), _record(3, C.CONDITION, 8), _record(3, C.ALLERGY, 9)),
    grants=(_grant(0, "dr-a", {C.LAB}, GrantState.ACTIVE, 10),
            _grant(1, "dr-a", None, GrantState.ACTIVE, 11),
            _grant(0, "dr-b", {C.VITAL_SIGN}, GrantState.ACTIVE, 12),
            _grant(1, "dr-b", None, GrantState.EXPIRED, 13),
            _grant(2, "dr-b", None, GrantState.REVOKED, 14),
            _grant(3, "dr-b", {C.CONDITION}, GrantState.ACTIVE, 15),
            _grant(2, PAYOR, None, GrantState.ACTIVE, 16)),
)
# Everything each viewer's own view shows, worked out by hand from the contract.
BUSY_EXPECTED = {
    Viewer("patient", "ann"): {"MARK|P0|NAME|0", "MARK|P0|LAB|1", "MARK|P0|VITAL_SIGN|2", "MARK|P0|EPISODE|3",
                               "MARK|P0|CONDITION|4"},
    Viewer("patient", "bob"): {"MARK|P1|NAME|0", "MARK|P1|LAB|5", "MARK|P1|MEDICATION|6"},
    Viewer("patient", "cy"): {"MARK|P2|NAME|0", "MARK|P2|LAB|7"},
    Viewer("patient", "dee"): {"MARK|P3|NAME|0", "MARK|P3|CONDITION|8", "MARK|P3|ALLERGY|9"},
    Viewer("provider", "dr-a"): {"MARK|P0|NAME|0", "MARK|P0|LAB|1", "MARK|P0|EPISODE|3",
                                 "MARK|P1|NAME|0", "MARK|P1|LAB|5", "MARK|P1|MEDICATION|6"},
    Viewer("provider", "dr-b"): {"MARK|P0|NAME|0", "MARK|P0|VITAL_SIGN|2", "MARK|P0|EPISODE|3",
                                 "MARK|P3|NAME|0", "MARK|P3|CONDITION|8"},
    Viewer("provider", "dr-c"): set(),
    Viewer("payor", PAYOR): {"MARK|P0|NAME|0", "MARK|P1|NAME|0", "MARK|P2|NAME|0", "MARK|P3|NAME|0"},
    ADMIN: {"MARK|P0|NAME|0", "MARK|P1|NAME|0", "MARK|P2|NAME|0", "MARK|P3|NAME|0"},
}
RECORDS = "records(first: 100) { totalCount edges { node { id value } } }"
OWN_VIEW = {
    "patient": f"query Mine {{ me {{ ... on Patient {{ id name {RECORDS} }} }} }}",
    "provider": f"query Mine {{ myPatients {{ id name {RECORDS} }} }}",
    "payor": "query Mine { members(first: 100) { totalCount edges { node { id name } } } }",
    "admin": "query Mine { members(first: 100) { totalCount edges { node { id name } } } }",
}


def test_the_oracle_agrees_with_the_worked_example():
    assert {viewer: set(allowed_markers(BUSY_WORLD, viewer)) for viewer in BUSY_EXPECTED} == BUSY_EXPECTED


async def test_concurrent_users_under_load(api: Api):
    """Nine viewers, the same operation text for viewers of a kind, 108 requests in flight at
    once in a shuffled order: each sees exactly its own view — nothing from another's
    loaders, and nothing missing."""
    install(api, BUSY_WORLD)
    asked = [viewer for viewer in BUSY_EXPECTED for _ in range(12)]
    random.Random(360).shuffle(asked)
    responses = await asyncio.gather(*(api.post(OWN_VIEW[viewer.kind], token=token(api, viewer))
                                       for viewer in asked))
    for viewer, response in zip(asked, responses):
        where = f"{viewer}: {json.dumps(response.body)}"
        assert response.status == 200 and response.errors == [], where
        assert markers_in(json.dumps(response.body)) == BUSY_EXPECTED[viewer], where
    dr_b = next(r for v, r in zip(asked, responses) if v == Viewer("provider", "dr-b"))
    assert sorted((p["id"], p["records"]["totalCount"]) for p in dr_b.data["myPatients"]) == [("ann", 2), ("dee", 1)]


# -- what the properties found, pinned down -------------------------------------------------
async def test_a_patient_never_sees_another_patients_name_in_their_access_log(api: Api, population: Population):
    """Found by the property: a patient who probes another patient's id is logged, as a denied
    attempt, in that patient's access log — and `viewerName` then shows the prober's name to
    someone the prober never granted anything (demographics, contract: the patient, granted
    providers, the payor and admins only)."""
    population.patient("ann", "Ann Lee")
    population.patient("bob", "Bob Roe")
    probe = await api.as_patient("bob", 'query { patient(id: "ann") { name } }')
    assert probe.data == {"patient": None} and probe.codes() == ["FORBIDDEN"]
    log = await api.as_patient("ann", "query { me { ... on Patient { accessLog { viewerType viewerName outcome } } } }")
    assert log.errors == []
    assert "Bob Roe" not in json.dumps(log.body), log.body


@pytest.mark.parametrize("viewer, query, path", [
    (Viewer("admin", "admin-1"), "query($after: String) { members(after: $after) { totalCount } }", ["members"]),
    (Viewer("patient", "ann"), "query($after: String) { providers(after: $after) { totalCount } }", ["providers"]),
    (Viewer("patient", "ann"),
     "query($after: String) { me { ... on Patient { records(after: $after) { totalCount } } } }", ["me", "records"]),
])
async def test_a_cursor_past_any_list_is_bad_input_not_a_crash(api: Api, population: Population,
                                                                viewer: Viewer, query: str, path: list[str]):
    """Found while building the property: a cursor for offset 2**63 (well-formed, never issued)
    overflowed the graph's 64-bit range and came back as INTERNAL_SERVER_ERROR."""
    population.patient("ann", "Ann Lee")
    response = await api.post(query, {"after": encode_cursor(2**63)}, token=token(api, viewer))
    assert response.status == 200
    assert response.codes() == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"]["argument"] == "after"
    assert response.error_paths() == [path]
