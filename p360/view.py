"""The GraphQL endpoint: Strawberry's aiohttp view, given a per-request context and the
audit commit that must succeed before any patient data leaves."""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Optional

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from cross_web import HTTPException
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from authz.authenticate import Authenticator
from authz.errors import Unauthenticated
from authz.identity import Identity
from graphdb.errors import GraphError
from model.timeutil import utcnow
from p360.admission import refusal_of
from p360.media_types import GRAPHQL_RESPONSE_JSON, JSON, is_request_error, response_media_type
from p360.websocket import P360TransportWSHandler, SocketContext
from resolvers.context import RequestContext, Services, new_request_context
from schema.errors import request_error_code

log = logging.getLogger("p360.http")

IDENTITY_KEY = web.RequestKey("p360.identity", Identity)
CONTEXT_KEY = web.RequestKey("p360.context", RequestContext)
RESPONSE_KEY = web.RequestKey("p360.response", web.StreamResponse)
MEDIA_TYPE_KEY = web.ResponseKey("p360.media_type", str)

# A request that is not an upload: the largest record input is about 300 KB; decoding and
# checking a body runs on the event loop, about half a second per MiB of small items.
REQUEST_LIMIT_BYTES = 1024 * 1024

# A caller who may only introspect (development mode, no token): resolves nothing.
ANONYMOUS = Identity("anonymous", "Anonymous", None, "anonymous", "", 0)


class P360GraphQLView(GraphQLView):
    graphql_transport_ws_handler_class = P360TransportWSHandler

    def __init__(self, schema: Any, services: Services, authenticator: Optional[Authenticator] = None,
                 **options: Any):
        super().__init__(schema, **options)
        self.services = services
        self.authenticator = authenticator

    def decode_json(self, data: str | bytes) -> object:
        # Both transports read JSON here; a JSONDecodeError is what each answers as bad JSON
        # (HTTP 400, socket close 4400), so the other ways JSON can fail become one.
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError("it nests too deeply", "", 0) from None
        except UnicodeDecodeError:
            raise json.JSONDecodeError("it is not UTF-8", "", 0) from None

    def parse_json(self, data: str | bytes) -> Any:
        # Also a body sent without a Content-Length, which the app could not refuse up front.
        if len(data) > REQUEST_LIMIT_BYTES:
            raise HTTPException(413, f"the request's JSON is larger than the limit of "
                                     f"{REQUEST_LIMIT_BYTES // (1024 * 1024)} MiB for one that uploads no file")
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as err:
            raise HTTPException(400, f"Unable to parse request body as JSON: {err.msg}") from None

    async def parse_http_body(self, request: Any) -> Any:
        content_type = request.content_type or ""
        if request.method == "POST" and not ("application/json" in content_type
                                             or content_type.startswith("multipart/form-data")):
            raise HTTPException(400, f"Unsupported content type {content_type or '(none)'}: send application/json, "
                                     "or multipart/form-data to upload a file")
        try:
            return await super().parse_http_body(request)
        except web.RequestPayloadError:
            raise HTTPException(400, "The request body could not be read: it does not match its "
                                     "Content-Encoding (or was cut short)") from None
        except AttributeError:
            # Strawberry reads the decoded request with .get: JSON other than an object has none.
            raise HTTPException(400, "The request body must be a JSON object: a GraphQL request") from None

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        # The form is read once (the adapter keeps it); Strawberry walks `map` as the multipart
        # spec shapes it, and fails on any other shape with an exception of its own.
        try:
            form = await request.get_form_data()
        except (ValueError, HttpProcessingError):
            raise HTTPException(400, "Unable to parse the multipart body") from None
        files_map = form.form.get("map", "{}")
        if not _is_file_map(self.parse_json(files_map) if isinstance(files_map, (str, bytes)) else files_map):
            raise HTTPException(400, "The multipart `map` must be an object from file field names to lists "
                                     "of paths into `operations`, such as {\"0\": [\"variables.file\"]}")
        try:
            return await super().parse_multipart(request)
        except (AttributeError, TypeError, IndexError, ValueError):
            raise HTTPException(400, "The multipart `map` names a path that is not in `operations`") from None

    async def get_context(self, request: web.Request, response: web.StreamResponse) -> RequestContext:
        request_id = uuid.uuid4().hex
        if isinstance(response, web.WebSocketResponse):
            # Signed in by the connection_init payload (on_ws_connect), not by headers.
            return SocketContext.anonymous(self.services, ANONYMOUS, request_id, request)
        if isinstance(response, web.Response):
            response.headers["X-Request-Id"] = request_id
        context = new_request_context(
            self.services, request.get(IDENTITY_KEY, ANONYMOUS), utcnow(), request_id, None, request)
        request[CONTEXT_KEY] = context
        request[RESPONSE_KEY] = response
        return context

    async def execute_single(self, request: web.Request, request_adapter: Any, sub_response: Any,
                             context: Any, root_value: Any, request_data: Any) -> ExecutionResult:
        refusal = refusal_of({"query": request_data.query, "variables": request_data.variables,
                              "operationName": request_data.operation_name, "extensions": request_data.extensions},
                             socket=False)
        if refusal is not None and refusal.malformed:
            raise web.HTTPBadRequest(text=refusal.error.message)
        if refusal is not None:
            return ExecutionResult(data=None, errors=[refusal.error])
        return await super().execute_single(request, request_adapter, sub_response, context, root_value,
                                            request_data)

    async def on_ws_connect(self, context: RequestContext) -> Any:
        if not isinstance(context, SocketContext) or self.authenticator is None:
            raise ConnectionRejectionError()
        try:
            identity = await self.authenticator.identify(context.authorization())
        except Unauthenticated:
            raise ConnectionRejectionError() from None
        except GraphError:
            log.warning("a subscription socket was refused: the graph is unavailable")
            raise ConnectionRejectionError() from None
        context.sign_in(identity)
        return await super().on_ws_connect(context)

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
        for error in errors:
            # Errors raised before execution starts (a syntax error) bypass the schema's shaping.
            extensions = error.setdefault("extensions", {}) if isinstance(error, dict) else {}
            if isinstance(error, dict) and "code" not in extensions:
                extensions["code"] = request_error_code(error.get("message", ""))
        if any((e.get("extensions") or {}).get("code") == "PAYLOAD_TOO_LARGE" for e in errors):
            sub_response = request.get(RESPONSE_KEY)
            if isinstance(sub_response, web.Response):
                sub_response.set_status(413)
        sub_response = request.get(RESPONSE_KEY)
        media_type = response_media_type(request.headers.get("Accept"))
        if isinstance(sub_response, web.Response):
            sub_response[MEDIA_TYPE_KEY] = media_type
        if response.get("data") is None and errors and all(
                (e.get("extensions") or {}).get("code") == "SERVICE_UNAVAILABLE" for e in errors):
            if isinstance(sub_response, web.Response):
                sub_response.set_status(503)
        elif media_type == GRAPHQL_RESPONSE_JSON and is_request_error(response):
            if isinstance(sub_response, web.Response):
                sub_response.set_status(400)
            response = {k: v for k, v in response.items() if k != "data"}  # type: ignore[assignment]
        return response

    def create_response(self, response_data: Any, sub_response: web.Response) -> web.Response:
        response = super().create_response(response_data, sub_response)
        response.content_type = sub_response.get(MEDIA_TYPE_KEY, JSON)
        return response


def _is_file_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(paths, list) and all(isinstance(p, str) for p in paths) for paths in value.values())
