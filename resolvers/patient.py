"""Resolvers of Patient fields. Visibility comes from the request's access scope."""
from __future__ import annotations

from model.nodes import AccessEventNode, GrantNode, RecordNode
from resolvers.context import ResolverContext
from resolvers.loaders import AccessLogKey, RecordPageKey
from resolvers.pages import Page, decode_cursor, page_size

ACCESS_LOG_DEFAULT = 50


async def records(ctx: ResolverContext) -> Page[RecordNode]:
    request = ctx.request
    access = await request.scope.of(ctx.source.id)
    categories = request.policy.visible_categories(access, ctx.arguments.get("category"))
    key = RecordPageKey(
        patient_id=ctx.source.id,
        categories=categories,
        offset=decode_cursor(ctx.arguments.get("after")),
        limit=page_size(ctx.arguments.get("first")),
        with_authors="edges/node/author" in ctx.selection_set_list,
    )
    return await ctx.loaders.record_pages.load(key)


async def grants(ctx: ResolverContext) -> list[GrantNode]:
    return await ctx.loaders.grants_of_patient.load(ctx.source.id)


async def grants_to_me(ctx: ResolverContext) -> list[GrantNode]:
    access = await ctx.request.scope.of(ctx.source.id)
    return sorted(access.grants, key=lambda g: (g.created_at, g.id), reverse=True)


async def access_log(ctx: ResolverContext) -> list[AccessEventNode]:
    limit = page_size(ctx.arguments.get("first")) if ctx.arguments.get("first") is not None \
        else ACCESS_LOG_DEFAULT
    return await ctx.loaders.access_logs.load(AccessLogKey(ctx.source.id, limit))
