"""The graph layer on the embedded engine: rendering with bound values, gremlinpython result
types, atomic writes, and one process per store."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Cardinality, Column, Order, P, Scope, T, TextP
from gremlin_python.structure.graph import Edge, Vertex

from graphdb.embedded import PID_FILENAME
from graphdb.errors import GraphQueryError, StoreLocked
from graphdb.open import open_graph
from graphdb.render import UnsupportedTraversal, render
from graphdb.client import traversal_source


@pytest.fixture
def graph(tmp_path):
    client = open_graph(tmp_path / "data")
    yield client
    client.close()


def test_values_are_bound_parameters_never_script_text():
    g = traversal_source()
    hostile = 'x"); g.V().drop().iterate(); ("'
    rendered = render(g.V("Patient/1").has("name", hostile).has("n", P.within([1, 2, 3])).bytecode)
    assert hostile not in rendered.statements and '"' not in rendered.statements
    assert list(rendered.params.values()) == ["Patient/1", "name", hostile, "n", 1, 2, 3]
    same_shape = render(g.V("Patient/2").has("name", "other").has("n", P.within([4, 5, 6])).bytecode)
    assert same_shape.statements == rendered.statements


def test_unsupported_steps_and_arguments_are_named():
    g = traversal_source()
    with pytest.raises(UnsupportedTraversal, match="'tree'"):
        render(g.V().tree().bytecode)
    with pytest.raises(UnsupportedTraversal, match="function in step 'map'"):
        render(g.V().map(lambda: "it.get()").bytecode)


def test_steps_predicates_tokens_and_result_types(graph):
    g = graph.g
    graph.run_sync(g.add_v("Patient").property(T.id, "Patient/a").property("name", "Ann").property("age", 40))
    graph.run_sync(g.add_v("Patient").property(T.id, "Patient/b").property("name", "Bob").property("age", 30))
    graph.run_sync(g.V("Patient/a").add_e("KNOWS").to(__.V("Patient/b")).property("since", 2020))

    assert graph.run_sync(g.V("Patient/a").element_map()) == [{T.id: "Patient/a", T.label: "Patient", "name": "Ann", "age": 40}]
    vertex = graph.run_sync(g.V("Patient/a"))[0]
    assert isinstance(vertex, Vertex) and vertex.id == "Patient/a" and vertex.label == "Patient"
    edge = graph.run_sync(g.E())[0]
    assert isinstance(edge, Edge) and edge.outV.id == "Patient/a" and edge.inV.id == "Patient/b" and edge.label == "KNOWS"
    assert graph.run_sync(g.V().has("age", P.gt(35).and_(P.lt(50))).values("name")) == ["Ann"]
    assert graph.run_sync(g.V().has("name", TextP.containing("o")).values("name")) == ["Bob"]
    many = [f"Patient/{i}" for i in range(200)] + ["Patient/b"]
    assert graph.run_sync(g.V(*many).values("name")) == ["Bob"]
    assert graph.run_sync(g.V().has(T.id, P.within(many)).count()) == [1]
    assert graph.run_sync(g.V().order().by("age", Order.asc).values("name")) == ["Bob", "Ann"]
    assert graph.run_sync(g.V().values("name").fold().count(Scope.local)) == [2]
    assert graph.run_sync(g.V().group().by("name").by(__.values("age")).select(Column.keys)) in (
        [["Ann", "Bob"]], [["Bob", "Ann"]])
    graph.run_sync(g.V("Patient/a").property(Cardinality.single, "age", 41))
    assert graph.run_sync(g.V("Patient/a").values("age")) == [41]
    assert graph.run_sync(g.with_("evaluationTimeout", 5000).V().count()) == [2]
    when = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    graph.run_sync(g.V("Patient/a").property(Cardinality.single, "at", when))
    assert graph.run_sync(g.V("Patient/a").values("at")) == [when]


def test_a_write_of_several_traversals_lands_whole_or_not_at_all(graph):
    g = graph.g
    graph.run_sync(g.add_v("Patient").property(T.id, "Patient/a").property("name", "Ann"))
    with pytest.raises(GraphQueryError):
        graph.run_atomic_sync([
            g.V("Patient/a").property(Cardinality.single, "name", "Changed"),
            g.add_v("Patient").property(T.id, "Patient/new"),
            g.V("Patient/a").values("name").sum_(),  # sum over text fails
        ])
    assert graph.run_sync(g.V("Patient/a").values("name")) == ["Ann"]
    assert graph.run_sync(g.V("Patient/new").count()) == [0]
    results = graph.run_atomic_sync([g.V("Patient/a").property(Cardinality.single, "name", "Anna"),
                                     g.V("Patient/a").values("name")])
    assert results[1] == ["Anna"]


def test_long_traversals_are_built_in_statements(graph):
    g = graph.g
    t = g.inject(0)
    for i in range(300):
        t = t.add_v("Patient").property(T.id, f"Patient/{i}").property("n", i)
    graph.run_sync(t)
    assert graph.run_sync(g.V().has_label("Patient").count()) == [300]


def test_steps_of_many_branches_run_as_nested_steps_of_the_same_kind(graph):
    # The engine takes at most ten arguments per step; a batch may make one branch per group of
    # patients or per event, so union, coalesce, and and or of any width must run as one.
    g = graph.g
    for width in (11, 25, 123):
        assert graph.run_sync(g.inject(0).union(*(__.constant(i) for i in range(width)))) == list(range(width))
    empty_then_found = [__.V("Patient/none").values("x") for _ in range(14)] + [__.constant("found"), __.constant("late")]
    assert graph.run_sync(g.inject(0).coalesce(*empty_then_found)) == ["found"]
    graph.run_sync(g.add_v("Patient").property(T.id, "Patient/a").property("n", 5))
    assert graph.run_sync(g.V().and_(*(__.has("n", P.gt(i)) for i in range(12))).count()) == [0]
    assert graph.run_sync(g.V().and_(*(__.has("n", P.gte(i % 6)) for i in range(12))).count()) == [1]
    assert graph.run_sync(g.V().or_(*(__.has("n", i) for i in range(12))).count()) == [1]
    assert graph.run_sync(g.V().or_(*(__.has("n", 100 + i) for i in range(12))).count()) == [0]
    # A step whose arguments are keys cannot be split, and says so.
    with pytest.raises(UnsupportedTraversal, match="step 'project' has 11 arguments; at most 10"):
        render(g.V().project(*(f"k{i}" for i in range(11))).bytecode)


def test_the_store_survives_a_restart(tmp_path):
    first = open_graph(tmp_path / "data")
    first.run_sync(first.g.add_v("Patient").property(T.id, "Patient/a").property("name", "Ann"))
    first.close()
    second = open_graph(tmp_path / "data")
    try:
        assert second.run_sync(second.g.V("Patient/a").values("name")) == ["Ann"]
    finally:
        second.close()


def test_a_second_process_is_told_who_holds_the_store(graph, tmp_path):
    script = textwrap.dedent(f"""
        from graphdb.open import open_graph
        open_graph({str(tmp_path / "data")!r})
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode != 0
    assert f"held by process {os.getpid()}" in result.stderr
    cli = subprocess.run([sys.executable, "-m", "p360.cli", "seed", "--data-dir", str(tmp_path / "data"),
                          "--patients", "1"], capture_output=True, text=True)
    assert cli.returncode == 3 and f"held by process {os.getpid()}" in cli.stderr


def test_a_stale_pid_file_does_not_lock_the_store_forever(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (data / PID_FILENAME).write_text(dead.stdout)
    client = open_graph(data)
    try:
        assert (data / PID_FILENAME).read_text().strip() == str(os.getpid())
    finally:
        client.close()
    assert not (data / PID_FILENAME).exists()


def test_store_locked_error_in_process(graph, tmp_path):
    with pytest.raises(StoreLocked):
        # The same process asking twice is refused by the engine's own lock.
        open_graph(tmp_path / "data")


def test_closing_after_many_writes_leaves_a_snapshot_for_a_quick_open(tmp_path):
    from graphdb.embedded import CHECKPOINT_AFTER_COMMITS

    for round_ in range(3):
        client = open_graph(tmp_path / "data")
        for i in range(CHECKPOINT_AFTER_COMMITS):
            client.run_sync(client.g.add_v("Patient").property(T.id, f"Patient/{round_}-{i}"))
        client.close()
    reopened = open_graph(tmp_path / "data")
    try:
        assert reopened.writer._store.open_report()["commits_replayed"] == 0
        assert reopened.run_sync(reopened.g.V().count()) == [3 * CHECKPOINT_AFTER_COMMITS]
        # Older snapshots (and the journal before them) are dropped: the engine keeps two.
        assert len(reopened.writer._store.snapshots()) == 2
    finally:
        reopened.close()
