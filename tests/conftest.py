from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from graphdb import bytecode as walk
from graphdb import client as client_module
from graphdb import steps
from graphdb.client import GraphClient
from graphdb.retry_safety import retry_safe
from tests.support import BACKENDS, Api, Population, start_api, stop_api


@pytest.fixture(params=BACKENDS)
async def api(request, tmp_path) -> Api:
    """A running API; every test that uses it runs twice: over the embedded store, and over a
    remote Gremlin endpoint through gremlinpython's DriverRemoteConnection."""
    server, runner = await start_api(tmp_path / "data", backend=request.param)
    try:
        yield server
    finally:
        await stop_api(server, runner)


@pytest.fixture
def population(api: Api) -> Population:
    return Population(api.graph)


_TESTS = Path(__file__).resolve().parent
_PASS_THROUGH = {str(Path(client_module.__file__).resolve()), str(Path(__file__).resolve())}


def _written_in_a_test_module() -> bool:
    """Whether the traversal being submitted comes straight from a test function (a graph
    layer test exercising the engine), not from the application (tests/support.py submits
    the application's own upserts, so it counts as the application)."""
    frame = sys._getframe(2)
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()) in _PASS_THROUGH:
        frame = frame.f_back
    if frame is None:
        return False
    path = Path(frame.f_code.co_filename).resolve()
    return path.parent == _TESTS and path.name.startswith("test_")


@pytest.fixture(autouse=True)
def portable_traversals(monkeypatch) -> Iterator[list[str]]:
    """Every traversal the application submits while any test runs (both backends, the
    importer, the seeder) is walked against graphdb/steps.py: the allowlist of steps,
    predicates and tokens, nested traversals included, no lambdas, and the rules that keep a
    traversal portable; and every write must be an idempotent upsert that a retry cannot
    duplicate (graphdb/retry_safety.py). A test that made the application run one that breaks
    them fails, naming the traversal and the rule. Traversals a test module submits itself to
    exercise the engine are held to the allowlist only."""
    problems: list[str] = []

    def check(traversal: Any) -> tuple[list[str], list[str]]:
        """(what no engine runs, what breaks the portability rules) of one traversal."""
        bytecode = traversal.bytecode
        hard = steps.unsupported(bytecode)
        soft: list[str] = []
        if not _written_in_a_test_module():
            soft = [v for v in steps.violations(bytecode) if v not in hard]
            if walk.mutates(bytecode) and not retry_safe(bytecode):
                soft.append("a write that a retry could duplicate: not an idempotent upsert "
                            "keyed by id (graphdb/retry_safety.py)")
        line = lambda found: [f"{bytecode}: {'; '.join(found)}"] if found else []  # noqa: E731
        return line(hard), line(soft)

    def wrap(name: str, many: bool) -> None:
        original = getattr(GraphClient, name)

        def checked(self, traversals, *args, **kwargs):
            # Checked here, so that the submitter is two frames up. The portability rules count
            # once the traversal ran: one the graph refused changed nothing (a test may send a
            # broken write through the application on purpose, to see it rejected).
            hard, soft = [], []
            for traversal in (traversals if many else [traversals]):
                found = check(traversal)
                hard += found[0]
                soft += found[1]
            problems.extend(hard)
            result = original(self, traversals, *args, **kwargs)
            if not inspect.isawaitable(result):
                problems.extend(soft)
                return result

            async def recorded():
                value = await result
                problems.extend(soft)
                return value
            return recorded()
        monkeypatch.setattr(GraphClient, name, checked)

    for name in ("run", "run_sync"):
        wrap(name, many=False)
    for name in ("run_atomic", "run_atomic_sync"):
        wrap(name, many=True)
    yield problems
    if problems:
        unique = list(dict.fromkeys(problems))
        pytest.fail("traversals outside graphdb/steps.py's rules:\n" + "\n".join(unique), pytrace=False)
