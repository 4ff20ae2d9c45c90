"""Per-request DataLoaders. Each batch function runs one traversal for its whole batch, so an
operation's round trips depend on its shape, never on how many nodes it returns. Created
for every request and dropped with it: nothing one user loads is seen by another."""
from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, Callable, Hashable, Optional, TypeVar

from gremlin_python.process.traversal import T
from strawberry.dataloader import DataLoader

from authz.policy import PatientFacts
from graphdb import codec, model
from graphdb.client import GraphClient
from model.categories import RecordCategory
from model.nodes import AccessEventNode, GrantNode, PatientNode, PayorNode, ProviderNode, RecordNode
from resolvers import traversals
from resolvers.pages import Page

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclasses.dataclass(frozen=True)
class RecordPageKey:
    patient_id: str
    categories: frozenset[RecordCategory]
    offset: int
    limit: int
    # The query selects the records' authors: they are loaded with the page, so that each
    # record's author resolves without waiting.
    with_authors: bool = False


@dataclasses.dataclass(frozen=True)
class AccessLogKey:
    patient_id: str
    limit: int


def _rounds(keys: list[K], group_of: Callable[[K], Hashable],
            patient_of: Callable[[K], str]) -> list[list[K]]:
    """Split a batch into traversals of one shape: same paging arguments, each patient at
    most once (a traversal groups its results by patient)."""
    rounds: list[tuple[Hashable, set[str], list[K]]] = []
    for key in keys:
        for group, patients, members in rounds:
            if group == group_of(key) and patient_of(key) not in patients:
                patients.add(patient_of(key))
                members.append(key)
                break
        else:
            rounds.append((group_of(key), {patient_of(key)}, [key]))
    return [members for _, _, members in rounds]


class Loaders:
    def __init__(self, graph: GraphClient, viewer_type: str, viewer_id: str):
        self.graph = graph
        self.g = graph.g
        self.viewer_type = viewer_type
        self.viewer_id = viewer_id
        # Authors the record_authors loader has answered, readable without awaiting.
        self.authors_loaded: dict[str, Optional[ProviderNode]] = {}
        self.patients: DataLoader[str, Optional[PatientNode]] = DataLoader(
            load_fn=self._by_id(model.PATIENT, codec.patient_from_map))
        self.providers: DataLoader[str, Optional[ProviderNode]] = DataLoader(
            load_fn=self._by_id(model.PROVIDER, codec.provider_from_map, replica=True))
        # Record authors have a loader of their own: sharing one with grantees would make
        # the number of round trips depend on which of two traversals returns first.
        self.record_authors: DataLoader[str, Optional[ProviderNode]] = DataLoader(
            load_fn=self._by_id(model.PROVIDER, codec.provider_from_map, replica=True,
                                loaded=self.authors_loaded))
        self.payors: DataLoader[str, Optional[PayorNode]] = DataLoader(
            load_fn=self._by_id(model.PAYOR, codec.payor_from_map))
        self.records: DataLoader[str, Optional[RecordNode]] = DataLoader(
            load_fn=self._by_id(model.RECORD, codec.record_from_map))
        self.grants: DataLoader[str, Optional[GrantNode]] = DataLoader(
            load_fn=self._by_id(model.GRANT, codec.grant_from_map))
        self.grants_of_patient: DataLoader[str, list[GrantNode]] = DataLoader(load_fn=self._grants_of_patients)
        self.record_pages: DataLoader[RecordPageKey, Page[RecordNode]] = DataLoader(load_fn=self._record_pages)
        self.access_logs: DataLoader[AccessLogKey, list[AccessEventNode]] = DataLoader(load_fn=self._access_logs)

    def _by_id(self, label: str, decode: Callable[[Any], V], replica: bool = False,
               loaded: Optional[dict[str, Optional[V]]] = None):
        async def load(ids: list[str]) -> list[Optional[V]]:
            maps = await self.graph.run(traversals.vertices(self.g, label, ids), replica=replica)
            found = {model.entity_id(m[T.id]): decode(m) for m in maps}
            answers = [found.get(i) for i in ids]
            if loaded is not None:
                loaded.update(zip(ids, answers))
            return answers
        return load

    async def patient_facts(self, patient_ids: list[str]) -> dict[str, Optional[PatientFacts]]:
        """Authorization inputs: always from the writer, never a replica."""
        rows = await self.graph.run(
            traversals.patient_facts(self.g, patient_ids, self.viewer_type, self.viewer_id))
        facts: dict[str, Optional[PatientFacts]] = {pid: None for pid in patient_ids}
        for row in rows:
            patient = codec.patient_from_map(row["patient"])
            pid = patient.id
            self.patients.prime(pid, patient)
            facts[pid] = PatientFacts(
                patient_id=pid,
                member_of_viewer=row["member"] > 0,
                grants_to_viewer=tuple(codec.grant_from_map(m) for m in row["grants"]),
            )
        return facts

    async def _grants_of_patients(self, patient_ids: list[str]) -> list[list[GrantNode]]:
        maps = await self.graph.run(traversals.grants_of_patients(self.g, patient_ids))
        by_patient: dict[str, list[GrantNode]] = {pid: [] for pid in patient_ids}
        for m in maps:
            grant = codec.grant_from_map(m)
            by_patient.setdefault(grant.patient_id, []).append(grant)
        return [sorted(by_patient[pid], key=lambda g: (g.created_at, g.id), reverse=True)
                for pid in patient_ids]

    async def _record_pages(self, keys: list[RecordPageKey]) -> list[Page[RecordNode]]:
        pages: dict[RecordPageKey, Page[RecordNode]] = {}

        async def one_round(batch: list[RecordPageKey]) -> None:
            by_categories: dict[frozenset[RecordCategory], list[str]] = {}
            for k in batch:
                if k.categories:
                    by_categories.setdefault(k.categories, []).append(k.patient_id)
            if not by_categories:
                for k in batch:
                    pages[k] = Page([], 0, k.offset)
                return
            visible = sorted((sorted(ids), sorted(c.value for c in categories))
                             for categories, ids in by_categories.items())
            first = batch[0]
            result = await self.graph.first(
                traversals.record_pages(self.g, visible, first.offset, first.limit), replica=True)
            groups = result or {}
            for k in batch:
                group = groups.get(k.patient_id)
                if group is None:
                    pages[k] = Page([], 0, k.offset)
                else:
                    pages[k] = Page([codec.record_from_map(m) for m in group["page"]],
                                    group["total"], k.offset)

        rounds = _rounds(keys, lambda k: (k.offset, k.limit), lambda k: k.patient_id)
        await asyncio.gather(*(one_round(r) for r in rounds))
        authors = sorted({r.author_id for k in keys if k.with_authors for r in pages[k].nodes if r.author_id})
        if authors:
            await self.record_authors.load_many(authors)
        return [pages[k] for k in keys]

    async def _access_logs(self, keys: list[AccessLogKey]) -> list[list[AccessEventNode]]:
        logs: dict[AccessLogKey, list[AccessEventNode]] = {}

        async def one_round(batch: list[AccessLogKey]) -> None:
            groups = await self.graph.first(traversals.access_events(
                self.g, [k.patient_id for k in batch], batch[0].limit)) or {}
            for k in batch:
                logs[k] = [codec.event_from_map(m) for m in groups.get(k.patient_id, [])]

        rounds = _rounds(keys, lambda k: k.limit, lambda k: k.patient_id)
        await asyncio.gather(*(one_round(r) for r in rounds))
        return [logs[k] for k in keys]
