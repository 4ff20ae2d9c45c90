"""Requests that are not GraphQL requests get a 4xx (HTTP) or a 4400 close (socket) saying what
was wrong, never a 500 or a dropped connection. Raw bytes where a client library would refuse
to send them. Each case here was a 500 or an abnormal close (1006) before.

These exercise the transport only, before any graph is touched: the embedded backend suffices."""
from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from tests.support import Api, Population

pytestmark = pytest.mark.parametrize("api", ["embedded"], indirect=True)


async def raw_post(api: Api, body: bytes, **headers: str) -> tuple[int, str]:
    host, port = api.base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = ["POST /graphql HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}",
            "Connection: close", *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items())]
    writer.write("\r\n".join(head).encode() + b"\r\n\r\n" + body)
    response = await reader.read()
    writer.close()
    status_line, _, rest = response.partition(b"\r\n")
    return int(status_line.split(b" ", 2)[1]), rest.partition(b"\r\n\r\n")[2].decode(errors="replace")


@pytest.mark.parametrize("body, reason", [
    (b'"a string"', "must be a JSON object"),
    (b"42", "must be a JSON object"),
    (b"null", "must be a JSON object"),
    (b'[{"query": "{ me { __typename } }"}]', "Batching is not enabled"),
    (b'{"query": "{ me { __typename } }\xff"}', "not UTF-8"),
    (b'{"query": "{ me { __typename } }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
     "nests too deeply"),
    (b'{"query": ', "Unable to parse request body as JSON"),
])
async def test_a_body_that_is_not_a_graphql_request_is_400_saying_why(api: Api, population: Population, body, reason):
    population.patient("p1")
    status, text = await raw_post(api, body, Content_Type="application/json",
                                  Authorization=f"Bearer {api.token('p1', 'patients')}")
    assert (status, reason in text) == (400, True), text


@pytest.mark.parametrize("headers", [{}, {"Content_Type": "text/plain"}])
async def test_a_body_of_another_media_type_is_400_naming_the_ones_accepted(api: Api, population: Population, headers):
    population.patient("p1")
    status, text = await raw_post(api, b'{"query": "{ me { __typename } }"}',
                                  Authorization=f"Bearer {api.token('p1', 'patients')}", **headers)
    assert (status, "send application/json, or multipart/form-data to upload a file" in text) == (400, True), text


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_body_that_does_not_match_its_content_encoding_is_400(api: Api, population: Population, encoding):
    population.patient("p1")
    status, text = await raw_post(api, b"this is not compressed", Content_Type="application/json",
                                  Content_Encoding=encoding, Authorization=f"Bearer {api.token('p1', 'patients')}")
    assert (status, "Content-Encoding" in text) == (400, True), text


UPLOAD = "mutation($file: Upload!) { uploadRecordImage(file: $file) { id } }"


async def multipart(api: Api, token: str, operations: Any, file_map: Any) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("operations", json.dumps(operations))
    form.add_field("map", json.dumps(file_map))
    form.add_field("0", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, filename="r.png", content_type="image/png")
    assert api.session is not None
    async with api.session.post(api.url, data=form, headers={"Authorization": f"Bearer {token}"}) as response:
        return response.status, await response.text()


@pytest.mark.parametrize("file_map, reason", [
    (["variables.file"], "must be an object from file field names to lists"),
    ({"0": "variables.file"}, "must be an object from file field names to lists"),
    ({"0": ["variables.file.a.b"]}, "names a path that is not in `operations`"),
])
async def test_a_malformed_multipart_map_is_400_saying_what_is_wrong(api: Api, population: Population,
                                                                     file_map, reason):
    population.patient("p1")
    status, text = await multipart(api, api.token("p1", "patients"),
                                   {"query": UPLOAD, "variables": {"file": None}}, file_map)
    assert (status, reason in text) == (400, True), text


async def test_a_multipart_body_that_does_not_parse_is_400(api: Api, population: Population):
    population.patient("p1")
    status, text = await raw_post(api, b"--x\r\nno headers and no end", Authorization=f"Bearer {api.token('p1', 'patients')}",
                                  Content_Type="multipart/form-data; boundary=x")
    assert (status, "multipart" in text) == (400, True), text


async def test_an_upload_variable_given_inline_instead_of_as_a_file_is_bad_user_input(api: Api, population: Population):
    population.patient("p1")
    response = await api.as_patient("p1", UPLOAD, {"file": "not a file"})
    assert response.codes() == ["BAD_USER_INPUT"], response.body
    assert response.errors[0]["extensions"]["argument"] == "file"
    assert "file part of a GraphQL multipart request" in response.errors[0]["message"]


async def close_after(api: Api, *messages: Any) -> tuple[int | None, str]:
    """Send the messages (JSON-encoded unless already text) and read until the socket closes."""
    assert api.session is not None
    async with api.session.ws_connect(api.url.replace("http", "ws", 1), protocols=["graphql-transport-ws"]) as ws:
        for message in messages:
            await ws.send_str(message if isinstance(message, str) else json.dumps(message))
        while True:
            received = await ws.receive(timeout=5)
            if received.type != aiohttp.WSMsgType.TEXT:
                return ws.close_code, str(received.extra or "")


@pytest.mark.parametrize("message, reason", [
    ([1, 2], "a message must be a JSON object"),
    ("\"connection_init\"", "a message must be a JSON object"),
    ({"type": 7}, "a message must be a JSON object with a string type"),
    ({"id": "1", "type": "subscribe", "payload": "x"}, "a subscribe payload must be an object"),
    ({"id": "1", "type": "subscribe", "payload": {"query": 5}}, "a subscribe payload must be an object with a string query"),
    ({"id": 1, "type": "subscribe", "payload": {"query": "subscription { accessEvents { id } }"}}, "needs a string id"),
    ({"id": "1", "type": "subscribe", "payload": {"query": "subscription { accessEvents { id } }", "variables": []}},
     "variables must be an object or null"),
    ({"id": "1", "type": "subscribe", "payload": {"query": "subscription { accessEvents { id } }", "extensions": "x"}},
     "extensions must be an object or null"),
    ("[" * 100_000 + "]" * 100_000, "WebSocket message must be valid JSON"),
])
async def test_a_malformed_socket_message_closes_the_socket_with_4400_saying_why(api: Api, population: Population,
                                                                                   message, reason):
    population.patient("p1")
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {api.token('p1', 'patients')}"}}
    code, text = await close_after(api, init, message)
    assert (code, reason in text) == (4400, True), text


@pytest.mark.parametrize("chunked", [False, True])
async def test_a_request_over_a_mebibyte_that_uploads_no_file_is_413(api: Api, population: Population, chunked):
    # Decoding and checking a body runs on the event loop: 10 MB of small items held it for
    # seconds. With a Content-Length it is refused before it is read or its sender signed in.
    population.patient("p1")
    body = json.dumps({"query": "{ me { __typename } }", "variables": {"v": [0] * 600_000}}).encode()
    assert len(body) > 1024 * 1024
    token = f"Bearer {api.token('p1', 'patients')}"
    if not chunked:
        status, text = await raw_post(api, body, Content_Type="application/json", Authorization=token)
    else:
        assert api.session is not None

        async def chunks():
            yield body

        async with api.session.post(api.url, data=chunks(), headers={
                "Content-Type": "application/json", "Authorization": token}) as response:
            status, text = response.status, await response.text()
    assert (status, "larger than the limit of 1 MiB for one that uploads no file" in text) == (413, True), text
