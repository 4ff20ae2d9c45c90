"""Subscriptions over ``graphql-transport-ws``: who is on the socket, and for how long.

The socket is anonymous until its ``connection_init`` payload carries a valid token
(``{"Authorization": "Bearer <JWT>"}``, contract); from then on every subscription on it runs
as that identity, and the server closes the socket when the token expires. Queries and
mutations are refused on the socket: they go by POST, where each response waits for its
audit events to be durable.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from contextlib import suppress
from typing import Any, Optional

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from authz.identity import Identity
from model.timeutil import utcnow
from p360.admission import refusal_of
from resolvers.context import RequestContext, Services, new_request_context
from schema.errors import request_error_code

log = logging.getLogger("p360.websocket")

# graphql-transport-ws: 4403 Forbidden is the recommended close for a refused or lapsed
# authorization; graphql-ws clients retry it, calling their connectionParams again, so a
# client that fetches a fresh token there reconnects by itself.
CLOSE_FORBIDDEN = 4403
EXPIRED_REASON = "Forbidden: the token has expired; reconnect with a fresh one"


@dataclasses.dataclass
class SocketContext(RequestContext):
    """``info.context`` for a WebSocket connection. Strawberry stores the ``connection_init``
    payload in ``connection_params``; ``sign_in`` then rebinds every identity-bound part."""

    connection_params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def anonymous(cls, services: Services, anonymous: Identity, request_id: str, http_request: Any) -> "SocketContext":
        base = new_request_context(services, anonymous, utcnow(), request_id, None, http_request)
        return cls(**{f.name: getattr(base, f.name) for f in dataclasses.fields(RequestContext)})

    def authorization(self) -> Optional[str]:
        """The payload's Authorization value; the header name in any case, as over HTTP."""
        for key, value in self.connection_params.items():
            if key.lower() == "authorization" and isinstance(value, str):
                return value
        return None

    def sign_in(self, identity: Identity) -> None:
        signed = new_request_context(self.services, identity, utcnow(), self.request_id, None, self.http_request)
        for field in dataclasses.fields(RequestContext):
            setattr(self, field.name, getattr(signed, field.name))


class P360TransportWSHandler(BaseGraphQLTransportWSHandler):
    _expiry: Optional[asyncio.Task[None]] = None

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._expiry is None:
            identity: Identity = self.context.identity
            self._expiry = asyncio.create_task(self._close_when_expired(identity.expires_at))

    async def _close_when_expired(self, expires_at: int) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        log.info("closing a subscription socket: its token expired")
        await self.websocket.close(code=CLOSE_FORBIDDEN, reason=EXPIRED_REASON)

    async def handle_message(self, message: Any) -> None:
        problem = message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged:
            refusal = refusal_of(message["payload"], socket=True)
            if refusal is not None:
                await self.send_message({"id": message["id"], "type": "error", "payload": [refusal.error.formatted]})
                return
        await super().handle_subscribe(message)

    async def send_message(self, message: Any) -> None:
        # Errors before execution (validation, limits) come from Strawberry without the
        # `extensions.code` every error carries over HTTP.
        if isinstance(message, dict) and message.get("type") == "error":
            for error in message.get("payload") or []:
                if isinstance(error, dict):
                    extensions = error.setdefault("extensions", {})
                    extensions.setdefault("code", request_error_code(error.get("message", "")))
        await super().send_message(message)

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            with suppress(asyncio.CancelledError):
                await self._expiry
        await super().shutdown()


def message_problem(message: Any) -> Optional[str]:
    """Why a graphql-transport-ws message is malformed (the socket closes with 4400 and this
    reason), or None. Strawberry reads the fields without checking their shape."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "Invalid message: a message must be a JSON object with a string type"
    if message["type"] != "subscribe":
        return None
    if not isinstance(message.get("id"), str) or not message["id"]:
        return "Invalid message: a subscribe message needs a string id"
    payload = message.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "Invalid message: a subscribe payload must be an object with a string query"
    if not isinstance(payload.get("variables"), (dict, type(None))):
        return "Invalid message: the subscribe payload's variables must be an object or null"
    if not isinstance(payload.get("operationName"), (str, type(None))):
        return "Invalid message: the subscribe payload's operationName must be a string or null"
    if not isinstance(payload.get("extensions"), (dict, type(None))):
        return "Invalid message: the subscribe payload's extensions must be an object or null"
    return None
