"""How to reach a remote Gremlin endpoint: plain settings, importable without the driver, so
that the configuration and the command line can name their defaults without loading it."""
from __future__ import annotations

import dataclasses
from typing import Optional


@dataclasses.dataclass(frozen=True)
class RemoteOptions:
    """How to reach a remote endpoint (the ``P360_GREMLIN_*`` and ``P360_NEPTUNE_*`` settings)."""

    pool_size: int = 8
    connect_timeout: float = 2.0
    # How long one request may wait for its answer (and for sending), in seconds.
    request_timeout: float = 30.0
    ca_file: Optional[str] = None
    tls_verify: bool = True
    iam: bool = False
    region: Optional[str] = None
    # One answer is one message: a provider's view of a hundred patients' pages comes back whole.
    max_message_bytes: int = 64 * 1024 * 1024
