"""The Subscription root, served over graphql-transport-ws (contract: the token goes in the
``connection_init`` payload as ``{"Authorization": "Bearer <JWT>"}``)."""
from __future__ import annotations

from typing import AsyncGenerator, AsyncIterator

import strawberry
from strawberry.types import Info

import resolvers.subscription
from model.nodes import AccessEventNode
from resolvers.context import invoke
from schema.directives import guarded
from schema.patient import AccessEvent


@strawberry.type(description="Live updates, over a WebSocket (graphql-transport-ws) whose connection_init "
                             "payload carries {\"Authorization\": \"Bearer <JWT>\"}. The server closes the "
                             "socket when the token expires.")
class Subscription:
    @guarded(description="Each access to the signed-in patient's record by someone else, as it happens "
                         "(once its audit event is durable): who, what, when, allowed or denied. The "
                         "patient only.", groups=["patients"], is_subscription=True)
    async def access_events(self, info: Info) -> AsyncGenerator[AccessEvent, None]:
        # invoke hands back what the resolver returns: here an async iterator of events.
        events: AsyncIterator[AccessEventNode] = invoke(  # type: ignore[assignment]
            resolvers.subscription.access_events, info)  # type: ignore[arg-type]
        async for event in events:
            yield event  # type: ignore[misc]
