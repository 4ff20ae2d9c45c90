"""Small-cell suppression of the patient counts the payor sees.

Primary suppression: no count from 1 to ``THRESHOLD`` (10) patients is published. Zero is
shown, except as a complement (below).

Complementary suppression: the counts of one answer are tied by relations
``total = part + part + …`` (the age bands of the authorizing members add up to their
number). A relation gives a suppressed cell away when

- exactly one of its cells, the total included, is suppressed: that cell is the total
  minus the other parts (or the sum of the parts);
- its total is shown and the suppressed parts could only all be 1: their sum, which the total
  gives away, equals their number;
- its total and a single part are suppressed and every other part is a shown 0: the count is
  hidden, but not what it says of those patients — all of the (few) tested members are in that
  one band, all the authorizing members are of one gender.

Such a relation gets one more suppressed cell: the smallest non-zero part still shown (the
first listed on a tie), else a part that is 0, else the total. Every relation is checked
again until none gives anything away; each round suppresses one more cell, so it ends.

What it does not do: an audit by linear programming across every relation at once. Cells of
different relations are tied only through a shared total, and a suppressed total is
unknown to every relation that contains it, so checking each relation on its own keeps every
suppressed cell's value open to a reader of this one answer.
"""
from __future__ import annotations

import dataclasses
from typing import Generic, Hashable, Mapping, Optional, Sequence, TypeVar

THRESHOLD = 10

K = TypeVar("K", bound=Hashable)


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    """A published patient count: its value, or None when suppressed."""

    value: Optional[int]
    suppressed: bool

    @classmethod
    def shown(cls, value: int) -> "Cell":
        return cls(value, False)

    @classmethod
    def hidden(cls) -> "Cell":
        return cls(None, True)


@dataclasses.dataclass(frozen=True, slots=True)
class Relation(Generic[K]):
    """``counts[total] == sum(counts[part] for part in parts)`` in the answer."""

    total: K
    parts: tuple[K, ...]


def primary(value: int, threshold: int = THRESHOLD) -> bool:
    return 1 <= value <= threshold


def suppress(counts: Mapping[K, int], relations: Sequence[Relation[K]] = (),
             threshold: int = THRESHOLD) -> dict[K, Cell]:
    """Every count of ``counts`` as a published cell, suppressed as the module describes."""
    for key, value in counts.items():
        if value < 0:
            raise ValueError(f"count {key!r} is negative: {value}")
    for relation in relations:
        parts = sum(counts[p] for p in relation.parts)
        if counts[relation.total] != parts:
            raise ValueError(f"{relation.total!r} is {counts[relation.total]}, its parts add up to {parts}")

    hidden = {key for key, value in counts.items() if primary(value, threshold)}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if _gives_away(counts, hidden, relation):
                hidden.add(_complement(counts, hidden, relation))
                changed = True
    return {key: Cell.hidden() if key in hidden else Cell.shown(value) for key, value in counts.items()}


def _gives_away(counts: Mapping[K, int], hidden: set[K], relation: Relation[K]) -> bool:
    hidden_parts = [p for p in relation.parts if p in hidden]
    shown_parts = [p for p in relation.parts if p not in hidden]
    total_hidden = relation.total in hidden
    if len(hidden_parts) + total_hidden == 1:
        return True
    if total_hidden:
        # The one suppressed part is the whole total: the others are all a shown 0.
        return len(hidden_parts) == 1 and bool(shown_parts) and all(counts[p] == 0 for p in shown_parts)
    if not hidden_parts:
        return False
    return sum(counts[p] for p in hidden_parts) == len(hidden_parts)


def _complement(counts: Mapping[K, int], hidden: set[K], relation: Relation[K]) -> K:
    shown_parts = [p for p in relation.parts if p not in hidden]
    non_zero = [p for p in shown_parts if counts[p] > 0]
    if non_zero:
        return min(non_zero, key=lambda p: counts[p])  # min keeps the first of equals
    if shown_parts:
        return shown_parts[0]
    if relation.total not in hidden:
        return relation.total
    # Unreachable: a relation with every cell suppressed gives nothing away.
    raise AssertionError(f"nothing left to suppress in {relation!r}")
