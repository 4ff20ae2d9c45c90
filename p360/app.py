"""The aiohttp application: /graphql, /healthz, /metrics, /.well-known/jwks.json."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Optional

from aiohttp import web
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from authz.audit import AuditLog
from authz.authenticate import Authenticator
from authz.errors import ApiError, BadUserInput, PayloadTooLarge, ServiceUnavailable, Unauthenticated
from authz.tokens import DevelopmentIssuer, RemoteJwks, TokenVerifier
from graphdb import writes
from graphdb.bootstrap import ensure_payor_traversal
from graphdb.client import GraphClient
from graphdb.errors import GraphError, GraphUnavailable
from graphdb.open import open_graph
from ingest.labreport import ocr_problem
from p360 import graphiql
from p360.config import Settings
from p360.introspection import is_introspection_only
from p360.view import IDENTITY_KEY, REQUEST_LIMIT_BYTES, P360GraphQLView
from resolvers.context import Services
from resolvers.identity_lookup import viewer_lookup
from schema.build import build_schema

log = logging.getLogger("p360.app")

SETTINGS = web.AppKey("settings", Settings)
GRAPH = web.AppKey("graph", GraphClient)
SERVICES = web.AppKey("services", Services)
AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
VIEW = web.AppKey("view", P360GraphQLView)
DEV_ISSUER = web.AppKey("dev_issuer", object)

HEALTH_TIMEOUT_SECONDS = 2.0
BODY_OVERHEAD_BYTES = 256 * 1024  # multipart framing and the operation around an upload


def error_response(error: ApiError, status: Optional[int] = None) -> web.Response:
    body = {"data": None, "errors": [{"message": error.message, "extensions": error.extensions}]}
    return web.json_response(body, status=status or error.http_status)


async def _graphql(request: web.Request) -> web.StreamResponse:
    app = request.app
    view = app[VIEW]
    settings = app[SETTINGS]
    if view.is_websocket_request(request):
        return await view(request)
    if request.method == "GET" and "text/html" in request.headers.get("Accept", ""):
        if not settings.development:
            raise web.HTTPNotFound()
        return await graphiql.page(request)
    if request.content_type.startswith("multipart/") and request.content_length is None:
        # Uploads are read whole; without a declared length there is no limit to hold them to.
        return error_response(BadUserInput("a multipart upload needs a Content-Length", "file"), status=411)
    if request.content_length is not None and request.content_length > settings.upload_limit_bytes + BODY_OVERHEAD_BYTES:
        return error_response(PayloadTooLarge(
            f"the request is larger than the limit of {settings.upload_limit_bytes // (1024 * 1024)} MiB"))
    if (request.content_length is not None and request.content_length > REQUEST_LIMIT_BYTES
            and not request.content_type.startswith("multipart/")):
        return error_response(PayloadTooLarge(
            f"the request is larger than the limit of {REQUEST_LIMIT_BYTES // (1024 * 1024)} MiB for one that "
            "uploads no file"))
    header = request.headers.get("Authorization")
    try:
        request[IDENTITY_KEY] = await app[AUTHENTICATOR].identify(header)
    except Unauthenticated as err:
        if not (header is None and settings.development and await _introspection_request(request)):
            return error_response(err)
    except GraphError:
        return error_response(ServiceUnavailable("the graph is unavailable; try again shortly"))
    try:
        return await view(request)
    except web.HTTPRequestEntityTooLarge:
        return error_response(PayloadTooLarge(
            f"the request is larger than the limit of {settings.upload_limit_bytes // (1024 * 1024)} MiB"))


async def _introspection_request(request: web.Request) -> bool:
    if request.method != "POST" or request.content_type != "application/json":
        return False
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return False
    return is_introspection_only(body)


async def _healthz(request: web.Request) -> web.Response:
    graph = request.app[GRAPH]
    try:
        await asyncio.wait_for(graph.health(), HEALTH_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        return web.json_response({"status": "unavailable", "reason": "the graph did not answer in time"}, status=503)
    except Exception as err:
        reason = str(err) if isinstance(err, GraphUnavailable) else "the graph is unavailable"
        return web.json_response({"status": "unavailable", "reason": reason}, status=503)
    settings = request.app[SETTINGS]
    return web.json_response({"status": "ok", "graph": "remote" if settings.gremlin_url else "embedded",
                              "mode": settings.mode})


async def _metrics(request: web.Request) -> web.Response:
    return web.Response(text=request.app[GRAPH].traversals.exposition(),
                        content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})


async def _jwks(request: web.Request) -> web.Response:
    issuer = request.app.get(DEV_ISSUER)
    if not isinstance(issuer, DevelopmentIssuer):
        raise web.HTTPNotFound()
    return web.json_response(issuer.jwks())


def _verifier(settings: Settings, app: web.Application) -> TokenVerifier:
    if settings.external_issuer:
        assert settings.jwt_issuer and settings.jwt_audience and settings.jwks_url
        return TokenVerifier(settings.jwt_issuer, settings.jwt_audience, RemoteJwks(settings.jwks_url, settings.jwks_min_refetch_seconds))
    issuer = DevelopmentIssuer(settings.data_dir)
    app[DEV_ISSUER] = issuer
    return TokenVerifier(issuer.issuer, issuer.audience, issuer)


def create_app(settings: Settings, graph: Optional[GraphClient] = None) -> web.Application:
    """``graph`` lets a caller that already opened the graph (the demo seeding) hand it over."""
    app = web.Application(client_max_size=settings.upload_limit_bytes + BODY_OVERHEAD_BYTES)
    app[SETTINGS] = settings
    verifier = _verifier(settings, app)

    async def startup(app: web.Application) -> None:
        client = graph or open_graph(settings.data_dir, settings.gremlin_url, settings.gremlin_read_url,
                                     settings.remote_options())
        app[GRAPH] = client
        try:
            await client.run(ensure_payor_traversal(client, settings.payor_id))
        except GraphError:
            log.warning("the graph is not reachable yet; the payor node will be made on a later start")
        ocr = await asyncio.to_thread(ocr_problem)
        if ocr is not None:
            log.warning("photos of lab reports cannot be read (uploadRecordImage answers SERVICE_UNAVAILABLE): %s", ocr)

        async def write_events(batches):
            # One request's events are one traversal; a group commit of several requests is
            # their traversals, landing together in one atomic write.
            traversals = [writes.add_access_events(client.g, events) for events in batches]
            if len(traversals) == 1:
                await client.run(traversals[0])
            else:
                await client.run_atomic(traversals)

        services = Services(graph=client, audit_log=AuditLog(write_events), payor_id=settings.payor_id,
                            development=settings.development, upload_limit_bytes=settings.upload_limit_bytes)
        app[SERVICES] = services
        app[AUTHENTICATOR] = Authenticator(verifier, viewer_lookup(client),
                                           development_issuer=not settings.external_issuer)
        app[VIEW] = P360GraphQLView(
            build_schema(introspection=settings.development), services, app[AUTHENTICATOR],
            graphql_ide=None,  # our own GraphiQL page, served offline (p360/graphiql.py)
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allow_queries_via_get=False,
            multipart_uploads_enabled=True,
        )

    async def cleanup(app: web.Application) -> None:
        services = app.get(SERVICES)
        if services is not None:
            await services.audit_log.close()
            await services.program_figures.close()
        client = app.get(GRAPH)
        if client is not None:
            await asyncio.get_running_loop().run_in_executor(None, client.close)

    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    app.router.add_route("*", "/graphql", _graphql)
    if settings.development:
        app.router.add_get(graphiql.ASSET_ROUTE, graphiql.asset)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/.well-known/jwks.json", _jwks)
    return app
