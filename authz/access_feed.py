"""One subscriber's live view of the audit log: one patient's access events, in the order they
became durable, from the moment of subscribing.

The audit log calls its listeners only after a write succeeded, so a subscriber never sees an
event that could still be lost. The queue is bounded: a subscriber that falls that far behind
gets what is queued and then an end, not a silent gap; it resubscribes and reads
``Patient.accessLog`` for what it missed.
"""
from __future__ import annotations

import asyncio

from authz.audit import AuditLog
from model.nodes import AccessEventNode

DEFAULT_CAPACITY = 256


class AccessEventFeed:
    def __init__(self, audit_log: AuditLog, patient_id: str, capacity: int = DEFAULT_CAPACITY):
        self.patient_id = patient_id
        self._audit_log = audit_log
        self._queue: asyncio.Queue[AccessEventNode] = asyncio.Queue(maxsize=capacity)
        self._overrun = False
        audit_log.listeners.append(self._offer)

    def _offer(self, event: AccessEventNode) -> None:
        # Runs inside another request's audit commit: cheap, and never raises.
        if event.patient_id != self.patient_id or self._overrun:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._overrun = True

    def __aiter__(self) -> "AccessEventFeed":
        return self

    async def __anext__(self) -> AccessEventNode:
        # An overrun happens only on a full queue, so a reader waiting on an empty one has none.
        if self._overrun and self._queue.empty():
            raise StopAsyncIteration
        return await self._queue.get()

    def close(self) -> None:
        try:
            self._audit_log.listeners.remove(self._offer)
        except ValueError:
            pass
