"""What every graph needs before the first request."""
from __future__ import annotations

from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import T

from graphdb import model
from graphdb.client import GraphClient


def ensure_payor_traversal(graph: GraphClient, payor_id: str):
    """The operating payor's node, created once; an existing one is left as it is."""
    vertex_id = model.vid(model.PAYOR, payor_id)
    return graph.g.V(vertex_id).fold().coalesce(
        __.unfold(),
        __.add_v(model.PAYOR).property(T.id, vertex_id).property("name", payor_id),
    )
