"""``serve --demo``: the synthetic demo set in an empty graph, and demo accounts with tokens."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from graphdb import model
from graphdb.client import GraphClient
from ingest.seed.demo import DemoAccounts, demo_anchor, seed_demo
from p360.config import Settings

ACCOUNTS_FILENAME = "demo-accounts.json"
TOKEN_TTL_SECONDS = 12 * 3600


def _graph_is_empty(graph: GraphClient) -> bool:
    return graph.run_sync(graph.g.V().has_label(model.PATIENT).limit(1).count()) == [0]


def prepare_demo(graph: GraphClient, settings: Settings) -> list[str]:
    """Seeds the demo set when the graph has no patients; returns the lines to print."""
    accounts_file = Path(settings.data_dir) / ACCOUNTS_FILENAME
    lines: list[str] = []
    if _graph_is_empty(graph):
        summary, accounts = seed_demo(graph, demo_anchor(dt.date.today()), settings.payor_id)
        accounts_file.parent.mkdir(parents=True, exist_ok=True)
        accounts_file.write_text(json.dumps(dataclasses.asdict(accounts), indent=2) + "\n")
        lines.append(f"seeded the demo set: {summary.patients} patients, {summary.records} records, "
                     f"{summary.providers} providers, {summary.grants} grants")
    elif accounts_file.exists():
        accounts = DemoAccounts(**json.loads(accounts_file.read_text()))
    else:
        return ["--demo: the graph already holds patients that are not the demo set; nothing seeded"]
    return lines + _account_lines(accounts, settings)


def _account_lines(accounts: DemoAccounts, settings: Settings) -> list[str]:
    if settings.external_issuer:
        return ["demo accounts (tokens come from your external issuer):",
                f"  patient  {accounts.patient_id}  {accounts.patient_name}",
                f"  provider {accounts.provider_id}  {accounts.provider_name}",
                f"  payor    {accounts.payor_id}"]
    from authz.tokens import DevelopmentIssuer

    issuer = DevelopmentIssuer(settings.data_dir)
    rows = [
        ("patient", accounts.patient_id, accounts.patient_name, "patients"),
        ("provider", accounts.provider_id, accounts.provider_name, "providers"),
        ("payor", accounts.payor_id, "the operating payor", "payors"),
    ]
    lines = [f"demo accounts (tokens valid {TOKEN_TTL_SECONDS // 3600} h; in GraphiQL add the header "
             '{"Authorization": "Bearer <token>"}):']
    for role, entity_id, name, group in rows:
        token = issuer.mint(entity_id, group, TOKEN_TTL_SECONDS)
        lines += [f"  {role:8} {entity_id}  ({name})", f"    Bearer {token}"]
    return lines
