"""What the graph already holds, for references the input itself cannot answer.

An incremental export (``_since``) carries new records of patients imported earlier; their
patient reference must still resolve. Also the guard that a Record id used by one FHIR type is
not overwritten by another. Reads are batched and cached: one import asks about each id once.
"""
from __future__ import annotations

from typing import Iterable

from gremlin_python.process.graph_traversal import __

from graphdb import model
from graphdb.client import GraphClient

# Ids per read traversal: large enough to be few, small enough for any engine's limits.
IDS_PER_READ = 500

# A record vertex without fhirType was not imported from FHIR (addRecord, the seed).
NOT_FROM_FHIR = ""


class GraphLookup:
    def __init__(self, client: GraphClient):
        self._client = client
        self._exists: dict[str, bool] = {}
        self._provider_by_npi: dict[str, str | None] = {}

    def exists(self, label: str, entity_id: str) -> bool:
        vertex_id = model.vid(label, entity_id)
        if vertex_id not in self._exists:
            found = self._client.run_sync(self._client.g.V(vertex_id).has_label(label).id_())
            self._exists[vertex_id] = bool(found)
        return self._exists[vertex_id]

    def provider_by_npi(self, npi: str) -> str | None:
        if npi not in self._provider_by_npi:
            g = self._client.g
            found = self._client.run_sync(g.V().has(model.PROVIDER, "npi", npi).id_().limit(2))
            # Two providers with one NPI: link neither rather than guess.
            self._provider_by_npi[npi] = model.entity_id(found[0]) if len(found) == 1 else None
        return self._provider_by_npi[npi]

    def record_types(self, record_ids: Iterable[str]) -> dict[str, str]:
        """fhirType of each record that already exists (``NOT_FROM_FHIR`` when it has none)."""
        ids = list(dict.fromkeys(record_ids))
        found: dict[str, str] = {}
        g = self._client.g
        for start in range(0, len(ids), IDS_PER_READ):
            vertex_ids = [model.vid(model.RECORD, i) for i in ids[start:start + IDS_PER_READ]]
            rows = self._client.run_sync(
                g.V(*vertex_ids).has_label(model.RECORD)
                .project("id", "fhirType")
                .by(__.id_())
                .by(__.coalesce(__.values("fhirType"), __.constant(NOT_FROM_FHIR)))
            )
            found.update((model.entity_id(row["id"]), row["fhirType"]) for row in rows)
        return found
