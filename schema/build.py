"""The schema, with its limits. ``export_sdl`` is what ``schema/schema.graphql`` must equal."""
from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Optional

import strawberry
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, ParserCache
from strawberry.types.graphql import OperationType

from schema.direct_guards import resolve_guards_directly
from schema.directives import Auth, Consent
from schema.errors import ErrorShaping
from schema.limits import MAX_TOKENS, ValidationWithinLimits
from schema.mutation import Mutation
from schema.operation import OperationNaming
from schema.query import Query
from schema.subscription import Subscription


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Refusals and bad input are answers, not faults: keep them out of the error log.
        # ErrorShaping logs the unexpected ones with their request id.
        return None

    def stream(self, query: Optional[str], *args: Any,
               allowed_operation_types: Optional[Iterable[OperationType]] = None, **kwargs: Any) -> Any:
        # The one streaming transport is the subscription socket, whose context lives as long as
        # the connection and whose results no audit commit waits for: a query or mutation
        # there would disclose unlogged, on the grants and clock of connection time. Strawberry
        # checks this against the operation it really runs.
        if allowed_operation_types is None:
            allowed_operation_types = (OperationType.SUBSCRIPTION,)
        return super().stream(query, *args, allowed_operation_types=allowed_operation_types, **kwargs)


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    # Factories, not instances: an extension keeps per-request state, so every request gets
    # its own.
    extensions = [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(ParserCache, maxsize=512),     # both caches are shared across requests
        partial(ValidationWithinLimits, maxsize=512),
        partial(ErrorShaping, suggestions=introspection),
        OperationNaming,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    schema = _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        schema_directives=[Auth, Consent],
    )
    resolve_guards_directly(schema)
    return schema


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
