"""The import run: read everything, validate, then write in dependency order.

1. read every file (so a Condition file may come before its Patient file);
2. validate each resource of an imported type, count the other types as skipped;
3. write practitioners, organizations and patients;
4. write the records, each linked to its patient and (when imported) its author;
5. write the records that link to other records (DiagnosticReport → its results).

Every write is an upsert keyed by the FHIR id, so importing the same files again leaves the
same graph.
"""
from __future__ import annotations

import time
from typing import Callable, Iterable

from gremlin_python.process.graph_traversal import GraphTraversal

from graphdb import writes
from graphdb.bootstrap import ensure_payor_traversal
from graphdb.client import GraphClient
from ingest.fhir.graph_lookup import NOT_FROM_FHIR, GraphLookup
from ingest.fhir.inputs import SourceEntry, read_inputs
from ingest.fhir.links import Links
from ingest.fhir.mapping import map_organization, map_patient, map_practitioner, map_record
from ingest.fhir.references import ReferenceIndex
from ingest.fhir.report import EntryRejected, ImportReport, Location
from ingest.fhir.resource_types import (
    ORGANIZATION, PARTY_TYPES, PATIENT, PRACTITIONER, RECORD_SHAPES, links_to_records,
)
from ingest.fhir.validation import screen_entries
from ingest.fhir.writer import DEFAULT_CHUNK_SIZE, ChunkedWriter, PendingWrite
from model.nodes import RecordNode
from model.record_size import RecordTooLarge

# (stage, done, total): "reading files", "validating", "writing".
ProgressCallback = Callable[[str, int, int], None]


def run_import(client: GraphClient, paths: list[str], payor_id: str, *,
               on_progress: ProgressCallback | None = None,
               chunk_size: int = DEFAULT_CHUNK_SIZE) -> ImportReport:
    started = time.perf_counter()
    progress = on_progress or (lambda stage, done, total: None)

    batch = read_inputs(paths, lambda done, total: progress("reading files", done, total))
    screened = screen_entries(batch.entries,
                              lambda done: progress("validating", done, len(batch.entries)))
    report = ImportReport(files=[f.display for f in batch.files],
                          skipped=screened.skipped,
                          rejections=[*batch.rejections, *screened.rejections])
    if screened.accepted:
        ensure_payor(client, payor_id)
        handled = 0

        def on_handled(count: int) -> None:  # written, or rejected on the way
            nonlocal handled
            handled += count
            progress("writing", handled, len(screened.accepted))

        run = _WriteRun(client, report, Links(ReferenceIndex(batch.entries), GraphLookup(client)),
                        ChunkedWriter(client, chunk_size, on_handled), payor_id, on_handled)
        run.write_parties(e for e in screened.accepted if e.resource_type in PARTY_TYPES)
        records = [e for e in screened.accepted if e.resource_type in RECORD_SHAPES]
        run.write_records(e for e in records if not links_to_records(e.resource_type))
        run.write_records(e for e in records if links_to_records(e.resource_type))
    report.seconds = time.perf_counter() - started
    return report


def ensure_payor(client: GraphClient, payor_id: str) -> None:
    """Imported patients are MEMBER_OF the payor, so it must exist. The bootstrap traversal
    leaves an existing payor as it is (an upsert without its name would remove the name)."""
    client.run_atomic_sync([ensure_payor_traversal(client, payor_id)])


class _WriteRun:
    def __init__(self, client: GraphClient, report: ImportReport, links: Links,
                 writer: ChunkedWriter, payor_id: str, on_handled: Callable[[int], None]):
        self._g = client.g
        self._report = report
        self._on_handled = on_handled
        self._links = links
        self._writer = writer
        self._payor_id = payor_id
        # Which FHIR type first claimed each Record id in this run, and where.
        self._record_claims: dict[str, tuple[str, Location]] = {}

    def write_parties(self, entries: Iterable[SourceEntry]) -> None:
        pending = []
        for entry in entries:
            try:
                pending.append(PendingWrite(entry, self._party_upsert(entry)))
            except EntryRejected as rejected:
                self._reject(entry, rejected.reason)
        self._write(pending)

    def _party_upsert(self, entry: SourceEntry) -> GraphTraversal:
        if entry.resource_type == PATIENT:
            return writes.upsert_patient(self._g, map_patient(entry), self._payor_id)
        if entry.resource_type == PRACTITIONER:
            return writes.upsert_provider(self._g, map_practitioner(entry))
        assert entry.resource_type == ORGANIZATION, entry.resource_type
        organization = map_organization(entry)
        return writes.upsert_organization(self._g, organization.id, organization.name)

    def write_records(self, entries: Iterable[SourceEntry]) -> None:
        mapped: list[tuple[SourceEntry, RecordNode]] = []
        for entry in entries:
            try:
                mapped.append((entry, map_record(entry, self._links)))
            except EntryRejected as rejected:
                self._reject(entry, rejected.reason)
        in_graph = self._links.lookup.record_types(record.id for _, record in mapped)
        pending = []
        for entry, record in mapped:
            conflict = self._id_conflict(entry, record.id, in_graph.get(record.id))
            if conflict:
                self._reject(entry, conflict)
                continue
            try:
                write = writes.upsert_record(self._g, record)
            except RecordTooLarge as err:
                self._reject(entry, str(err))
                continue
            self._record_claims.setdefault(record.id, (entry.resource_type, entry.location))
            pending.append(PendingWrite(entry, write))
        self._write(pending)

    def _id_conflict(self, entry: SourceEntry, record_id: str, graph_type: str | None) -> str | None:
        """A Record id belongs to one FHIR type: another type must not overwrite it."""
        claim = self._record_claims.get(record_id)
        if claim is not None:
            claimed_type, claimed_at = claim
            if claimed_type != entry.resource_type:
                return f"Record id {record_id} is already used by {claimed_type}/{record_id} ({claimed_at})"
            return None
        if graph_type == NOT_FROM_FHIR:
            return f"Record id {record_id} is already used by a record not imported from FHIR"
        if graph_type is not None and graph_type != entry.resource_type:
            return f"Record id {record_id} is already used by {graph_type}/{record_id} in the graph"
        return None

    def _reject(self, entry: SourceEntry, reason: str) -> None:
        self._report.reject(entry.location, reason)
        self._on_handled(1)

    def _write(self, pending: list[PendingWrite]) -> None:
        written, failed = self._writer.write(pending)
        for one in written:
            self._links.mark_written(one.entry.resource_type, one.entry.resource_id or "")
            self._report.imported[one.entry.resource_type] += 1
        self._report.rejections.extend(failed)
