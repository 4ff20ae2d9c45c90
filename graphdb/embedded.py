"""The embedded graph: a graphersal Store in the data dir behind a gremlinpython
``RemoteConnection``, so the application's traversals run here exactly as they would on a
Gremlin server."""
from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import Any, Iterable, Sequence

import graphersal
from gremlin_python.driver.remote_connection import RemoteConnection, RemoteTraversal
from gremlin_python.process.traversal import Bytecode, Traverser

from graphdb.errors import GraphQueryError, GraphUnavailable, StoreLocked
from graphdb.render import render
from graphdb.results import to_gremlin

STORE_DIRNAME = "graph"
PID_FILENAME = "graph.pid"
CHECKPOINT_AFTER_COMMITS = 2000


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreLease:
    """Who holds the store: a pid file beside it, so a second process is told which pid to
    look for instead of a bare lock error."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / PID_FILENAME

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            holder = int(self.path.read_text().strip() or "0")
        except (FileNotFoundError, ValueError):
            holder = 0
        if holder and holder != os.getpid() and _pid_alive(holder):
            raise StoreLocked(
                f"the graph store in {self.path.parent} is held by process {holder}; "
                "stop it first (or point this command at another --data-dir)"
            )
        self.path.write_text(f"{os.getpid()}\n")

    def holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def release(self) -> None:
        if self.holder() == os.getpid():
            self.path.unlink(missing_ok=True)


def _without_values(message: str) -> str:
    """The engine's message quotes the failing step with its values, and the values involved;
    only the cause (or, without one, the first line) may reach logs, which must never hold
    health data."""
    lines = message.splitlines()
    causes = [line.strip().removeprefix("Caused by:").strip() for line in lines if line.startswith("Caused by:")]
    return causes[-1] if causes else (lines[0] if lines else "the graph refused the traversal")


class EmbeddedConnection(RemoteConnection):
    """A RemoteConnection whose 'server' is a graphersal Store in this process."""

    def __init__(self, data_dir: str | os.PathLike[str]):
        super().__init__(f"embedded:{data_dir}", "g")
        self.data_dir = Path(data_dir)
        self._lease = StoreLease(self.data_dir)
        self._lease.acquire()
        store_path = self.data_dir / STORE_DIRNAME
        try:
            if store_path.exists() and any(store_path.iterdir()):
                self._store = graphersal.Store.open(str(store_path))
            else:
                self._store = graphersal.Store.create(str(store_path))
        except graphersal.GraphersalError as err:
            self._lease.release()
            if "in use" in str(err):
                raise StoreLocked(
                    f"the graph store in {self.data_dir} is in use by another process"
                    f" (pid file says {self._lease.holder() or 'unknown'})"
                ) from err
            raise GraphUnavailable(f"cannot open the graph store in {store_path}: {err}") from err
        self._graph = self._store.graph
        # The engine's script limits guard against untrusted scripts; ours are rendered from
        # traversals with every value bound, and its 16 MiB string limit broke batched reads of
        # large records. Records have their own size limit (model/record_size.py).
        self._graph.set_limits(max_operations=0, max_array_size=0, max_map_size=0, max_string_size=0)
        self._closed = False
        self._writes = 0
        self._lock = threading.Lock()
        self._ensure_indexes()

    def _ensure_indexes(self) -> None:
        from graphdb.model import INDEXES

        existing = {(i.get("label"), i.get("key")) for i in self._graph.indexes()}
        for label, key in INDEXES:
            if (label, key) not in existing:
                self._graph.create_index(label, key)

    # -- RemoteConnection ---------------------------------------------------------------
    def submit(self, bytecode: Bytecode) -> RemoteTraversal:
        results = self.execute(bytecode)
        return RemoteTraversal(iter([Traverser(r) for r in results]))

    def is_closed(self) -> bool:
        return self._closed

    # -- what the GraphClient uses ----------------------------------------------------
    def execute(self, bytecode: Bytecode) -> list[Any]:
        rendered = render(bytecode)
        self._writes += rendered.mutates
        result = self._run(f"{rendered.statements} {rendered.variable}.to_list()", rendered.params, atomic=False)
        return to_gremlin(result, rendered.wants_tokens)

    def execute_atomic(self, bytecodes: Sequence[Bytecode]) -> list[list[Any]]:
        """Several traversals as one unit: all of them land, or none."""
        statements, params, tokens = [], {}, []
        for index, bytecode in enumerate(bytecodes):
            rendered = render(bytecode, prefix=f"t{index}p", variable=f"t{index}")
            self._writes += rendered.mutates
            statements.append(f"{rendered.statements} let r{index} = {rendered.variable}.to_list();")
            params.update(rendered.params)
            tokens.append(rendered.wants_tokens)
        statements.append("[" + ", ".join(f"r{i}" for i in range(len(bytecodes))) + "]")
        results = self._run("\n".join(statements), params, atomic=True)
        return [to_gremlin(r, t) for r, t in zip(results, tokens)]

    def import_graphson_lines(self, lines: Iterable[str], vertices: int) -> None:
        """GraphSON lines imported as one unit (``graphdb.bulk``), through a file beside the
        store that is removed afterwards. Anything the engine would skip is an error."""
        if self._closed:
            raise GraphUnavailable("the graph store is closed")
        path = self.data_dir / f"bulk-{os.getpid()}-{threading.get_ident()}.graphson"
        try:
            with path.open("w", encoding="utf-8") as out:
                for line in lines:
                    out.write(line)
                    out.write("\n")
            with warnings.catch_warnings(record=True) as skipped:
                warnings.simplefilter("always")
                try:
                    self._graph.import_graphson(str(path))
                except graphersal.GraphersalError as err:
                    raise GraphQueryError(_without_values(str(err))) from None
            self._writes += vertices
            if skipped:
                raise GraphQueryError(f"the bulk import skipped data: {_without_values(str(skipped[0].message))}")
        finally:
            path.unlink(missing_ok=True)

    def _run(self, script: str, params: dict[str, Any], atomic: bool) -> Any:
        if self._closed:
            raise GraphUnavailable("the graph store is closed")
        try:
            return self._graph.execute(script, params=params, atomic=atomic)
        except graphersal.GraphersalError as err:
            raise GraphQueryError(_without_values(str(err))) from None

    def health(self) -> None:
        self._run("g.V().limit(1).count()", {}, atomic=False)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._checkpoint_if_long()
                self._store.close()
            finally:
                self._lease.release()

    def _checkpoint_if_long(self) -> None:
        """Opening a store replays every commit since its last snapshot: after many writes,
        leave a snapshot so that the next open is quick, and drop the snapshots and journal
        segments only older states needed (the engine keeps the last two snapshots)."""
        replayed = self._store.open_report().get("commits_replayed") or 0
        if replayed + self._writes >= CHECKPOINT_AFTER_COMMITS:
            self._store.checkpoint()
            self._store.compact()


