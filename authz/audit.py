"""Audit: who saw which patient's data, durable before the response leaves.

``AuditTrail`` collects, during one request, what was disclosed and what was denied, per
patient. ``AuditLog`` writes the events of many concurrent requests together (group commit):
each request awaits its own events' commit; a failed write fails every request in it.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import uuid
from typing import Awaitable, Callable, Iterable, Optional

from authz.identity import Identity
from model.categories import RecordCategory
from model.nodes import AccessEventNode


@dataclasses.dataclass
class _PatientTrail:
    allowed: bool = False
    denied: bool = False
    categories: set[RecordCategory] = dataclasses.field(default_factory=set)
    # The categories a denied request asked for, where it named them (a record to add, say).
    denied_categories: set[RecordCategory] = dataclasses.field(default_factory=set)
    record_ids: set[str] = dataclasses.field(default_factory=set)
    grant_ids: set[str] = dataclasses.field(default_factory=set)


class AuditTrail:
    def __init__(self, identity: Identity, now: dt.datetime, operation: Optional[str]):
        self.identity = identity
        self.now = now
        self.operation = operation
        self._patients: dict[str, _PatientTrail] = {}

    def _trail(self, patient_id: str) -> _PatientTrail:
        trail = self._patients.get(patient_id)
        if trail is None:
            trail = self._patients[patient_id] = _PatientTrail()
        return trail

    def allowed(self, patient_id: str, grant_ids: Iterable[str],
                category: Optional[RecordCategory] = None, record_id: Optional[str] = None) -> None:
        trail = self._trail(patient_id)
        trail.allowed = True
        trail.grant_ids.update(grant_ids)
        if record_id is not None and category is not None:
            trail.record_ids.add(record_id)
            trail.categories.add(category)

    def denied(self, patient_id: str, category: Optional[RecordCategory] = None) -> None:
        trail = self._trail(patient_id)
        trail.denied = True
        if category is not None:
            trail.denied_categories.add(category)

    def events(self) -> list[AccessEventNode]:
        viewer = self.identity
        events = []
        for patient_id, trail in sorted(self._patients.items()):
            for outcome, happened in (("ALLOWED", trail.allowed), ("DENIED", trail.denied)):
                if not happened:
                    continue
                allowed = outcome == "ALLOWED"
                categories = trail.categories if allowed else trail.denied_categories
                events.append(AccessEventNode(
                    id=str(uuid.uuid4()),
                    patient_id=patient_id,
                    at=self.now,
                    viewer_id=viewer.viewer_id,
                    viewer_type=viewer.viewer_type,
                    viewer_name=viewer.viewer_name,
                    operation=self.operation,
                    categories=tuple(sorted(categories, key=lambda c: c.value)),
                    record_count=len(trail.record_ids) if allowed else 0,
                    outcome=outcome,
                    grant_ids=tuple(sorted(trail.grant_ids)) if allowed else (),
                ))
        return events


# Receives the events of each request in the group commit, one list per request.
WriteEvents = Callable[[list[list[AccessEventNode]]], Awaitable[None]]


class AuditLog:
    """Group commit: while one write is in flight, the events of every request that arrives
    wait and go together in the next write."""

    def __init__(self, write: WriteEvents, max_batch: int = 500):
        self._write = write
        self._max_batch = max_batch
        self._pending: list[tuple[list[AccessEventNode], asyncio.Future[None]]] = []
        self._wakeup: Optional[asyncio.Event] = None
        self._task: Optional[asyncio.Task[None]] = None
        self.listeners: list[Callable[[AccessEventNode], None]] = []

    async def record(self, events: list[AccessEventNode]) -> None:
        """Returns once the events are durable; raises if they could not be made so."""
        if not events:
            return
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._wakeup = asyncio.Event()
            self._task = loop.create_task(self._flush_forever())
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((events, future))
        assert self._wakeup is not None
        self._wakeup.set()
        await future
        for event in events:
            for listener in list(self.listeners):
                listener(event)

    async def _flush_forever(self) -> None:
        assert self._wakeup is not None
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, size = [], 0
                while self._pending and size < self._max_batch:
                    item = self._pending.pop(0)
                    batch.append(item)
                    size += len(item[0])
                try:
                    await self._write([events for events, _ in batch])
                except Exception as err:  # every waiting request learns its events were lost
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(err)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
