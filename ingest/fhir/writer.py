"""Writing: each resource's upsert lands whole or not at all.

Every resource is one upsert traversal (its vertex and its edges). Several resources go in one
atomic ``run_atomic_sync`` chunk for speed; when a chunk fails, its resources are retried one
by one, so one bad resource is rejected alone and never sinks the others. A graph that is
unavailable is not a bad resource: that error ends the import.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

from gremlin_python.process.graph_traversal import GraphTraversal

from graphdb.client import GraphClient
from graphdb.errors import GraphQueryError
from ingest.fhir.inputs import SourceEntry
from ingest.fhir.report import Rejection

# Resources per atomic chunk. Measured on the embedded engine (bench/bench_import.py): a chunk
# of ~10 upserts is about 1.5x faster per resource than one at a time, while chunks of 100+
# are slower again (the engine's cost grows faster than the script).
DEFAULT_CHUNK_SIZE = 10

# How much of the engine's message a rejection quotes: the cause, not the whole script.
MAX_REASON_CHARS = 200


@dataclasses.dataclass(frozen=True, slots=True)
class PendingWrite:
    entry: SourceEntry
    traversal: GraphTraversal


OnWritten = Callable[[int], None]


class ChunkedWriter:
    def __init__(self, client: GraphClient, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 on_written: OnWritten | None = None):
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self._client = client
        self._chunk_size = chunk_size
        self._on_written = on_written

    def write(self, pending: Sequence[PendingWrite]) -> tuple[list[PendingWrite], list[Rejection]]:
        """(what was written, why the rest was not)."""
        written: list[PendingWrite] = []
        rejections: list[Rejection] = []
        for start in range(0, len(pending), self._chunk_size):
            chunk = pending[start:start + self._chunk_size]
            try:
                self._client.run_atomic_sync([p.traversal for p in chunk])
                written.extend(chunk)
            except GraphQueryError:
                for one in chunk:
                    try:
                        self._client.run_atomic_sync([one.traversal])
                        written.append(one)
                    except GraphQueryError as err:
                        rejections.append(Rejection(one.entry.location, f"graph write failed: {_cause(err)}"))
            if self._on_written:
                self._on_written(len(chunk))
        return written, rejections


def _cause(err: GraphQueryError) -> str:
    """The engine's own explanation, without the traversal it quotes (which can be long and
    carries the resource's values)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    causes = [line for line in lines if line.startswith("Caused by:")]
    text = causes[-1].removeprefix("Caused by:").strip() if causes else (lines[0] if lines else "unknown error")
    return text[:MAX_REASON_CHARS]
