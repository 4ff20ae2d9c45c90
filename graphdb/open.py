"""Opening the graph a configuration names: a remote endpoint, or the embedded store."""
from __future__ import annotations

from pathlib import Path

from graphdb.client import GraphClient


def open_graph(data_dir: str | Path, url: str | None = None, read_url: str | None = None) -> GraphClient:
    if url:
        from graphdb.remote import RemoteGraph

        writer = RemoteGraph(url)
        reader = RemoteGraph(read_url) if read_url else None
        return GraphClient(writer, reader)
    from graphdb.embedded import EmbeddedConnection

    return GraphClient(EmbeddedConnection(data_dir))
