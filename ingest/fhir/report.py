"""What an import did: counts per resource type, skipped types, rejected entries.

A rejection is reported as ``file:line: reason`` (NDJSON), ``file:entry N: reason`` (a Bundle
file; entries count from 1, like lines) or ``file: reason`` (the whole file).
"""
from __future__ import annotations

import collections
import dataclasses
from typing import Iterator


@dataclasses.dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int | None = None
    entry: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
        if self.entry is not None:
            parts.append(f"entry {self.entry}")
        return ":".join(parts)

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line or 0, self.entry or 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Rejection:
    location: Location
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class EntryRejected(Exception):
    """Raised while mapping or linking one resource; the run turns it into a Rejection."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass
class ImportReport:
    files: list[str] = dataclasses.field(default_factory=list)
    imported: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    skipped: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    rejections: list[Rejection] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def imported_total(self) -> int:
        return sum(self.imported.values())

    def reject(self, location: Location, reason: str) -> None:
        self.rejections.append(Rejection(location, reason))

    def sorted_rejections(self) -> list[Rejection]:
        return sorted(self.rejections, key=lambda r: r.location.sort_key())

    def summary_lines(self) -> Iterator[str]:
        total = self.imported_total
        rate = f" ({total / self.seconds:,.0f} resources/s)" if self.seconds > 0 and total else ""
        yield (f"Imported {total:,} resources from {len(self.files)} "
               f"file{'s' if len(self.files) != 1 else ''} in {self.seconds:.1f} s{rate}")
        width = max((len(name) for name in [*self.imported, *self.skipped]), default=0)
        yield from _counted("Imported by type:", self.imported, width)
        yield from _counted("Skipped types (not imported):", self.skipped, width)
        rejections = self.sorted_rejections()
        if rejections:
            yield f"Rejected {len(rejections)} entr{'ies' if len(rejections) != 1 else 'y'}:"
            yield from (f"  {rejection}" for rejection in rejections)
        else:
            yield "Rejected: none"


def _counted(title: str, counts: collections.Counter[str], width: int) -> Iterator[str]:
    if not counts:
        return
    yield title
    for name in sorted(counts):
        yield f"  {name:<{width}}  {counts[name]:>7,}"
