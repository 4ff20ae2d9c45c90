"""The schema, with its limits. ``export_sdl`` is what ``schema/schema.graphql`` must equal."""
from __future__ import annotations

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from schema.directives import Auth, Consent
from schema.errors import ErrorShaping
from schema.mutation import Mutation
from schema.operation import OperationNaming
from schema.query import Query

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    extensions = [
        QueryDepthLimiter(max_depth=MAX_DEPTH),
        MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
        ErrorShaping(suggestions=introspection),
        OperationNaming(),
    ]
    if not introspection:
        extensions.append(DisableIntrospection())
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        schema_directives=[Auth, Consent],
    )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
