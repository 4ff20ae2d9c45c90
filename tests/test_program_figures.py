"""The payor program's figures behind tips' population context: computed once, shared by the
requests that follow, refreshed in the background, never older than ``stale_after``."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from payor.insights import FigureGroup
from resolvers.program_figures import ProgramFigures

T0 = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone.utc)
FLU = FigureGroup.INFLUENZA


class Counting:
    """Computes a group as 'the n-th computation', so a test sees which one it was served."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.release.set()
        self.fail_next = False

    async def __call__(self, group: FigureGroup) -> str:
        self.calls += 1
        number = self.calls
        await self.release.wait()
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the graph is unavailable")
        return f"{group.name}#{number}"


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


async def influenza(cache: ProgramFigures, now: dt.datetime, compute: Counting) -> str:
    return (await cache.collect("payor", [FLU], now, compute)).influenza


async def test_fresh_figures_are_shared():
    cache, compute = ProgramFigures(dt.timedelta(minutes=2), dt.timedelta(minutes=15)), Counting()
    assert [await influenza(cache, minutes(m), compute) for m in (0, 0.5, 1.9)] == ["INFLUENZA#1"] * 3
    assert compute.calls == 1


async def test_stale_figures_are_served_while_one_refresh_runs():
    cache, compute = ProgramFigures(dt.timedelta(minutes=2), dt.timedelta(minutes=15)), Counting()
    await influenza(cache, minutes(0), compute)
    compute.release.clear()
    # Past fresh_for: the old figures at once, and one refresh however many ask meanwhile.
    assert [await influenza(cache, minutes(m), compute) for m in (3, 4)] == ["INFLUENZA#1"] * 2
    assert compute.calls == 2
    compute.release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await influenza(cache, minutes(4.5), compute) == "INFLUENZA#2"  # fresh again: computed at minute 3
    assert compute.calls == 2


async def test_figures_past_stale_after_are_never_served():
    cache, compute = ProgramFigures(dt.timedelta(minutes=2), dt.timedelta(minutes=15)), Counting()
    await influenza(cache, minutes(0), compute)
    assert await influenza(cache, minutes(15), compute) == "INFLUENZA#2"
    assert compute.calls == 2


async def test_concurrent_first_requests_wait_for_one_computation():
    cache, compute = ProgramFigures(), Counting()
    compute.release.clear()
    waiting = [asyncio.ensure_future(influenza(cache, T0, compute)) for _ in range(5)]
    await asyncio.sleep(0)
    compute.release.set()
    assert await asyncio.gather(*waiting) == ["INFLUENZA#1"] * 5
    assert compute.calls == 1


async def test_a_failed_computation_is_not_kept():
    cache, compute = ProgramFigures(), Counting()
    compute.fail_next = True
    with pytest.raises(RuntimeError, match="unavailable"):
        await influenza(cache, T0, compute)
    assert await influenza(cache, minutes(0.1), compute) == "INFLUENZA#2"


async def test_a_failed_refresh_keeps_the_older_figures_and_is_retried():
    cache, compute = ProgramFigures(dt.timedelta(minutes=2), dt.timedelta(minutes=15)), Counting()
    await influenza(cache, T0, compute)
    compute.fail_next = True
    assert await influenza(cache, minutes(3), compute) == "INFLUENZA#1"
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await influenza(cache, minutes(4), compute) == "INFLUENZA#1"   # refresh #3 starts
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await influenza(cache, minutes(5), compute) == "INFLUENZA#3"
    assert compute.calls == 3


async def test_groups_and_payors_are_kept_apart():
    cache, compute = ProgramFigures(), Counting()
    figures = await cache.collect("payor", [FLU, FigureGroup.CARE_GAPS], T0, compute)
    assert (figures.influenza, figures.care_gaps, figures.demographics) == ("INFLUENZA#1", "CARE_GAPS#2", None)
    other = await cache.collect("another-payor", [FLU], T0, compute)
    assert other.influenza == "INFLUENZA#3"


def test_fresh_for_must_not_exceed_stale_after():
    with pytest.raises(ValueError, match="fresh_for"):
        ProgramFigures(dt.timedelta(minutes=20), dt.timedelta(minutes=15))
