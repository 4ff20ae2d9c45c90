"""Opening the graph a configuration names: a remote endpoint, or the embedded store."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from graphdb.client import GraphClient
from graphdb.remote import RemoteOptions


def open_graph(data_dir: str | Path, url: str | None = None, read_url: str | None = None,
               options: Optional[RemoteOptions] = None) -> GraphClient:
    """With ``url``, the remote endpoint (writes and every authorization read) and, with
    ``read_url``, a reader endpoint for record reads; else the embedded store in
    ``data_dir``."""
    if url:
        from graphdb.remote import RemoteGraph

        options = options or RemoteOptions()
        headers = None
        if options.iam:
            from graphdb.iam import NeptuneSigner

            headers = NeptuneSigner.for_endpoint(url, options.region).headers
        writer = RemoteGraph(url, options, extra_headers=headers)
        reader = RemoteGraph(read_url, options, extra_headers=headers) if read_url else None
        return GraphClient(writer, reader, workers=max(options.pool_size, 8))
    from graphdb.embedded import EmbeddedConnection

    return GraphClient(EmbeddedConnection(data_dir))
