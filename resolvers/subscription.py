"""Resolvers of Subscription fields."""
from __future__ import annotations

from typing import AsyncIterator

from authz.access_feed import AccessEventFeed
from authz.policy import Need
from model.nodes import AccessEventNode
from model.timeutil import utcnow
from resolvers.context import ResolverContext, new_request_context


async def access_events(ctx: ResolverContext) -> AsyncIterator[AccessEventNode]:
    """The subscribing patient's access events, live. The feed only carries that patient's
    events; each one is still put to the consent policy, at its own clock reading, before it
    is sent, and the stream ends once the subscriber's token has expired."""
    subscriber = ctx.identity
    services = ctx.request.services
    feed = AccessEventFeed(services.audit_log, subscriber.viewer_id)
    try:
        async for event in feed:
            check = new_request_context(services, subscriber, utcnow(), ctx.request.request_id, "accessEvents")
            if check.now.timestamp() >= subscriber.expires_at:
                return
            access = await check.scope.of(event.patient_id)
            if check.policy.decide(access, Need.OWNER).allowed:
                yield event
    finally:
        feed.close()
