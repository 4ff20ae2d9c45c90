"""The graph lookups identity resolution needs (authz/identity.py takes them as callables).
Always from the writer: identity is an authorization input."""
from __future__ import annotations

from typing import Optional

from graphdb.client import GraphClient
from resolvers import traversals


def link_finder(graph: GraphClient):
    async def find_link(issuer: str, subject: str) -> Optional[tuple[str, str]]:
        link = await graph.first(traversals.identity_link(graph.g, issuer, subject))
        if link is None:
            return None
        return link["entityLabel"], link["entityId"]
    return find_link


def node_finder(graph: GraphClient):
    async def find_node(label: str, entity_id: str) -> Optional[str]:
        row = await graph.first(traversals.node_name(graph.g, label, entity_id))
        return None if row is None else row["name"]
    return find_node
