"""`p360 serve --demo` seeds an empty graph and prints accounts whose tokens work as described."""
from __future__ import annotations

import re
import signal

from tests.test_cli import post, start_server


def _accounts(output: str) -> dict[str, tuple[str, str]]:
    accounts = {}
    for role, entity_id, token in re.findall(r"^  (patient|provider|payor)\s+(\S+)\s+\(.*?\)\n    Bearer (\S+)$", output, re.M):
        accounts[role] = (entity_id, token)
    return accounts


def _read_banner(process) -> str:
    lines = []
    while True:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("    Bearer") and sum(l.startswith("    Bearer") for l in lines) == 3:
            return "".join(lines)


def test_demo_accounts_show_the_walk_through(tmp_path):
    data = tmp_path / "data"
    process, url = start_server(data, "--demo")
    try:
        accounts = _accounts(_read_banner(process))
        assert set(accounts) == {"patient", "provider", "payor"}
        patient_id, patient_token = accounts["patient"]
        provider_id, provider_token = accounts["provider"]
        mine = post(url, "query($id: ID!) { patient(id: $id) { records(first: 100) { totalCount edges { node { category } } } } }",
                    patient_token, {"id": patient_id})
        categories = {e["node"]["category"] for e in mine["data"]["patient"]["records"]["edges"]}
        assert {"LAB", "VITAL_SIGN", "CONDITION", "IMMUNIZATION"} <= categories
        seen = post(url, "{ myPatients { id grantsToMe { categories active } } }", provider_token)
        patient = next(p for p in seen["data"]["myPatients"] if p["id"] == patient_id)
        assert any("LAB" in g["categories"] and g["active"] for g in patient["grantsToMe"])
        payor = post(url, "{ members { totalCount } }", accounts["payor"][1])
        assert payor["data"]["members"]["totalCount"] == 25
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    # A second start finds the demo set and prints the same accounts again.
    process, url = start_server(data, "--demo")
    try:
        again = _accounts(_read_banner(process))
        assert again["patient"][0] == patient_id and again["provider"][0] == provider_id
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
