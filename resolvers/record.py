"""Resolvers of Record fields."""
from __future__ import annotations

from typing import Awaitable, Optional, Union

from model.nodes import ProviderNode
from resolvers.context import ResolverContext


def author(ctx: ResolverContext) -> Union[Optional[ProviderNode], Awaitable[Optional[ProviderNode]]]:
    """At once when the record's page brought its author along; otherwise through the loader."""
    author_id = ctx.source.author_id
    if not author_id:
        return None
    if author_id in ctx.loaders.authors_loaded:
        return ctx.loaders.authors_loaded[author_id]
    return ctx.loaders.record_authors.load(author_id)
