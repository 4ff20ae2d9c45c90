"""GraphQL over HTTP conformance: the `graphql-http` audit suite (npm) against the running
server, a development token on every request through the audit's fetch function. Every MUST
passes; the SHOULDs that fail are exactly those the README lists, with their reasons (none at
present). Then the media types by hand: application/graphql-response+json tells request errors
by status code, application/json keeps 200."""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.support import Api, Population

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "clients"
AUDIT = CLIENTS / "scripts" / "audit-server.mjs"
NODE = shutil.which("node")

# SHOULDs the server does not meet, each listed with its reason in the README (docs/clients.md,
# "GraphQL over HTTP"): none at present.
SHOULD_FAILURES: set[str] = set()
# Optional behaviour the server does not offer: queries by GET (POST only).
MAY_NOT_OFFERED = {"5A70", "D6D5", "6A70"}


@pytest.mark.skipif(NODE is None, reason="node is not installed")
async def test_graphql_http_audit(api: Api, population: Population):
    assert (CLIENTS / "node_modules" / "graphql-http").is_dir(), \
        "the audit suite is not installed: run `make install` (npm ci --prefix clients)"
    population.patient("p1", "Ann Lee")
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE, str(AUDIT), api.url, cwd=CLIENTS,
        env={**os.environ, "P360_TOKEN": api.token("p1", "patients")},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, err.decode()
    results = json.loads(out)

    assert len(results) == 60
    failed_musts = [r for r in results if r["name"].startswith("MUST") and r["status"] != "ok"]
    assert failed_musts == []
    not_ok = {r["id"] for r in results if r["status"] != "ok"}
    failed_shoulds = {r["id"] for r in results if r["name"].startswith("SHOULD") and r["status"] != "ok"}
    assert failed_shoulds == SHOULD_FAILURES
    assert not_ok == SHOULD_FAILURES | MAY_NOT_OFFERED

    # Each failing SHOULD is listed in the frontend developers' docs with its reason.
    docs = "\n".join(p.read_text() for p in (ROOT / "README.md", ROOT / "docs" / "clients.md") if p.exists())
    listed = set(re.findall(r"^\| `([0-9A-Z]{4})` \| SHOULD", docs, flags=re.MULTILINE))
    assert listed == SHOULD_FAILURES


GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


async def post_raw(api: Api, body: dict, accept: str | None) -> tuple[int, str, dict]:
    assert api.session is not None
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api.token('p1', 'patients')}"}
    if accept is not None:
        headers["Accept"] = accept
    async with api.session.post(api.url, json=body, headers=headers) as response:
        return response.status, response.content_type, await response.json(content_type=None)


@pytest.mark.parametrize("accept, media_type", [
    (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
    (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
    (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", "application/json"),
    ("application/json", "application/json"),
    ("*/*", "application/json"),
    (None, "application/json"),
])
async def test_media_type_follows_accept(api: Api, population: Population, accept, media_type):
    population.patient("p1", "Ann Lee")
    status, content_type, body = await post_raw(api, {"query": "{ me { __typename } }"}, accept)
    assert (status, content_type, body) == (200, media_type, {"data": {"me": {"__typename": "Patient"}}})


@pytest.mark.parametrize("body, message", [
    ({"query": "{"}, "Syntax Error: Expected Name, found <EOF>."),
    ({"query": "{ nope }"}, "Cannot query field 'nope' on type 'Query'."),
    ({"query": "query Q($id: ID!) { me { __typename } }"}, "Variable '$id' is never used in operation 'Q'."),
])
async def test_request_errors_are_400_without_data_in_graphql_response_json(
        api: Api, population: Population, body, message):
    population.patient("p1", "Ann Lee")
    status, content_type, answer = await post_raw(api, body, GRAPHQL_RESPONSE_JSON)
    assert (status, content_type, "data" in answer) == (400, GRAPHQL_RESPONSE_JSON, False)
    assert [e["message"] for e in answer["errors"]] == [message]
    status, content_type, answer = await post_raw(api, body, "application/json")
    assert (status, content_type, answer["data"]) == (200, "application/json", None)
    assert [e["message"] for e in answer["errors"]] == [message]


async def test_field_errors_stay_200_with_data_in_graphql_response_json(api: Api, population: Population):
    population.patient("p1", "Ann Lee")
    population.patient("p2", "Bob Roe")
    status, content_type, answer = await post_raw(
        api, {"query": '{ me { __typename } patient(id: "p2") { name } }'}, GRAPHQL_RESPONSE_JSON)
    assert (status, content_type) == (200, GRAPHQL_RESPONSE_JSON)
    assert answer["data"] == {"me": {"__typename": "Patient"}, "patient": None}
    assert [(e["path"], e["extensions"]["code"]) for e in answer["errors"]] == [(["patient"], "FORBIDDEN")]


@pytest.mark.parametrize("operation_name", [{"obj": "ect"}, 0, False, ["array"]])
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json"])
async def test_an_operation_name_that_is_not_a_string_is_a_malformed_request(
        api: Api, population: Population, operation_name, accept):
    # Not a GraphQL request error but a request that is not well-formed, as `variables` that are
    # not an object: 400 whatever the media type, nothing executed.
    population.patient("p1", "Ann Lee")
    assert api.session is not None
    headers = {"Content-Type": "application/json", "Accept": accept,
               "Authorization": f"Bearer {api.token('p1', 'patients')}"}
    body = {"query": "{ __typename }", "operationName": operation_name}
    async with api.session.post(api.url, json=body, headers=headers) as response:
        assert (response.status, await response.text()) == (
            400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
