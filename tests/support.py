"""Test support: a real server on 127.0.0.1 over a real embedded store (or, with the backend
"remote", over a real Gremlin-protocol endpoint in front of one, reached through
gremlinpython's DriverRemoteConnection), real signed tokens, and a small population written
through the application's own write traversals."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any, Iterable, Optional

import aiohttp
from aiohttp import web

from authz.tokens import DevelopmentIssuer
from graphdb import writes
from graphdb.client import GraphClient
from model.categories import ALL_CATEGORIES, RecordCategory
from model.nodes import GrantNode, PatientNode, ProviderNode, RecordComponentData, RecordNode
from model.timeutil import utcnow
from p360.app import GRAPH, create_app
from p360.config import Settings
from tests.gremlin_endpoint import GremlinEndpoint

# The graphs the API suite runs over: the embedded store in the data dir, and a remote
# Gremlin endpoint (tests/gremlin_endpoint.py) as Neptune or JanusGraph would be.
BACKENDS = ("embedded", "remote")

SHARED_FHIR = Path(__file__).resolve().parents[2] / "shared" / "fhir" / "synthea-10-patients"


@dataclasses.dataclass
class Response:
    status: int
    body: dict[str, Any]
    headers: Any

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    def codes(self) -> list[str]:
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    def error_paths(self) -> list[list[Any]]:
        return [e.get("path") for e in self.errors]


class Api:
    """A running server and what a test needs to talk to it like a client would."""

    def __init__(self, url: str, app: web.Application, issuer: DevelopmentIssuer, settings: Settings):
        self.base = url
        self.app = app
        graph = app[GRAPH]
        self.url = f"{url}/graphql"
        self.graph = graph
        self.issuer = issuer
        self.settings = settings
        self.session: Optional[aiohttp.ClientSession] = None
        # The endpoint this API started for itself (backend "remote"), stopped with it.
        self.endpoint: Optional[GremlinEndpoint] = None

    def token(self, sub: str, group: str, ttl: int = 3600, **claims: Any) -> str:
        return self.issuer.mint(sub, group, ttl, claims or None)

    async def post(self, query: str, variables: Optional[dict[str, Any]] = None, *,
                   token: Optional[str] = None, operation: Optional[str] = None,
                   headers: Optional[dict[str, str]] = None) -> Response:
        assert self.session is not None
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation is not None:
            body["operationName"] = operation
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        async with self.session.post(self.url, data=json.dumps(body), headers=all_headers) as response:
            text = await response.text()
            return Response(response.status, json.loads(text) if text else {}, response.headers)

    async def as_patient(self, patient_id: str, query: str, variables=None, **kw) -> Response:
        return await self.post(query, variables, token=self.token(patient_id, "patients"), **kw)

    async def as_provider(self, provider_id: str, query: str, variables=None, **kw) -> Response:
        return await self.post(query, variables, token=self.token(provider_id, "providers"), **kw)

    async def as_payor(self, payor_id: str, query: str, variables=None, **kw) -> Response:
        return await self.post(query, variables, token=self.token(payor_id, "payors"), **kw)

    async def as_admin(self, query: str, variables=None, **kw) -> Response:
        return await self.post(query, variables, token=self.token("admin-1", "admins"), **kw)

    def traversal_count(self) -> int:
        return self.graph.traversals.value


async def start_api(data_dir: Path, backend: str = "embedded", **overrides: Any) -> tuple[Api, web.AppRunner]:
    """A server over the embedded store in ``data_dir``; with ``backend="remote"`` (and no
    ``gremlin_url`` given) over a Gremlin endpoint of its own, whose store is beside
    ``data_dir`` (``data_dir`` then only holds the development keys)."""
    assert backend in BACKENDS, backend
    endpoint = None
    if backend == "remote" and not overrides.get("gremlin_url"):
        endpoint = GremlinEndpoint(data_dir.parent / f"{data_dir.name}-gremlin").start()
        overrides["gremlin_url"] = endpoint.url
    try:
        settings = Settings(data_dir=data_dir, **overrides).check()
        app = create_app(settings)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
    except BaseException:
        if endpoint is not None:
            endpoint.close()
        raise
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    api = Api(f"http://127.0.0.1:{port}", app, DevelopmentIssuer(data_dir), settings)
    api.session = aiohttp.ClientSession()
    api.endpoint = endpoint
    return api, runner


async def stop_api(api: Api, runner: web.AppRunner) -> None:
    if api.session is not None:
        await api.session.close()
    await runner.cleanup()
    if api.endpoint is not None:
        api.endpoint.close()


_ids = itertools.count(1)


class Population:
    """Builds a small graph with the application's own upserts, synchronously and explicitly."""

    def __init__(self, graph: GraphClient, payor_id: str = "payor"):
        self.graph = graph
        self.g = graph.g
        self.payor_id = payor_id
        self.now = utcnow()

    def patient(self, patient_id: str, name: Optional[str] = None, birth: dt.date = dt.date(1980, 5, 17),
                gender: str = "female", deceased_at: Optional[dt.datetime] = None) -> PatientNode:
        node = PatientNode(patient_id, name or f"Patient {patient_id}", birth, gender, deceased_at)
        self.graph.run_sync(writes.upsert_patient(self.g, node, self.payor_id))
        return node

    def provider(self, provider_id: str, name: Optional[str] = None) -> ProviderNode:
        node = ProviderNode(provider_id, name or f"Dr. {provider_id}", npi=f"99{next(_ids):08d}")
        self.graph.run_sync(writes.upsert_provider(self.g, node))
        return node

    def record(self, patient_id: str, category: RecordCategory, *, record_id: Optional[str] = None,
               days_ago: Optional[float] = 1, code: str = "4548-4", value: str = "6.1",
               unit: Optional[str] = "%", author_id: Optional[str] = None, status: str = "final",
               display: Optional[str] = None, components: Iterable[RecordComponentData] = (),
               system: str = "http://loinc.org", reference_range: Optional[str] = None,
               interpretation: Optional[str] = None) -> RecordNode:
        node = RecordNode(
            id=record_id or f"rec-{next(_ids)}", patient_id=patient_id, category=category, code=code,
            system=system, display=display or f"{category.value} {code}", value=value, unit=unit,
            components=tuple(components), status=status, reference_range=reference_range,
            interpretation=interpretation,
            effective_at=None if days_ago is None else self.now - dt.timedelta(days=days_ago),
            source="test", author_id=author_id)
        self.graph.run_sync(writes.upsert_record(self.g, node))
        return node

    def grant(self, patient_id: str, grantee_id: str, categories: Optional[Iterable[RecordCategory]] = None,
              *, grantee_type: str = "Provider", days: float = 30, revoked: bool = False,
              grant_id: Optional[str] = None) -> GrantNode:
        cats = None if categories is None else frozenset(categories)
        node = GrantNode(
            id=grant_id or f"grant-{next(_ids)}", patient_id=patient_id, grantee_id=grantee_id,
            grantee_type=grantee_type, categories=ALL_CATEGORIES if cats is None else cats,
            all_categories=cats is None, created_at=self.now - dt.timedelta(days=1),
            expires_at=self.now + dt.timedelta(days=days),
            revoked_at=self.now - dt.timedelta(minutes=1) if revoked else None)
        self.graph.run_sync(writes.upsert_grant(self.g, node))
        return node
