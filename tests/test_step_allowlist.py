"""The Gremlin allowlist (graphdb/steps.py): only TinkerPop 3.7 steps, a walk that finds what
Neptune or JanusGraph would refuse, writes that a retry cannot duplicate, and the docs listing
exactly the allowlist.

Every traversal the application submits during the whole suite, over both backends, is
walked by the autouse fixture ``portable_traversals`` in tests/conftest.py; this file tests
the walk itself and what it is held to.
"""
from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path

import pytest
from gremlin_python.process import graph_traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Cardinality, Column, Direction, Order, P, Pop, Scope, T, TextP

from graphdb import bootstrap, steps, writes
from graphdb.bytecode import mutates
from graphdb.client import traversal_source
from graphdb.retry_safety import retry_safe
from model.categories import RecordCategory as C
from model.nodes import AccessEventNode, GrantNode, PatientNode, PayorNode, ProviderNode, RecordNode

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "docs" / "remote-graph.md", REPO / "README.md"]
BEGIN = "<!-- supported-gremlin:begin (generated from graphdb/steps.py; tests/test_step_allowlist.py checks it) -->"
END = "<!-- supported-gremlin:end -->"
NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def _gremlinpython_steps(cls: type, call: str) -> set[str]:
    return set(re.findall(call + r'\("(\w+)"', inspect.getsource(cls)))


def test_every_allowlisted_name_is_part_of_tinkerpop_37():
    traversal_steps = _gremlinpython_steps(graph_traversal.GraphTraversal, r"self\.bytecode\.add_step")
    source = graph_traversal.GraphTraversalSource
    assert steps.STEPS <= traversal_steps
    assert steps.SOURCE_STEPS <= _gremlinpython_steps(source, r"\.add_step")
    assert steps.SOURCE_INSTRUCTIONS <= _gremlinpython_steps(source, r"\.add_source") | {"with"}
    snake = lambda name: re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()  # noqa: E731
    for name in steps.PREDICATES - {"and", "or", "not"}:
        assert isinstance(getattr(P, name)(1, 2) if name in ("between", "inside", "outside") else getattr(P, name)(1), P)
    for name in steps.TEXT_PREDICATES:
        assert getattr(TextP, snake(name))("x").operator == name
    tokens = {e.__name__: e for e in (T, Order, Cardinality, Scope, Column, Direction, Pop)}
    for kind, names in steps.TOKENS.items():
        assert names <= set(tokens[kind].__members__), kind


def test_the_walk_names_what_neptune_or_janusgraph_would_refuse():
    g = traversal_source()
    assert steps.violations(g.V("Patient/1").element_map().bytecode) == []
    bad = (g.V().has("name", TextP.regex("^A"))
           .where(__.out().map(lambda: "it.get()"))
           .local(__.out().tree())
           .order().by("name", Order.asc)
           .property(Cardinality.list_, "tag", "x")
           .property("note", "y"))
    assert steps.violations(bad.bytecode) == [
        "TextP.regex in step 'has' is not supported",
        "a lambda in step 'map': Neptune does not run lambdas",
        "step 'tree' is not supported",
        "by('name') drops elements without that property (TinkerPop 3.7 productive by); give a default "
        "or add the key to steps.BY_KEYS",
        "token Cardinality.list_ in step 'property' is not supported",
        "property('note', ...) on an existing element must say Cardinality.single (Neptune's default "
        "cardinality is set)",
    ]
    assert steps.violations(g.add_v("Patient").property("name", "x").bytecode) == [
        "addV() without property(T.id, ...) right after it: every vertex is keyed by an explicit string id "
        "(JanusGraph needs custom ids, upserts need keys)"]
    assert steps.violations(__.out().bytecode) == [
        "a traversal must start with one of ['E', 'V', 'addE', 'addV', 'inject'], not 'out'"]
    # A default makes a by() safe; T tokens and the keys every element carries are safe.
    assert steps.violations(g.V().order().by(__.coalesce(__.values("name"), __.constant(""))).by(T.id)
                            .group().by("patientId").by(__.values("sortKey").fold()).bytecode) == []


def _every_write(g) -> dict[str, object]:
    """Each write builder of graphdb/writes.py (and the bootstrap) with sample values."""
    grant = GrantNode("g1", "p1", "doc", "Provider", frozenset({C.LAB}), False, NOW, NOW + dt.timedelta(days=3))
    event = AccessEventNode("e1", "p1", NOW, "doc", "Provider", "Dr. Doc", "Chart", (C.LAB,), 1, "ALLOWED", ("g1",))
    return {
        "upsert_payor": writes.upsert_payor(g, PayorNode("payor", "Payor")),
        "upsert_patient": writes.upsert_patient(g, PatientNode("p1", "Ann", dt.date(1980, 5, 17)), "payor"),
        "upsert_provider": writes.upsert_provider(g, ProviderNode("doc", "Dr. Doc", "1234567890")),
        "upsert_organization": writes.upsert_organization(g, "org1", None),
        "upsert_record": writes.upsert_record(g, RecordNode("r1", "p1", C.LAB, value="6.9", author_id="doc",
                                                            effective_at=NOW, result_ids=("r2", "r3"))),
        "set_record_status": writes.set_record_status(g, "r1", "final"),
        "upsert_grant": writes.upsert_grant(g, grant),
        "add_access_events": writes.add_access_events(g, [event, AccessEventNode(
            "e2", "p2", NOW, "doc", "Provider", None, None, (), 0, "DENIED", ())]),
        "upsert_identity_link": writes.upsert_identity_link(g, "https://issuer", "sub", "Patient", "p1"),
    }


def test_every_write_the_application_builds_is_an_idempotent_upsert():
    g = traversal_source()
    built = _every_write(g)
    builders = {name for name, f in inspect.getmembers(writes, inspect.isfunction)
                if not name.startswith("_") and f.__module__ == writes.__name__}
    assert builders == set(built)  # a new write builder needs a sample here
    built["ensure_payor"] = bootstrap.ensure_payor_traversal(_SourceOnly(g), "payor")  # type: ignore[arg-type]
    for name, traversal in built.items():
        assert mutates(traversal.bytecode), name
        assert retry_safe(traversal.bytecode), name
        assert steps.violations(traversal.bytecode) == [], name


class _SourceOnly:
    """What ensure_payor_traversal needs of a GraphClient: its traversal source."""

    def __init__(self, g):
        self.g = g


def test_writes_a_retry_could_duplicate_are_told_apart():
    g = traversal_source()
    assert not retry_safe(g.V("a").add_e("KNOWS").to(__.V("b")).bytecode)  # a second edge each time
    assert not retry_safe(g.add_v("N").bytecode)  # no key: a second vertex each time
    assert not retry_safe(g.V("a").property(Cardinality.list_, "tag", "x").bytecode)
    assert not retry_safe(g.V("a").side_effect(__.in_e("L").drop()).side_effect(__.add_e("L").to(__.V("b"))).bytecode)
    assert retry_safe(g.V("a").side_effect(__.out_e("L").drop()).side_effect(__.add_e("L").to(__.V("b"))).bytecode)
    assert retry_safe(g.V("a").side_effect(__.coalesce(__.in_e("L"), __.add_e("L").from_(__.V("b")))).bytecode)
    assert retry_safe(g.V("a").fold().coalesce(__.unfold(), __.add_v("N").property(T.id, "a")).bytecode)
    assert retry_safe(g.V("a").drop().bytecode)
    assert retry_safe(g.V().has("n", P.gt(1)).count().bytecode)


def supported_gremlin_block() -> str:
    """The docs' list of the allowlist, as graphdb/steps.py has it."""
    code = lambda names: ", ".join(f"`{n}`" for n in sorted(names))  # noqa: E731
    tokens = sorted(f"{kind}.{name.rstrip('_')}" for kind, names in steps.TOKENS.items() for name in names)
    rows = [
        ("source instructions", code(steps.SOURCE_INSTRUCTIONS - {"withStrategies"})
         + ", `withStrategies` (only the `OptionsStrategy` that `g.with_()` sends)"),
        ("start steps (`g.…`)", code(steps.SOURCE_STEPS)),
        ("steps", code(steps.STEPS)),
        ("predicates `P`", code(steps.PREDICATES)),
        ("predicates `TextP`", code(steps.TEXT_PREDICATES)),
        ("tokens", code(tokens)),
        ("keys `by(\"key\")` may name", code(steps.BY_KEYS)),
    ]
    lines = [BEGIN, "| kind | allowed |", "| --- | --- |"]
    lines += [f"| {kind} | {names} |" for kind, names in rows]
    return "\n".join(lines + [END])


def test_the_docs_list_exactly_the_allowlist():
    found = [path for path in DOCS if path.exists() and BEGIN in path.read_text()]
    assert found, f"no doc has the supported-Gremlin list; put this in README.md:\n{supported_gremlin_block()}"
    for path in found:
        text = path.read_text()
        block = text[text.index(BEGIN):text.index(END) + len(END)]
        assert block == supported_gremlin_block(), f"{path} is out of date; the list is:\n{supported_gremlin_block()}"


@pytest.mark.parametrize("name, start", [(n, False) for n in sorted(steps.STEPS)]
                         + [(n, True) for n in sorted(steps.SOURCE_STEPS)])
def test_the_embedded_renderer_takes_every_allowlisted_step(name, start):
    """The embedded engine is given everything the allowlist allows (and graphdb/render.py
    refuses what it does not)."""
    from graphdb.render import render

    bytecode = traversal_source().inject(1).bytecode if not start else traversal_source().bytecode
    bytecode.step_instructions.append([name])
    assert render(bytecode).statements.endswith(f".{name}();")
