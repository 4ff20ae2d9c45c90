"""The GraphQL endpoint: Strawberry's aiohttp view, given a per-request context and the
audit commit that must succeed before any patient data leaves."""
from __future__ import annotations

import logging
import uuid
from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from authz.identity import Identity
from model.timeutil import utcnow
from resolvers.context import RequestContext, Services, new_request_context

log = logging.getLogger("p360.http")

IDENTITY_KEY = web.RequestKey("p360.identity", Identity)
CONTEXT_KEY = web.RequestKey("p360.context", RequestContext)
RESPONSE_KEY = web.RequestKey("p360.response", web.StreamResponse)

# A caller who may only introspect (development mode, no token): resolves nothing.
ANONYMOUS = Identity("anonymous", "Anonymous", None, "anonymous", "", 0)


class P360GraphQLView(GraphQLView):
    def __init__(self, schema: Any, services: Services, **options: Any):
        super().__init__(schema, **options)
        self.services = services

    async def get_context(self, request: web.Request, response: web.StreamResponse) -> RequestContext:
        request_id = uuid.uuid4().hex
        if isinstance(response, web.Response):
            response.headers["X-Request-Id"] = request_id
        context = new_request_context(
            self.services, request.get(IDENTITY_KEY, ANONYMOUS), utcnow(), request_id, None, request)
        request[CONTEXT_KEY] = context
        request[RESPONSE_KEY] = response
        return context

    async def process_result(self, request: web.Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        context = request.get(CONTEXT_KEY)
        if context is not None:
            try:
                await self.services.audit_log.record(context.audit.events())
            except Exception:
                log.exception("request %s: audit events could not be made durable", context.request_id)
                # Nothing is disclosed without its audit trail.
                return {"data": None, "errors": [{
                    "message": "the access log is unavailable, so nothing was disclosed; try again shortly",
                    "extensions": {"code": "SERVICE_UNAVAILABLE", "requestId": context.request_id},
                }]}
        response = process_result(result)
        errors = response.get("errors") or []
        if response.get("data") is None and errors and all(
                (e.get("extensions") or {}).get("code") == "SERVICE_UNAVAILABLE" for e in errors):
            sub_response = request.get(RESPONSE_KEY)
            if isinstance(sub_response, web.Response):
                sub_response.set_status(503)
        return response
