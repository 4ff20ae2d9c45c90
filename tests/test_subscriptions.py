"""Subscription.accessEvents over graphql-transport-ws, with a real WebSocket client (aiohttp's)
against the running server: the token in the connection_init payload, each event checked
against the subscriber, no other patient's events, the socket closed when the token expires."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Optional

import aiohttp
import pytest

from authz.access_feed import AccessEventFeed
from model.categories import RecordCategory as C
from model.nodes import AccessEventNode
from model.timeutil import utcnow
from p360.app import SERVICES
from p360.websocket import EXPIRED_REASON
from schema.build import build_schema
from tests.support import Api, Population

PROTOCOL = "graphql-transport-ws"
EVENTS = """subscription Watch { accessEvents { id at viewerId viewerType viewerName operation categories
            recordCount outcome grantIds } }"""
CHART = "query Chart($id: ID!) { patient(id: $id) { name records { totalCount edges { node { value } } } } }"
LOG = """query Log($id: ID!) { patient(id: $id) { accessLog { id at viewerId viewerType viewerName operation
         categories recordCount outcome grantIds } } }"""
# Generous bound so a stuck socket fails the test instead of hanging it; never a timing check.
WAIT = 30


class Socket:
    """A graphql-transport-ws client over a real WebSocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws

    @classmethod
    async def open(cls, api: Api, payload: Optional[dict[str, Any]]) -> "Socket":
        assert api.session is not None
        ws = await api.session.ws_connect(api.url.replace("http", "ws", 1), protocols=[PROTOCOL])
        assert ws.protocol == PROTOCOL
        init: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            init["payload"] = payload
        await ws.send_json(init)
        return cls(ws)

    async def receive(self) -> dict[str, Any]:
        message = await self.ws.receive(timeout=WAIT)
        if message.type != aiohttp.WSMsgType.TEXT:
            return {"closed": self.ws.close_code, "reason": message.extra}
        return json.loads(message.data)

    async def subscribe(self, op_id: str, query: str) -> None:
        await self.ws.send_json({"id": op_id, "type": "subscribe", "payload": {"query": query}})

    async def close(self) -> None:
        await self.ws.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def connect(api: Api, token: str) -> Socket:
    socket = await Socket.open(api, bearer(token))
    assert await socket.receive() == {"type": "connection_ack"}
    return socket


async def listeners_settle(api: Api, expected: int) -> int:
    """The server unregisters a subscriber when its socket ends; wait (bounded) for that."""
    listeners = api.app[SERVICES].audit_log.listeners
    for _ in range(WAIT * 20):
        if len(listeners) == expected:
            break
        await asyncio.sleep(0.05)
    return len(listeners)


async def subscribed(api: Api, socket: Socket, expected_listeners: int) -> None:
    """The subscription is live once its feed listens to the audit log."""
    assert await listeners_settle(api, expected_listeners) == expected_listeners


@pytest.fixture
def clinic(population: Population):
    population.patient("p1", "Ann Lee")
    population.patient("p2", "Bob Roe")
    population.provider("doc", "Dr. Doc")
    population.provider("other", "Dr. Other")
    population.record("p1", C.LAB, value="6.9")
    population.record("p1", C.VITAL_SIGN, value="140")
    population.record("p2", C.LAB, value="5.1")
    grant = population.grant("p1", "doc", [C.LAB], grant_id="grant-p1-doc")
    return grant


async def test_the_patient_sees_each_access_live_and_no_one_elses(api: Api, clinic):
    ann = await connect(api, api.token("p1", "patients"))
    bob = await connect(api, api.token("p2", "patients"))
    await ann.subscribe("a", EVENTS)
    await bob.subscribe("b", EVENTS)
    await subscribed(api, ann, 2)

    # Bob's chart first: had his event leaked to Ann, it would reach her before her own.
    denied = await api.as_provider("doc", CHART, {"id": "p2"}, operation="Chart")
    assert denied.codes() == ["FORBIDDEN"]
    allowed = await api.as_provider("doc", CHART, {"id": "p1"}, operation="Chart")
    assert allowed.data == {"patient": {"name": "Ann Lee", "records": {"totalCount": 1, "edges": [{"node": {"value": "6.9"}}]}}}
    refused = await api.as_provider("other", CHART, {"id": "p1"}, operation="Chart")
    assert refused.codes() == ["FORBIDDEN"]

    ann_log = (await api.as_patient("p1", LOG, {"id": "p1"})).data["patient"]["accessLog"]
    bob_log = (await api.as_patient("p2", LOG, {"id": "p2"})).data["patient"]["accessLog"]
    # The log is newest first; the feed delivers in the order the events became durable.
    first, second = await ann.receive(), await ann.receive()
    assert first == {"id": "a", "type": "next", "payload": {"data": {"accessEvents": ann_log[1]}}}
    assert second == {"id": "a", "type": "next", "payload": {"data": {"accessEvents": ann_log[0]}}}
    assert {k: v for k, v in ann_log[1].items() if k not in ("id", "at")} == {
        "viewerId": "doc", "viewerType": "Provider", "viewerName": "Dr. Doc", "operation": "Chart",
        "categories": ["LAB"], "recordCount": 1, "outcome": "ALLOWED", "grantIds": ["grant-p1-doc"]}
    assert {k: v for k, v in ann_log[0].items() if k not in ("id", "at")} == {
        "viewerId": "other", "viewerType": "Provider", "viewerName": "Dr. Other", "operation": "Chart",
        "categories": [], "recordCount": 0, "outcome": "DENIED", "grantIds": []}
    assert len(ann_log) == 2

    assert await bob.receive() == {"id": "b", "type": "next", "payload": {"data": {"accessEvents": bob_log[0]}}}
    assert {k: bob_log[0][k] for k in ("viewerId", "outcome")} == {"viewerId": "doc", "outcome": "DENIED"}
    assert len(bob_log) == 1

    await ann.ws.send_json({"id": "a", "type": "complete"})
    await ann.close()
    await bob.close()
    assert await listeners_settle(api, 0) == 0


async def test_only_patients_subscribe(api: Api, clinic):
    doc = await connect(api, api.token("doc", "providers"))
    await doc.subscribe("d", EVENTS)
    message = await doc.receive()
    assert message["id"] == "d" and message["type"] == "error"
    assert [e["extensions"]["code"] for e in message["payload"]] == ["FORBIDDEN"]
    assert message["payload"][0]["message"] == "this field is for patients only"
    await doc.close()
    assert await listeners_settle(api, 0) == 0


@pytest.mark.parametrize("payload", [
    None,
    {},
    {"Authorization": "Bearer not-a-jwt"},
    {"Authorization": "Basic cDE6cGFzcw=="},
    {"authorization": 42},
])
async def test_a_socket_without_a_valid_token_is_refused(api: Api, clinic, payload):
    socket = await Socket.open(api, payload)
    assert await socket.receive() == {"closed": 4403, "reason": "Forbidden"}


async def test_an_expired_token_is_refused(api: Api, clinic):
    socket = await Socket.open(api, bearer(api.token("p1", "patients", ttl=-3600)))
    assert await socket.receive() == {"closed": 4403, "reason": "Forbidden"}


async def test_a_token_of_someone_unknown_is_refused(api: Api, clinic):
    socket = await Socket.open(api, bearer(api.token("nobody", "patients")))
    assert await socket.receive() == {"closed": 4403, "reason": "Forbidden"}


async def test_the_header_name_is_case_insensitive_as_over_http(api: Api, clinic):
    socket = await Socket.open(api, {"authorization": f"Bearer {api.token('p1', 'patients')}"})
    assert await socket.receive() == {"type": "connection_ack"}
    await socket.close()


async def test_subscribing_before_connection_init_is_refused(api: Api, clinic):
    assert api.session is not None
    ws = await api.session.ws_connect(api.url.replace("http", "ws", 1), protocols=[PROTOCOL])
    socket = Socket(ws)
    await socket.subscribe("early", EVENTS)
    assert await socket.receive() == {"closed": 4401, "reason": "Unauthorized"}


async def test_the_socket_closes_when_the_token_expires(api: Api, clinic):
    socket = await connect(api, api.token("p1", "patients", ttl=2))
    await socket.subscribe("a", EVENTS)
    await subscribed(api, socket, 1)
    assert await socket.receive() == {"closed": 4403, "reason": EXPIRED_REASON}
    assert await listeners_settle(api, 0) == 0


async def test_queries_and_mutations_go_by_post_not_over_the_socket(api: Api, clinic):
    socket = await connect(api, api.token("p1", "patients"))
    await socket.subscribe("q", "{ me { __typename } }")
    message = await socket.receive()
    assert message == {"id": "q", "type": "error", "payload": [{
        "message": "only subscriptions run over the WebSocket; send this query by POST /graphql",
        "extensions": {"code": "BAD_USER_INPUT"}}]}
    await socket.subscribe("m", 'mutation { revokeGrant(id: "grant-p1-doc") { id } }')
    message = await socket.receive()
    assert message["type"] == "error" and message["payload"][0]["message"].endswith("send this mutation by POST /graphql")
    # Nothing ran: the grant still works.
    still = await api.as_provider("doc", CHART, {"id": "p1"})
    assert still.data == {"patient": {"name": "Ann Lee", "records": {"totalCount": 1, "edges": [{"node": {"value": "6.9"}}]}}}
    await socket.close()


CHART_AND_WATCH = [f"{CHART}\n{EVENTS}", f"{EVENTS}\n{CHART}"]


@pytest.mark.parametrize("document", CHART_AND_WATCH, ids=["query first", "subscription first"])
async def test_a_document_of_several_operations_needs_the_name_of_the_one_to_run(api: Api, clinic, document):
    # Strawberry would run the first operation: a query hidden beside a subscription ran on the
    # socket, with no audit entry and the socket's clock and grants of connection time.
    socket = await connect(api, api.token("doc", "providers"))
    await socket.ws.send_json({"id": "s", "type": "subscribe", "payload": {"query": document, "variables": {"id": "p1"}}})
    assert await socket.receive() == {"id": "s", "type": "error", "payload": [{
        "message": "the document has several operations: operationName must name the one to run",
        "extensions": {"code": "BAD_USER_INPUT"}}]}
    await socket.ws.send_json({"id": "n", "type": "subscribe", "payload": {
        "query": document, "operationName": "Chart", "variables": {"id": "p1"}}})
    assert await socket.receive() == {"id": "n", "type": "error", "payload": [{
        "message": "only subscriptions run over the WebSocket; send this query by POST /graphql",
        "extensions": {"code": "BAD_USER_INPUT"}}]}
    await socket.close()

    over_http = await api.as_provider("doc", document, {"id": "p1"})
    assert over_http.body == {"data": None, "errors": [{
        "message": "the document has several operations: operationName must name the one to run",
        "extensions": {"code": "BAD_USER_INPUT"}}]}
    named = await api.as_provider("doc", document, {"id": "p1"}, operation="Chart")
    assert named.data == {"patient": {"name": "Ann Lee", "records": {"totalCount": 1, "edges": [{"node": {"value": "6.9"}}]}}}
    # The one disclosure that ran (by POST, named) is the one in the patient's log.
    log = (await api.as_patient("p1", LOG, {"id": "p1"})).data["patient"]["accessLog"]
    assert [(e["viewerId"], e["operation"], e["outcome"]) for e in log] == [("doc", "Chart", "ALLOWED")]


@pytest.mark.parametrize(("document", "refusal"), [
    ("query Q { __typename }", "queries are not allowed"),
    ("mutation M { __typename }", "mutations are not allowed"),
])
async def test_the_schema_streams_nothing_but_subscriptions(document, refusal):
    # The socket's backstop: were its own check ever passed, the schema still refuses to run
    # a query or mutation on a streaming transport.
    stream = await build_schema().stream(document)
    assert [(r.data, [e.message for e in r.errors]) async for r in stream] == [(None, [refusal])]


async def test_the_named_subscription_of_a_document_runs(api: Api, clinic):
    socket = await connect(api, api.token("p1", "patients"))
    await socket.ws.send_json({"id": "w", "type": "subscribe", "payload": {
        "query": CHART_AND_WATCH[0], "operationName": "Watch"}})
    await subscribed(api, socket, 1)
    await api.as_provider("doc", CHART, {"id": "p1"}, operation="Chart")
    message = await socket.receive()
    assert (message["id"], message["type"], message["payload"]["data"]["accessEvents"]["viewerId"]) == ("w", "next", "doc")
    await socket.close()
    assert await listeners_settle(api, 0) == 0


async def test_errors_before_a_subscription_runs_carry_a_code_as_over_http(api: Api, clinic):
    # A document that did not parse ended the subscription with no word of why; validation
    # errors and limits came without `extensions.code`.
    socket = await connect(api, api.token("p1", "patients"))
    await socket.subscribe("a", "subscription {")
    message = await socket.receive()
    assert (message["type"], message["payload"][0]["extensions"]) == ("error", {"code": "GRAPHQL_PARSE_FAILED"})
    assert message["payload"][0]["message"].startswith("Syntax Error: Expected Name, found <EOF>.")
    await socket.subscribe("b", "subscription { accessEvents { nope } }")
    message = await socket.receive()
    assert message == {"id": "b", "type": "error", "payload": [{
        "message": "Cannot query field 'nope' on type 'AccessEvent'.", "locations": [{"line": 1, "column": 31}],
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]}
    await socket.subscribe("c", "subscription { " + " ".join(["accessEvents { id }"] * 51) + " }")
    message = await socket.receive()
    assert message["payload"][0] == {
        "message": "'accessEvents' is selected 51 times in one selection set. Allowed: 50",
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
    await socket.close()


async def test_an_operation_name_the_document_lacks_is_bad_input(api: Api, clinic):
    response = await api.as_patient("p1", CHART, {"id": "p1"}, operation="Nope")
    assert response.body == {"data": None, "errors": [{
        "message": "the document has no operation of the name in operationName",
        "extensions": {"code": "BAD_USER_INPUT"}}]}


async def test_the_legacy_subscriptions_transport_ws_protocol_is_not_offered(api: Api, clinic):
    assert api.session is not None
    ws = await api.session.ws_connect(api.url.replace("http", "ws", 1), protocols=["graphql-ws"])
    assert ws.protocol is None
    message = await ws.receive(timeout=WAIT)
    assert (message.type, ws.close_code) == (aiohttp.WSMsgType.CLOSE, 4406)


async def test_a_subscription_sent_by_post_is_refused(api: Api, clinic):
    response = await api.as_patient("p1", EVENTS)
    assert (response.status, response.body) == (200, {"data": None, "errors": [{
        "message": "subscriptions run over the WebSocket at /graphql (graphql-transport-ws), not over HTTP",
        "extensions": {"code": "BAD_USER_INPUT"}}]})
    assert api.app[SERVICES].audit_log.listeners == []


def _event(event_id: str, patient_id: str) -> AccessEventNode:
    return AccessEventNode(id=event_id, patient_id=patient_id, at=utcnow(), viewer_id="doc", viewer_type="Provider",
                           viewer_name="Dr. Doc", operation="Chart", categories=(), record_count=0,
                           outcome="DENIED", grant_ids=())


async def test_a_subscriber_that_falls_behind_is_ended_not_skipped(api: Api, clinic):
    audit_log = api.app[SERVICES].audit_log
    feed = AccessEventFeed(audit_log, "p1", capacity=2)
    # Durable writes through the application's audit log; the feed hears them afterwards.
    await audit_log.record([_event("e1", "p1"), _event("x1", "p2"), _event("e2", "p1")])
    await audit_log.record([_event("e3", "p1")])  # the queue is full: the feed is overrun
    assert [event.id async for event in feed] == ["e1", "e2"]
    feed.close()
    assert audit_log.listeners == []
