"""Resolvers of Mutation fields. Every permission question goes to the consent policy."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any, Optional

from authz.errors import BadUserInput, Forbidden
from authz.policy import Need
from graphdb import model, writes
from model.categories import ALL_CATEGORIES, RecordCategory
from model.nodes import GrantNode, RecordComponentData, RecordNode
from model.record_size import RecordTooLarge
from resolvers import traversals
from resolvers.context import ResolverContext

MAX_GRANT_DAYS = 365
_TEXT_LIMITS = {"code": 200, "system": 500, "display": 1000, "value": 1000, "unit": 100,
                "referenceRange": 200, "interpretation": 50}


async def _require_owner(ctx: ResolverContext, patient_id: str) -> None:
    request = ctx.request
    access = await request.scope.of(patient_id)
    if not request.policy.decide(access, Need.OWNER).allowed:
        raise Forbidden()


# -- grants ----------------------------------------------------------------------------------
def _expiry(now: dt.datetime, duration_days: Optional[int], expires_at: Optional[dt.datetime]) -> dt.datetime:
    if (duration_days is None) == (expires_at is None):
        raise BadUserInput("give exactly one of durationDays and expiresAt", "input")
    if duration_days is not None:
        if not 1 <= duration_days <= MAX_GRANT_DAYS:
            raise BadUserInput(f"durationDays must be between 1 and {MAX_GRANT_DAYS}", "input.durationDays")
        return now + dt.timedelta(days=duration_days)
    assert expires_at is not None
    if expires_at.tzinfo is None:
        raise BadUserInput("expiresAt needs a UTC offset", "input.expiresAt")
    if expires_at <= now:
        raise BadUserInput("expiresAt must be in the future", "input.expiresAt")
    if expires_at > now + dt.timedelta(days=MAX_GRANT_DAYS):
        raise BadUserInput(f"expiresAt may be at most {MAX_GRANT_DAYS} days ahead", "input.expiresAt")
    return expires_at


async def _grantee_type(ctx: ResolverContext, grantee_id: str) -> str:
    provider, payor = await ctx.loaders.providers.load(grantee_id), await ctx.loaders.payors.load(grantee_id)
    if provider is not None and payor is not None:
        raise BadUserInput("granteeId names both a provider and a payor", "input.granteeId")
    if provider is not None:
        return model.PROVIDER
    if payor is not None:
        return model.PAYOR
    raise BadUserInput("granteeId names no provider or payor", "input.granteeId")


async def grant_access(ctx: ResolverContext) -> GrantNode:
    data: dict[str, Any] = ctx.arguments["input"]
    request = ctx.request
    categories = data.get("categories")
    if categories is not None and len(categories) == 0:
        raise BadUserInput("categories may be omitted (every category) but not empty", "input.categories")
    expires_at = _expiry(request.now, data.get("duration_days"), data.get("expires_at"))
    grantee_type = await _grantee_type(ctx, data["grantee_id"])
    grant = GrantNode(
        id=str(uuid.uuid4()),
        patient_id=ctx.identity.viewer_id,
        grantee_id=data["grantee_id"],
        grantee_type=grantee_type,
        categories=ALL_CATEGORIES if categories is None else frozenset(categories),
        all_categories=categories is None,
        created_at=request.now,
        expires_at=expires_at,
    )
    await request.graph.run(writes.upsert_grant(request.graph.g, grant))
    return grant


async def _load_owned(ctx: ResolverContext, loader: Any, node_id: str) -> Any:
    """A node of the viewer's own record; a missing one answers like one of another's."""
    node = await loader.load(node_id)
    if node is None:
        raise Forbidden()
    await _require_owner(ctx, node.patient_id)
    return node


async def revoke_grant(ctx: ResolverContext) -> GrantNode:
    grant = await _load_owned(ctx, ctx.loaders.grants, ctx.arguments["id"])
    if grant.revoked_at is not None:
        return grant  # idempotent: the first revocation stands
    revoked = dataclasses.replace(grant, revoked_at=ctx.request.now)
    graph = ctx.request.graph
    await graph.run(writes.upsert_grant(graph.g, revoked))
    return revoked


# -- records ---------------------------------------------------------------------------------
def _text(data: dict[str, Any], key: str, argument: str) -> Optional[str]:
    value = data.get(key)
    if value is None:
        return None
    limit = _TEXT_LIMITS.get(argument.rsplit(".", 1)[-1], 1000)
    if len(value) > limit:
        raise BadUserInput(f"{argument} is longer than {limit} characters", argument)
    return value


def record_from_input(data: dict[str, Any], patient_id: str, source: str,
                      author_id: Optional[str], status: str = "final") -> RecordNode:
    components = tuple(
        RecordComponentData(
            code=_text(c, "code", f"input.components[{i}].code"),
            system=_text(c, "system", f"input.components[{i}].system"),
            display=_text(c, "display", f"input.components[{i}].display"),
            value=_text(c, "value", f"input.components[{i}].value"),
            unit=_text(c, "unit", f"input.components[{i}].unit"),
        )
        for i, c in enumerate(data.get("components") or [])
    )
    effective_at = data.get("effective_at")
    if effective_at is not None and effective_at.tzinfo is None:
        raise BadUserInput("effectiveAt needs a UTC offset", "input.effectiveAt")
    return RecordNode(
        id=str(uuid.uuid4()),
        patient_id=patient_id,
        category=data["category"],
        code=_text(data, "code", "input.code"),
        system=_text(data, "system", "input.system"),
        display=_text(data, "display", "input.display"),
        value=_text(data, "value", "input.value"),
        unit=_text(data, "unit", "input.unit"),
        components=components,
        reference_range=_text(data, "reference_range", "input.referenceRange"),
        interpretation=_text(data, "interpretation", "input.interpretation"),
        status=status,
        effective_at=effective_at,
        source=source,
        author_id=author_id,
    )


async def add_record(ctx: ResolverContext) -> RecordNode:
    request = ctx.request
    patient_id: str = ctx.arguments["patient_id"]
    data: dict[str, Any] = ctx.arguments["input"]
    category: RecordCategory = data["category"]
    access = await request.scope.of(patient_id)
    if not request.policy.may_write_record(access, category):
        if request.policy.audited_denial(access):
            request.audit.denied(patient_id, category)
        reason = request.policy.write_refusal(access, category)
        raise Forbidden(reason) if reason else Forbidden()
    identity = ctx.identity
    author_id = identity.viewer_id if identity.is_provider else None
    source = "provider" if identity.is_provider else "patient"
    record = record_from_input(data, patient_id, source, author_id)
    try:
        write = writes.upsert_record(request.graph.g, record)
    except RecordTooLarge as err:
        raise BadUserInput(str(err), "input.components" if err.field == "components" else "input") from None
    await request.graph.run(write)
    return record


async def confirm_record(ctx: ResolverContext) -> RecordNode:
    record = await _load_owned(ctx, ctx.loaders.records, ctx.arguments["id"])
    if record.status != "unverified":
        return record
    graph = ctx.request.graph
    await graph.run(writes.set_record_status(graph.g, record.id, "final"))
    return dataclasses.replace(record, status="final")


# -- identities ------------------------------------------------------------------------------
async def link_identity(ctx: ResolverContext) -> bool:
    args = ctx.arguments
    issuer, subject, entity_id = args["issuer"], args["subject"], args["entity_id"]
    for name, value in (("issuer", issuer), ("subject", subject), ("entityId", entity_id)):
        if not value or len(value) > 500:
            raise BadUserInput(f"{name} must be 1 to 500 characters", name)
    graph = ctx.request.graph
    found = []
    for label in (model.PATIENT, model.PROVIDER, model.PAYOR):
        if await graph.first(traversals.node_name(graph.g, label, entity_id)) is not None:
            found.append(label)
    if len(found) != 1:
        raise BadUserInput(
            "entityId names no patient, provider or payor" if not found
            else f"entityId is ambiguous ({', '.join(found)})", "entityId")
    await graph.run(writes.upsert_identity_link(graph.g, issuer, subject, found[0], entity_id))
    return True
