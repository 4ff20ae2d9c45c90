"""Resolvers of Query fields."""
from __future__ import annotations

from typing import Optional, Union

from authz.errors import Forbidden
from model.nodes import AdminNode, PatientNode, PayorNode, ProviderNode
from resolvers import traversals
from resolvers.context import ResolverContext
from resolvers.pages import Page, decode_cursor, page_size
from graphdb import codec


async def me(ctx: ResolverContext) -> Union[PatientNode, ProviderNode, PayorNode, AdminNode]:
    identity = ctx.identity
    loader = {"Patient": ctx.loaders.patients, "Provider": ctx.loaders.providers,
              "Payor": ctx.loaders.payors}.get(identity.viewer_type)
    if loader is None:
        return AdminNode(identity.viewer_id)
    node = await loader.load(identity.viewer_id)
    if node is None:  # the viewer's node was removed after the token was resolved
        raise Forbidden("your account's record no longer exists")
    return node


async def patient(ctx: ResolverContext) -> Optional[PatientNode]:
    patient_id = ctx.arguments["id"]
    # Batched with every other patient of the request; it brings the patient's vertex along,
    # so an existing and a missing id cost the same round trips.
    access = await ctx.request.scope.of(patient_id)
    if not access.exists:
        return None
    return await ctx.loaders.patients.load(patient_id)


async def my_patients(ctx: ResolverContext) -> list[PatientNode]:
    request = ctx.request
    criteria = request.policy.active_grant_criteria()
    ids = await request.graph.run(traversals.active_grant_patient_ids(request.graph.g, criteria))
    await request.scope.of_many(ids)
    nodes = await ctx.loaders.patients.load_many(ids)
    return sorted((n for n in nodes if n is not None), key=lambda n: ((n.name or "").lower(), n.id))


async def _page_of(ctx: ResolverContext, build, decode) -> Page:
    first = page_size(ctx.arguments.get("first"))
    offset = decode_cursor(ctx.arguments.get("after"))
    graph = ctx.request.graph
    result = await graph.first(build(graph.g, offset, first)) or {"total": 0, "page": []}
    return Page([decode(m) for m in result["page"]], result["total"], offset)


async def members(ctx: ResolverContext) -> Page[PatientNode]:
    identity = ctx.identity
    if identity.is_payor:
        build = lambda g, offset, first: traversals.member_page(g, identity.viewer_id, offset, first)  # noqa: E731
    else:  # admins see every patient's demographics
        build = traversals.all_patient_page
    return await _page_of(ctx, build, codec.patient_from_map)


async def providers(ctx: ResolverContext) -> Page[ProviderNode]:
    search = ctx.arguments.get("search")
    return await _page_of(
        ctx, lambda g, offset, first: traversals.provider_page(g, search, offset, first),
        codec.provider_from_map)
