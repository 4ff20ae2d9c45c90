"""Linking: which vertex a resolved reference may become an edge to.

An edge needs its far end to exist, so a reference links only to what was written in this run
or is already in the graph. The patient is mandatory (no patient → the resource is rejected,
with the reason); an author or a result that cannot be linked is simply left out.
"""
from __future__ import annotations

import collections
from typing import Any, Iterable

from graphdb import model
from ingest.fhir.graph_lookup import GraphLookup
from ingest.fhir.inputs import SourceEntry
from ingest.fhir.references import IdentifierQuery, ReferenceIndex, Target
from ingest.fhir.report import EntryRejected
from ingest.fhir.resource_types import NPI_SYSTEM, PATIENT, PRACTITIONER, RECORD_SHAPES


class Links:
    def __init__(self, index: ReferenceIndex, lookup: GraphLookup):
        self.index = index
        self.lookup = lookup
        self._written: dict[str, set[str]] = collections.defaultdict(set)

    def mark_written(self, resource_type: str, resource_id: str) -> None:
        self._written[resource_type].add(resource_id)

    def was_written(self, resource_type: str, resource_id: str) -> bool:
        return resource_id in self._written[resource_type]

    # -- the patient: mandatory ---------------------------------------------------------
    def patient_id(self, entry: SourceEntry, reference: Any) -> str:
        if reference is None:
            raise EntryRejected("no patient reference")
        resolved = self.index.resolve(reference, entry, expected_type=PATIENT)
        if isinstance(resolved, Target) and resolved.resource_type != PATIENT:
            raise EntryRejected(f"the subject {resolved} is not a Patient")
        if isinstance(resolved, Target):
            if self.was_written(PATIENT, resolved.id) or self.lookup.exists(model.PATIENT, resolved.id):
                return resolved.id
            rejected = self.index.entry(resolved)
            if rejected is not None:
                raise EntryRejected(f"patient {resolved} was not imported (see {rejected.location})")
            raise EntryRejected(f"patient {resolved} not found")
        raise EntryRejected(f"patient reference {_describe(reference)} not found")

    # -- optional links -------------------------------------------------------------------
    def provider_id(self, entry: SourceEntry, references: Iterable[Any]) -> str | None:
        """The first reference that names an imported Practitioner (by id or by NPI)."""
        for reference in references:
            resolved = self.index.resolve(reference, entry, expected_type=PRACTITIONER)
            if isinstance(resolved, Target) and resolved.resource_type == PRACTITIONER:
                if (self.was_written(PRACTITIONER, resolved.id)
                        or self.lookup.exists(model.PROVIDER, resolved.id)):
                    return resolved.id
            elif (isinstance(resolved, IdentifierQuery) and resolved.resource_type == PRACTITIONER
                  and resolved.system in (NPI_SYSTEM, None)):
                found = self.lookup.provider_by_npi(resolved.value)
                if found is not None:
                    return found
        return None

    def record_ids(self, entry: SourceEntry, references: Iterable[Any]) -> tuple[str, ...]:
        """Ids of the records named (a report's results) that exist, in the source's order."""
        targets = [t for t in (self.index.resolve(r, entry) for r in references)
                   if isinstance(t, Target) and t.resource_type in RECORD_SHAPES]
        unwritten = [t.id for t in targets if not self.was_written(t.resource_type, t.id)]
        in_graph = self.lookup.record_types(unwritten) if unwritten else {}
        linked = [t.id for t in targets
                  if self.was_written(t.resource_type, t.id) or in_graph.get(t.id) == t.resource_type]
        return tuple(dict.fromkeys(linked))

    def linked_resource(self, entry: SourceEntry, reference: Any) -> dict[str, Any] | None:
        """The resource in the input that ``reference`` names (a Medication, say)."""
        resolved = self.index.resolve(reference, entry)
        source = self.index.entry(resolved) if isinstance(resolved, Target) else None
        return source.resource if source is not None else None


def _describe(reference: Any) -> str:
    if isinstance(reference, dict):
        text = reference.get("reference")
        if text:
            return repr(text)
        identifier = reference.get("identifier")
        if isinstance(identifier, dict):
            return f"by identifier {identifier.get('system') or ''}|{identifier.get('value') or ''}"
    return repr(reference)
