"""The payor program's published figures, shared by every request's wellness tips.

A tip's line of population context reads a figure group of the population insights, which
aggregates every member of the program: computed per request, a patient's own view would cost
in proportion to the whole population (seconds at 100,000 members). The figures are the same
for every patient at a given moment, so they are computed once and shared for a while:

- younger than ``fresh_for``: served as they are;
- older, but younger than ``stale_after``: served, while one recomputation runs in the
  background for the next requests;
- older than that, or never computed: the request waits for the computation (one at a time:
  concurrent requests wait for the same one).

So a context line may lag a grant's start or end by up to ``stale_after``. It is a suppressed
aggregate, never one member's data; ``populationInsights`` itself is always computed for its
request.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any, Awaitable, Callable, Iterable

from payor.insights import FigureGroup, Figures, gather_figures

FRESH_FOR = dt.timedelta(minutes=2)
STALE_AFTER = dt.timedelta(minutes=15)

Compute = Callable[[FigureGroup], Awaitable[Any]]


@dataclasses.dataclass
class _Entry:
    computed_at: dt.datetime
    task: "asyncio.Future[Any]"
    refreshing: bool = False

    @property
    def ready(self) -> bool:
        return self.task.done() and not self.task.cancelled() and self.task.exception() is None

    @property
    def failed(self) -> bool:
        return self.task.done() and not self.ready


class ProgramFigures:
    def __init__(self, fresh_for: dt.timedelta = FRESH_FOR, stale_after: dt.timedelta = STALE_AFTER):
        if not dt.timedelta(0) <= fresh_for <= stale_after:
            raise ValueError("fresh_for must be between zero and stale_after")
        self.fresh_for = fresh_for
        self.stale_after = stale_after
        self._entries: dict[tuple[str, FigureGroup], _Entry] = {}
        self._background: set["asyncio.Future[Any]"] = set()

    async def collect(self, payor_id: str, groups: Iterable[FigureGroup], now: dt.datetime,
                      compute: Compute) -> Figures:
        """The groups asked for (the others left out); ``compute`` computes one group at
        ``now``, for the request that needs it."""
        return await gather_figures(groups, lambda group: self._group((payor_id, group), now, compute))

    async def _group(self, key: tuple[str, FigureGroup], now: dt.datetime, compute: Compute) -> Any:
        entry = self._entries.get(key)
        if entry is not None and entry.ready:
            age = now - entry.computed_at
            if age < self.fresh_for:
                return entry.task.result()
            if age < self.stale_after:
                if not entry.refreshing:
                    self._refresh(key, entry, now, compute)
                return entry.task.result()
        if entry is None or entry.ready or entry.failed:   # nothing usable, nothing under way
            entry = self._entries[key] = _Entry(now, asyncio.ensure_future(compute(key[1])))
        # Shielded: a request that gives up does not cancel what others wait for.
        return await asyncio.shield(entry.task)

    def _refresh(self, key: tuple[str, FigureGroup], entry: _Entry, now: dt.datetime, compute: Compute) -> None:
        entry.refreshing = True
        task = asyncio.ensure_future(compute(key[1]))
        self._background.add(task)

        def done(task: "asyncio.Future[Any]") -> None:
            self._background.discard(task)
            if task.cancelled() or task.exception() is not None:
                entry.refreshing = False   # keep serving the older figures; the next request retries
            elif self._entries.get(key) is entry:
                self._entries[key] = _Entry(now, task)

        task.add_done_callback(done)

    async def close(self) -> None:
        """Cancels what is still computing (at shutdown)."""
        pending = [*self._background, *(e.task for e in self._entries.values() if not e.task.done())]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
