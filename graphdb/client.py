"""GraphClient: how the rest of the code submits traversals.

Traversals are built with gremlinpython's fluent API on ``client.g`` (or ``__``) and handed to
``run``; the connection (embedded or remote) executes their bytecode on a worker thread, so
the event loop never blocks. Every submitted traversal is counted.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any, Protocol, Sequence

from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import GraphTraversalSource
from gremlin_python.process.traversal import Bytecode, Traversal
from gremlin_python.structure.graph import Graph

from graphdb.metrics import Counter


class Connection(Protocol):
    def execute(self, bytecode: Bytecode) -> list[Any]: ...
    def execute_atomic(self, bytecodes: Sequence[Bytecode]) -> list[list[Any]]: ...
    def health(self) -> None: ...
    def close(self) -> None: ...


def traversal_source() -> GraphTraversalSource:
    """A source for building traversals; it never runs them itself."""
    return traversal().with_graph(Graph())


class GraphClient:
    def __init__(self, writer: Connection, reader: Connection | None = None, workers: int = 8):
        self.writer = writer
        self.reader = reader or writer
        self.g = traversal_source()
        self.traversals = Counter(
            "p360_graph_traversals_total", "Traversals submitted to the graph."
        )
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="graph")

    async def run(self, traversal: Traversal, *, replica: bool = False) -> list[Any]:
        """Results of one traversal. ``replica=True`` lets a record read go to the reader
        endpoint; anything that decides access must leave it False."""
        self.traversals.inc()
        connection = self.reader if replica else self.writer
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, connection.execute, traversal.bytecode)

    async def first(self, traversal: Traversal, *, replica: bool = False) -> Any:
        results = await self.run(traversal, replica=replica)
        return results[0] if results else None

    async def run_atomic(self, traversals: Sequence[Traversal]) -> list[list[Any]]:
        """Several writes that land together or not at all."""
        self.traversals.inc(len(traversals))
        loop = asyncio.get_running_loop()
        bytecodes = [t.bytecode for t in traversals]
        return await loop.run_in_executor(self._pool, self.writer.execute_atomic, bytecodes)

    def run_sync(self, traversal: Traversal) -> list[Any]:
        """For command-line tools that have no event loop."""
        self.traversals.inc()
        return self.writer.execute(traversal.bytecode)

    def run_atomic_sync(self, traversals: Sequence[Traversal]) -> list[list[Any]]:
        self.traversals.inc(len(traversals))
        return self.writer.execute_atomic([t.bytecode for t in traversals])

    async def health(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._pool, self.writer.health)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.writer.close()
        if self.reader is not self.writer:
            self.reader.close()
