"""The numeric reading of a record's text value.

Values are stored as text (they keep their printed precision); the graph also keeps this
number next to them (``valueNumber``) so insights can band values in a traversal, and the
wellness rules read values the same way, so a figure and a tip never disagree about what
"6.5" is.
"""
from __future__ import annotations

import math
from typing import Optional


def value_number(value: Optional[str]) -> Optional[float]:
    """The value as a finite number, or None when it is not plainly one ("<5", "6.5 %",
    "1_000", "nan" are not)."""
    if value is None:
        return None
    text = value.strip()
    if not text or "_" in text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
