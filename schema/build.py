"""The schema, with its limits. ``export_sdl`` is what ``schema/schema.graphql`` must equal."""
from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)

from schema.directives import Auth, Consent
from schema.errors import ErrorShaping
from schema.mutation import Mutation
from schema.operation import OperationNaming
from schema.query import Query

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Refusals and bad input are answers, not faults: keep them out of the error log.
        # ErrorShaping logs the unexpected ones with their request id.
        return None


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    # Factories, not instances: an extension keeps per-request state, so every request gets
    # its own.
    extensions = [
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(ErrorShaping, suggestions=introspection),
        OperationNaming,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return _Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        schema_directives=[Auth, Consent],
    )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
