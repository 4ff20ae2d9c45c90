"""Runs inside the code-generation virtual environment (not the project's), with the client
that ariadne-codegen generated from schema/schema.graphql and tests/operations/ importable.

Plays a patient and a provider against a live server: chart, provider search, grant, a live
access event over the subscription, revocation, refusal, access log. Prints what it saw as
JSON on stdout; tests/test_codegen_client.py asserts it. Between subscribing and the
provider's read it prints "subscribing" and waits for a line on stdin, so that the test can
first see the subscription live on the server.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys

from p360_client.client import Client
from p360_client.enums import AccessOutcome, RecordCategory
from p360_client.exceptions import GraphQLClientGraphQLMultiError
from p360_client.input_types import GrantAccessInput


def client(url: str, token: str) -> Client:
    bearer = {"Authorization": f"Bearer {token}"}
    return Client(url=url, headers=bearer, ws_url=url.replace("http", "ws", 1),
                  ws_connection_init_payload=bearer)


async def main(url: str, patient_token: str, provider_token: str) -> dict:
    seen: dict = {}
    ann, doc = client(url, patient_token), client(url, provider_token)

    chart = await ann.my_chart(first=10)
    me = chart.me
    seen["me_type"] = type(me).__name__
    seen["me"] = {"id": me.id, "name": me.name, "birthDate": me.birth_date.isoformat(),
                  "total": me.records.total_count,
                  "categories": sorted(e.node.category.value for e in me.records.edges),
                  "effectiveAt_is_datetime": all(isinstance(e.node.effective_at, dt.datetime)
                                                 for e in me.records.edges)}

    found = await ann.find_providers(search="doc")
    seen["providers"] = [(e.node.id, e.node.name) for e in found.providers.edges]

    granted = (await ann.grant_access(GrantAccessInput(
        grantee_id="doc", categories=[RecordCategory.LAB], duration_days=30))).grant_access
    seen["grant"] = {"categories": [c.value for c in granted.categories], "active": granted.active,
                     "grantee": (granted.grantee.typename__, granted.grantee.id, granted.grantee.name)}

    events = ann.watch_access().__aiter__()
    first_event = asyncio.ensure_future(events.__anext__())
    print("subscribing", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

    read = (await doc.patient_chart(id="p1")).patient
    seen["provider_chart"] = {"name": read.name, "total": read.records.total_count,
                              "values": [(e.node.category.value, e.node.value) for e in read.records.edges],
                              "grantsToMe": [g.id for g in read.grants_to_me]}
    patients = await doc.my_patients()
    seen["my_patients"] = [(p.id, p.name) for p in patients.my_patients]

    event = (await asyncio.wait_for(first_event, 30)).access_events
    seen["event"] = {"viewerId": event.viewer_id, "viewerType": event.viewer_type,
                     "viewerName": event.viewer_name, "operation": event.operation,
                     "categories": [c.value for c in event.categories], "recordCount": event.record_count,
                     "outcome": event.outcome.value, "outcome_is_enum": event.outcome is AccessOutcome.ALLOWED,
                     "grantIds": event.grant_ids, "at_is_datetime": isinstance(event.at, dt.datetime)}
    await events.aclose()

    revoked = (await ann.revoke_grant(id=granted.id)).revoke_grant
    seen["revoked"] = {"id_matches": revoked.id == granted.id, "active": revoked.active,
                       "revokedAt_is_datetime": isinstance(revoked.revoked_at, dt.datetime)}
    try:
        await doc.patient_chart(id="p1")
        seen["after_revoke"] = "allowed"
    except GraphQLClientGraphQLMultiError as refused:
        seen["after_revoke"] = {"data": refused.data, "codes": [e.extensions["code"] for e in refused.errors]}

    log = (await ann.access_log(patient_id="p1")).patient.access_log
    seen["log"] = [(e.viewer_id, e.operation, e.outcome.value, e.grant_ids) for e in log]
    seen["event_in_log"] = log[-1].id == event.id
    return seen


if __name__ == "__main__":
    url, patient_token, provider_token = sys.argv[1:4]
    print(json.dumps(asyncio.run(main(url, patient_token, provider_token))), flush=True)
