"""The real application inside the benchmark's process.

``handle`` is everything the HTTP handler does for a POST /graphql except HTTP itself: verify
the token and find the viewer (the app's Authenticator), execute the operation on the app's
schema with a real request context, make the audit events durable, shape the result. ``post``
is the same request over HTTP to the app's server on 127.0.0.1, for reference.
"""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any, Optional

import aiohttp
from aiohttp import web
from strawberry.http import process_result

from authz.tokens import DevelopmentIssuer
from graphdb.client import GraphClient
from model.timeutil import utcnow
from p360.app import AUTHENTICATOR, GRAPH, SERVICES, VIEW, create_app
from p360.config import Settings
from resolvers.context import new_request_context

TOKEN_TTL_SECONDS = 6 * 3600
_METRIC = re.compile(r"^p360_graph_traversals_total (\d+)", re.MULTILINE)


class InProcessApi:
    def __init__(self, data_dir: Path, runner: web.AppRunner, base_url: Optional[str]):
        app = runner.app
        self.data_dir = data_dir
        self.runner = runner
        self.base_url = base_url
        self.authenticator = app[AUTHENTICATOR]
        self.services = app[SERVICES]
        self.schema = app[VIEW].schema
        self.graph = app[GRAPH]
        self.issuer = DevelopmentIssuer(data_dir)
        self.session: Optional[aiohttp.ClientSession] = None

    @classmethod
    async def start(cls, data_dir: Path, *, http: bool = True, graph: Optional[GraphClient] = None) -> "InProcessApi":
        """Opens the store in ``data_dir`` (or takes ``graph``, already open); with ``http``,
        also listens on 127.0.0.1."""
        runner = web.AppRunner(create_app(Settings(data_dir=data_dir).check(), graph), access_log=None)
        await runner.setup()
        base_url = None
        if http:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            base_url = f"http://127.0.0.1:{port}"
        api = cls(data_dir, runner, base_url)
        if http:
            api.session = aiohttp.ClientSession()
        return api

    def token(self, subject: str, group: str) -> str:
        return self.issuer.mint(subject, group, TOKEN_TTL_SECONDS)

    async def handle(self, token: str, query: str, variables: Optional[dict[str, Any]] = None,
                     operation_name: Optional[str] = None) -> dict[str, Any]:
        identity = await self.authenticator.identify(f"Bearer {token}")
        context = new_request_context(self.services, identity, utcnow(), uuid.uuid4().hex, None)
        result = await self.schema.execute(query, variable_values=variables, context_value=context,
                                           operation_name=operation_name)
        await self.services.audit_log.record(context.audit.events())
        return dict(process_result(result))

    async def post(self, token: str, query: str, variables: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        assert self.session is not None and self.base_url, "started without http"
        body = json.dumps({"query": query, "variables": variables})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        async with self.session.post(f"{self.base_url}/graphql", data=body, headers=headers) as response:
            return await response.json()

    async def traversals_total(self) -> int:
        """``p360_graph_traversals_total`` as GET /metrics shows it."""
        assert self.session is not None and self.base_url, "started without http"
        async with self.session.get(f"{self.base_url}/metrics") as response:
            match = _METRIC.search(await response.text())
        assert match, "GET /metrics has no p360_graph_traversals_total"
        return int(match.group(1))

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
        await self.runner.cleanup()


def errors_of(response: dict[str, Any]) -> list[str]:
    """The error codes of a response (empty when it succeeded)."""
    return [str((e.get("extensions") or {}).get("code") or e.get("message"))
            for e in response.get("errors") or []]
