"""Embedded-engine values → the values gremlinpython's driver would have produced."""
from __future__ import annotations

from typing import Any

import graphersal
from gremlin_python.process.traversal import Direction, T
from gremlin_python.structure.graph import Edge, Vertex

_TOKEN_KEYS = {"id": T.id, "label": T.label, "IN": Direction.IN, "OUT": Direction.OUT}


# Values that come back as they are: most of what a page of element maps holds.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_gremlin(value: Any, tokens: bool) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, graphersal.Vertex):
        return Vertex(value.id, value.label)
    if isinstance(value, graphersal.Edge):
        return Edge(
            value.id,
            Vertex(value.out_v.id, value.out_v.label),
            value.label,
            Vertex(value.in_v.id, value.in_v.label),
        )
    if isinstance(value, list):
        return [to_gremlin(item, tokens) for item in value]
    if isinstance(value, dict):
        # An element map is the only dict that has both "id" and "label" keys: the graph
        # model never names a property "id" or "label".
        is_element = tokens and "id" in value and "label" in value
        return {
            (_TOKEN_KEYS.get(k, k) if is_element and isinstance(k, str) else k):
                v if type(v) in _PLAIN else to_gremlin(v, tokens)
            for k, v in value.items()
        }
    return value
