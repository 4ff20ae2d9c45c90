"""What a benchmark hands back: titled tables and notes, shown as text on the terminal and as
Markdown in ``bench/results.md``."""
from __future__ import annotations

import dataclasses
from typing import Any, Sequence


@dataclasses.dataclass
class Table:
    headers: Sequence[str]
    rows: list[Sequence[Any]] = dataclasses.field(default_factory=list)

    def add(self, *cells: Any) -> None:
        self.rows.append(cells)

    def text(self) -> str:
        cells = [[str(h) for h in self.headers]] + [[str(c) for c in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def markdown(self) -> str:
        def line(cells: Sequence[Any]) -> str:
            return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
        return "\n".join([line(self.headers), line(["---"] * len(self.headers)),
                          *(line(row) for row in self.rows)])


@dataclasses.dataclass
class Report:
    """One benchmark's figures. ``goals`` are (goal, verdict) lines: what the issue asks and
    whether this run met it."""

    name: str
    title: str
    tables: list[Table] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    goals: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    # Machine-readable figures, for the smoke test and anyone scripting over a run.
    figures: dict[str, Any] = dataclasses.field(default_factory=dict)

    def unjudged(self, reason: str) -> None:
        """Keeps the goals' wording but gives no verdict: figures at tiny sizes say nothing of them."""
        self.goals = [(goal, f"not judged ({reason})") for goal, _ in self.goals]

    def table(self, *headers: str) -> Table:
        table = Table(headers)
        self.tables.append(table)
        return table

    def text(self) -> str:
        parts = [f"== {self.title} =="]
        parts += [t.text() for t in self.tables]
        parts += [f"note: {n}" for n in self.notes]
        parts += [f"goal: {goal} -> {verdict}" for goal, verdict in self.goals]
        return "\n\n".join(parts) + "\n"

    def markdown(self) -> str:
        parts = [f"### {self.title}"]
        parts += [t.markdown() for t in self.tables]
        if self.notes:
            parts.append("\n".join(f"- {n}" for n in self.notes))
        if self.goals:
            parts.append("\n".join(f"- **Goal:** {goal} — **{verdict}**" for goal, verdict in self.goals))
        return "\n\n".join(parts) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(met: bool) -> str:
    return "met" if met else "not met"
