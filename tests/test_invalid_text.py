"""Text that is not valid Unicode (JSON can spell a lone UTF-16 surrogate, "\\ud800") is refused
where it comes in, naming where it was: GraphQL variables over HTTP and over the socket,
token claims, the Authorization header, FHIR imports. None of it is stored.

Before, the graph refused it as a parameter deep inside a resolver (INTERNAL_SERVER_ERROR), a
token carrying it read as "the graph is unavailable" (503), and record components stored it,
to be sent back to every reader in a form strict JSON parsers reject."""
from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import aiohttp
import pytest

from graphdb import model
from graphdb.open import open_graph
from ingest.fhir.command import import_fhir
from model.text import invalid_text_path
from tests.support import Api, Population

SURROGATE = "\ud800"


def test_the_path_of_the_first_invalid_text_is_named_however_deep_it_is():
    assert invalid_text_path({"a": [{"b": "ok"}, {"c": "x" + SURROGATE}]}) == "a.1.c"
    assert invalid_text_path({"a": ["ok", "é", "😀"]}) is None
    assert invalid_text_path({SURROGATE: 1}) == "(a key)"
    deep: object = SURROGATE
    for _ in range(5000):  # deeper than Python recursion goes
        deep = [deep]
    assert invalid_text_path({"v": deep}) == "v" + ".0" * 5000


@pytest.mark.parametrize("document, variables", [
    ("query($id: ID!) { patient(id: $id) { id } }", {"id": SURROGATE}),
    ("mutation($id: ID!) { revokeGrant(id: $id) { id } }", {"id": SURROGATE}),
    ("mutation($id: ID!) { confirmRecord(id: $id) { id } }", {"id": SURROGATE}),
    ("query($search: String) { providers(search: $search) { totalCount } }", {"search": SURROGATE}),
    ("mutation($granteeId: ID!) { grantAccess(input: { granteeId: $granteeId, durationDays: 1 }) { id } }",
     {"granteeId": SURROGATE}),
    ("mutation($patientId: ID!) { addRecord(patientId: $patientId, input: { category: EPISODE }) { id } }",
     {"patientId": SURROGATE}),
    ('mutation($display: String) { addRecord(patientId: "p1", input: { category: EPISODE, display: $display }) { id } }',
     {"display": SURROGATE}),
    ('mutation($code: String) { addRecord(patientId: "p1", input: { category: LAB, code: $code }) { id } }',
     {"code": "abc" + SURROGATE}),
])
async def test_a_variable_holding_invalid_text_is_bad_user_input_naming_it(api: Api, population: Population,
                                                                            document, variables):
    population.patient("p1")
    population.provider("doc")
    response = await api.as_patient("p1", document, variables)
    assert response.codes() == ["BAD_USER_INPUT"], response.body
    (name,) = variables
    assert response.errors[0]["extensions"]["argument"] == name
    assert "not valid Unicode" in response.errors[0]["message"]


async def test_invalid_text_inside_an_input_object_names_its_path_and_nothing_is_stored(api: Api, population: Population):
    population.patient("p1")
    mutation = 'mutation($input: RecordInput!) { addRecord(patientId: "p1", input: $input) { id } }'
    response = await api.as_patient("p1", mutation, {"input": {"category": "LAB", "components": [
        {"display": "ok"}, {"display": SURROGATE}]}})
    assert response.codes() == ["BAD_USER_INPUT"], response.body
    assert response.errors[0]["extensions"]["argument"] == "input"
    assert "input.components.1.display" in response.errors[0]["message"]
    listing = await api.as_patient("p1", "{ me { ... on Patient { records { totalCount } } } }")
    assert listing.data["me"]["records"]["totalCount"] == 0


async def test_an_admin_linking_invalid_text_is_refused_naming_the_argument(api: Api, population: Population):
    population.patient("p1")
    mutation = ("mutation($issuer: String!, $subject: String!, $entityId: ID!) "
                "{ linkIdentity(issuer: $issuer, subject: $subject, entityId: $entityId) }")
    valid = {"issuer": "https://idp.example", "subject": "s", "entityId": "p1"}
    for name in valid:
        response = await api.as_admin(mutation, {**valid, name: SURROGATE})
        assert response.codes() == ["BAD_USER_INPUT"], response.body
        assert response.errors[0]["extensions"]["argument"] == name


@pytest.mark.parametrize("claims", [{"sub": SURROGATE}, {"custom:p360_id": SURROGATE}, {"custom:p360_id": 42}])
async def test_a_token_whose_identity_claims_are_not_text_is_unauthenticated(api: Api, population: Population, claims):
    population.patient("p1")
    custom = {name: value for name, value in claims.items() if name != "sub"}
    token = api.token(claims.get("sub", "p1"), "patients", **custom)
    response = await api.post("{ me { __typename } }", token=token)
    assert (response.status, response.codes()) == (401, ["UNAUTHENTICATED"]), response.body
    assert "claim must be non-empty text" in response.errors[0]["message"]


async def test_an_authorization_header_that_is_not_utf8_is_unauthenticated(api: Api, population: Population):
    population.patient("p1")
    host, port = api.base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    body = json.dumps({"query": "{ me { __typename } }"}).encode()
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n"
                 b"Content-Type: application/json\r\nAuthorization: Bearer \xe9\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    response = await reader.read()
    writer.close()
    head, _, payload = response.partition(b"\r\n\r\n")
    assert head.split(b" ", 2)[1] == b"401", response
    error = json.loads(payload)["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "not a well-formed JWT" in error["message"]


async def socket_exchange(api: Api, *messages: dict) -> tuple[list[dict], int | None]:
    """Send the messages in turn, reading one reply to each; the replies and the close code."""
    assert api.session is not None
    replies = []
    async with api.session.ws_connect(api.url.replace("http", "ws", 1), protocols=["graphql-transport-ws"]) as ws:
        for message in messages:
            await ws.send_str(json.dumps(message))
            reply = await ws.receive(timeout=5)
            if reply.type != aiohttp.WSMsgType.TEXT:
                break
            replies.append(json.loads(reply.data))
        return replies, ws.close_code


async def test_a_socket_signing_in_with_invalid_text_is_refused_with_4403(api: Api, population: Population):
    population.patient("p1")
    replies, code = await socket_exchange(api, {"type": "connection_init",
                                                "payload": {"Authorization": f"Bearer {SURROGATE}"}})
    assert (replies, code) == ([], 4403)


async def test_a_subscription_request_holding_invalid_text_is_refused_naming_the_field(api: Api, population: Population):
    population.patient("p1")
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {api.token('p1', 'patients')}"}}
    subscribe = {"id": "1", "type": "subscribe", "payload": {
        "query": "subscription Feed { accessEvents { id } }", "operationName": "Feed" + SURROGATE}}
    replies, _ = await socket_exchange(api, init, subscribe)
    assert replies[0]["type"] == "connection_ack"
    assert replies[1]["type"] == "error"
    assert replies[1]["payload"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "operationName is not valid Unicode" in replies[1]["payload"][0]["message"]


def test_an_imported_resource_holding_invalid_text_is_rejected_alone(tmp_path: Path):
    export = tmp_path / "export"
    export.mkdir()
    patient = {"resourceType": "Patient", "id": "pt1", "birthDate": "1980-01-01", "name": [{"family": "A"}]}
    flu = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/pt1"}, "code": {"text": "Flu"}}
    bad = {**flu, "id": "c2", "code": {"text": "Fl" + SURROGATE}}
    (export / "Patient.ndjson").write_text(json.dumps(patient) + "\n")
    (export / "Condition.ndjson").write_text(json.dumps(flu) + "\n" + json.dumps(bad) + "\n")
    client = open_graph(tmp_path / "data")
    out = io.StringIO()
    try:
        code = import_fhir(client, [str(export)], "payor", out, progress=False)
        stored = client.run_sync(client.g.V().has_label(model.RECORD).count())
    finally:
        client.close()
    text = out.getvalue()
    assert code == 0, text
    assert "Imported 2 resources" in text
    assert f"{export / 'Condition.ndjson'}:2: the text at code.text is not valid Unicode" in text
    assert stored == [1]
