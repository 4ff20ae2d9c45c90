"""Resolvers of Grant fields."""
from __future__ import annotations

from typing import Union

from authz.errors import Forbidden
from model.nodes import PayorNode, ProviderNode
from resolvers.context import ResolverContext


async def grantee(ctx: ResolverContext) -> Union[ProviderNode, PayorNode]:
    grant = ctx.source
    loader = ctx.loaders.providers if grant.grantee_type == "Provider" else ctx.loaders.payors
    node = await loader.load(grant.grantee_id)
    if node is None:
        raise Forbidden("the grantee no longer exists")
    return node


def active(ctx: ResolverContext) -> bool:
    return ctx.source.active_at(ctx.request.now)
