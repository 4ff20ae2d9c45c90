"""Progress on a terminal: one line, rewritten in place."""
from __future__ import annotations

import time
from typing import TextIO

# Redraw at most this often: a terminal that gets a line per resource slows the import.
MIN_REDRAW_SECONDS = 0.1


class ProgressLine:
    def __init__(self, out: TextIO, min_redraw_seconds: float = MIN_REDRAW_SECONDS):
        self._out = out
        self._min_redraw = min_redraw_seconds
        self._last_drawn = 0.0
        self._last_stage = ""
        self._width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished_stage = done >= total
        if stage == self._last_stage and not finished_stage and now - self._last_drawn < self._min_redraw:
            return
        self._last_drawn, self._last_stage = now, stage
        percent = f" ({100 * done // total}%)" if total else ""
        self._draw(f"{stage}: {done:,}/{total:,}{percent}")

    def clear(self) -> None:
        """Remove the line, so the summary starts on a clean one."""
        if self._width:
            self._draw("")
            self._out.write("\r")
            self._out.flush()
            self._width = 0

    def _draw(self, text: str) -> None:
        # Pad over the previous text instead of a terminal escape: works on every terminal.
        self._out.write("\r" + text.ljust(self._width))
        self._out.flush()
        self._width = max(self._width, len(text))
