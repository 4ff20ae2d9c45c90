"""Contexts: one per request (what every field shares) and one per resolver call, shaped like
AppSync's: ``identity``, ``arguments``, ``source``, ``loaders``, ``stash``."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Iterator, Optional, TypeVar

from strawberry.types.nodes import SelectedField, Selection

from authz.audit import AuditLog, AuditTrail
from authz.identity import Identity
from authz.policy import ConsentPolicy
from authz.scope import AccessScope
from graphdb.client import GraphClient
from resolvers.loaders import Loaders
from resolvers.program_figures import ProgramFigures


@dataclasses.dataclass
class Services:
    """What lives as long as the server: the graph, the audit log, configuration."""

    graph: GraphClient
    audit_log: AuditLog
    payor_id: str
    development: bool
    upload_limit_bytes: int = 10 * 1024 * 1024
    # The program's figures behind wellness tips' population context, shared by requests.
    program_figures: ProgramFigures = dataclasses.field(default_factory=ProgramFigures)
    extras: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class RequestContext:
    """``info.context`` for one GraphQL request."""

    services: Services
    identity: Identity
    now: dt.datetime
    request_id: str
    operation_name: Optional[str]
    loaders: Loaders
    policy: ConsentPolicy
    scope: AccessScope
    audit: AuditTrail
    stash: dict[str, Any] = dataclasses.field(default_factory=dict)
    http_request: Any = None

    @property
    def graph(self) -> GraphClient:
        return self.services.graph


def new_request_context(services: Services, identity: Identity, now: dt.datetime,
                        request_id: str, operation_name: Optional[str],
                        http_request: Any = None) -> RequestContext:
    loaders = Loaders(services.graph, identity.viewer_type, identity.viewer_id)
    policy = ConsentPolicy(identity, now)
    return RequestContext(
        services=services,
        identity=identity,
        now=now,
        request_id=request_id,
        operation_name=operation_name,
        loaders=loaders,
        policy=policy,
        scope=AccessScope(policy, loaders.patient_facts),
        audit=AuditTrail(identity, now, operation_name),
        http_request=http_request,
    )


@dataclasses.dataclass(frozen=True)
class ResolverContext:
    identity: Identity
    arguments: dict[str, Any]
    source: Any
    loaders: Loaders
    stash: dict[str, Any]
    request: RequestContext
    info: Any = None

    @property
    def selection_set_list(self) -> list[str]:
        """What the query selects below this field, as AppSync's ``info.selectionSetList``:
        ``["edges", "edges/node", "edges/node/author", ...]`` (fragments flattened)."""
        selected = self.info.selected_fields if self.info is not None else []
        return list(_paths(selected[0].selections if selected else [], ""))


def _paths(selections: list[Selection], prefix: str) -> Iterator[str]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            path = prefix + selection.name
            yield path
            yield from _paths(selection.selections, path + "/")
        else:
            yield from _paths(selection.selections, prefix)


R = TypeVar("R")


def invoke(resolver: Callable[[ResolverContext], R], info: Any, source: Any = None, **arguments: Any) -> R:
    """Calls an AppSync-style resolver from a Strawberry field. A resolver is a coroutine
    function, or a plain function when it can answer without waiting (its result may then
    be a value or an awaitable)."""
    request: RequestContext = info.context
    ctx = ResolverContext(request.identity, arguments, source, request.loaders, request.stash, request, info)
    return resolver(ctx)
