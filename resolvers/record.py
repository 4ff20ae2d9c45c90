"""Resolvers of Record fields."""
from __future__ import annotations

from typing import Optional

from model.nodes import ProviderNode
from resolvers.context import ResolverContext


async def author(ctx: ResolverContext) -> Optional[ProviderNode]:
    author_id = ctx.source.author_id
    if not author_id:
        return None
    return await ctx.loaders.record_authors.load(author_id)
