"""Bulk loading of new entities: many vertices and their edges as one unit, without a
traversal per vertex.

Seeding a large population one upsert at a time costs about a millisecond a record (the
engine compiles every script); the embedded store instead imports the same vertices and
edges from GraphSON lines, all of them or none. The vertices and edges come from the same
descriptions the upserts are built from (``graphdb.vertices``), so both write the same graph.

It only adds: a batch in which any vertex already exists is refused whole (``VerticesExist``),
and the caller writes it with upserts instead. A remote endpoint has no such path here (Neptune
and JanusGraph bring their own bulk loaders); ``bulk_load`` says so by returning False.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Protocol, Sequence, runtime_checkable

from graphdb.client import GraphClient
from graphdb.errors import GraphQueryError
from graphdb.vertices import VertexWrite

# Edge endpoints outside a batch are checked in one traversal per this many ids.
_IDS_PER_CHECK = 500


class VerticesExist(GraphQueryError):
    """A vertex of the batch is already in the graph: nothing of the batch was written."""


@runtime_checkable
class BulkImporter(Protocol):
    def import_graphson_lines(self, lines: Iterable[str], vertices: int) -> None: ...


def bulk_load(client: GraphClient, batch: Sequence[VertexWrite]) -> bool:
    """Writes every vertex of ``batch`` with the edges it owns, as one unit. False when the
    graph has no bulk path (write the batch with upserts). Raises ``VerticesExist`` when a
    vertex is already there, ``GraphQueryError`` when an edge's target is neither in the batch
    nor in the graph; in both cases nothing was written. The source of an in-edge (a record's
    patient) must be in the batch."""
    importer = client.writer
    if not isinstance(importer, BulkImporter):
        return False
    vids = [v.vid for v in batch]
    inside = set(vids)
    if len(inside) != len(vids):
        raise ValueError("a bulk batch names a vertex twice")
    _check_ends_exist(client, inside, batch)
    try:
        importer.import_graphson_lines(graphson_lines(batch), len(batch))
    except GraphQueryError as err:
        if "already exists" in str(err):
            raise VerticesExist("a vertex of the batch already exists") from None
        raise
    client.traversals.inc()
    return True


def _check_ends_exist(client: GraphClient, inside: set[str], batch: Sequence[VertexWrite]) -> None:
    sources_outside = {source for v in batch for _, sources in v.in_edges for source in sources} - inside
    if sources_outside:
        raise ValueError(f"an in-edge of the batch starts at {min(sources_outside)}, outside the batch")
    outside = sorted({target for v in batch for _, targets in v.out_edges for target in targets} - inside)
    for start in range(0, len(outside), _IDS_PER_CHECK):
        wanted = outside[start:start + _IDS_PER_CHECK]
        found = set(client.run_sync(client.g.V(*wanted).id_()))
        missing = [vid for vid in wanted if vid not in found]
        if missing:
            raise GraphQueryError(f"an edge of the batch ends at {missing[0]}, which is not in the graph")


def graphson_lines(batch: Sequence[VertexWrite]) -> Iterator[str]:
    """The batch in GraphSON 3.0's line form, one vertex per line. Every edge is written once,
    under ``outE`` of its source vertex: the engine's import makes edges from ``outE`` (an
    ``inE`` entry whose source is in the same file is skipped without a word)."""
    out_edges: dict[str, dict[str, list[str]]] = {v.vid: {} for v in batch}
    for v in batch:
        for label, targets in v.out_edges:
            out_edges[v.vid].setdefault(label, []).extend(targets)
        for label, sources in v.in_edges:
            for source in sources:
                out_edges[source].setdefault(label, []).append(v.vid)
    for v in batch:
        line: dict[str, Any] = {
            "id": v.vid,
            "label": v.label,
            "properties": {key: [{"value": _typed(key, value)}]
                           for key, value in v.properties.items() if value is not None},
        }
        edges = {label: [{"inV": target} for target in targets]
                 for label, targets in out_edges[v.vid].items() if targets}
        if edges:
            line["outE"] = edges
        yield json.dumps(line, separators=(",", ":"))


def _typed(key: str, value: Any) -> Any:
    # bool before int: a bool is an int to Python, a boolean to GraphSON.
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"@type": "g:Int64", "@value": value}
    if isinstance(value, float):
        return {"@type": "g:Double", "@value": value}
    raise TypeError(f"property {key!r}: a {type(value).__name__} has no GraphSON form here")
