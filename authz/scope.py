"""The viewer's access scope for one request: per patient, the categories visible at the
request's single clock reading and the grants behind them.

Facts are loaded in batches (one traversal for every patient the request touches at once) and
never cached beyond the request, so a revocation holds from the very next request.
"""
from __future__ import annotations

from typing import Awaitable, Callable, Iterable, Optional

from strawberry.dataloader import DataLoader

from authz.policy import ConsentPolicy, PatientAccess, PatientFacts

FactsLoader = Callable[[list[str]], Awaitable[dict[str, Optional[PatientFacts]]]]


class AccessScope:
    def __init__(self, policy: ConsentPolicy, load_facts: FactsLoader):
        self.policy = policy
        self._resolved: dict[str, PatientAccess] = {}
        # (patient, need, category) → Decision: a page of records asks the same question for
        # every field of every record; the clock and the facts are fixed for the request.
        self.decisions: dict[tuple[object, ...], object] = {}
        # Records whose fields this request already allowed (and logged): a record's id fixes
        # its patient and category, and the request's decisions are fixed, so every further
        # field of it is allowed without asking again.
        self.cleared_records: set[str] = set()

        async def batch(patient_ids: list[str]) -> list[PatientAccess]:
            facts = await load_facts(patient_ids)
            out = []
            for pid in patient_ids:
                access = policy.access(pid, facts.get(pid))
                self._resolved[pid] = access
                out.append(access)
            return out

        self._loader: DataLoader[str, PatientAccess] = DataLoader(load_fn=batch)

    async def of(self, patient_id: str) -> PatientAccess:
        known = self._resolved.get(patient_id)
        if known is not None:
            return known
        return await self._loader.load(patient_id)

    async def of_many(self, patient_ids: Iterable[str]) -> list[PatientAccess]:
        return list(await self._loader.load_many(list(patient_ids)))

    def peek(self, patient_id: str) -> Optional[PatientAccess]:
        """The access already loaded in this request, without waiting."""
        return self._resolved.get(patient_id)
