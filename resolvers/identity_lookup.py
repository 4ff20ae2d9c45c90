"""The graph lookup identity resolution needs (authz/identity.py takes it as a callable).
Always from the writer: identity is an authorization input."""
from __future__ import annotations

from authz.identity import ViewerFacts, ViewerLookup
from graphdb import model
from graphdb.client import GraphClient
from resolvers import traversals


def viewer_lookup(graph: GraphClient) -> ViewerLookup:
    async def lookup(issuer: str, subject: str, entity_type: str, entity_id: str) -> ViewerFacts:
        rows = await graph.run(traversals.viewer_candidates(graph.g, issuer, subject, entity_type, entity_id))
        link, direct_name = None, None
        for row in rows:
            if row["kind"] == "link":
                # A link whose node was removed names nobody.
                link = (row["entityLabel"], row["entityId"], row["name"] if row["found"] else None)
            else:
                direct_name = row["name"]
        return ViewerFacts(link=link, direct_name=direct_name)
    return lookup
