"""Pages of nodes, and the opaque cursors that address them."""
from __future__ import annotations

import base64
import binascii
import dataclasses
from typing import Generic, Optional, TypeVar

from authz.errors import BadUserInput

Node = TypeVar("Node")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_CURSOR_PREFIX = "p360:offset:"
# Far past any list this API pages, and low enough that offset + page size stays inside the
# graph's 64-bit integers: a larger offset is no cursor the API issued.
_MAX_OFFSET = 2**53


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: Optional[str], argument: str = "after") -> int:
    """The offset just after ``cursor`` (0 without one)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError
        digits = text[len(_CURSOR_PREFIX):]
        # int() also reads " 5", "1_0" and other scripts' digits: only the text we wrote is ours.
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError
        offset = int(digits)
        if not 0 <= offset <= _MAX_OFFSET or encode_cursor(offset) != cursor:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput(f"{argument} is not a cursor this API issued", argument) from None
    return offset + 1


def page_size(first: Optional[int], argument: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise BadUserInput(f"{argument} must not be negative", argument)
    return min(first, MAX_PAGE_SIZE)


@dataclasses.dataclass(frozen=True)
class Page(Generic[Node]):
    nodes: list[Node]
    total: int
    offset: int

    @property
    def cursors(self) -> list[str]:
        return [encode_cursor(self.offset + i) for i in range(len(self.nodes))]

    @property
    def has_next_page(self) -> bool:
        return self.offset + len(self.nodes) < self.total

    @property
    def has_previous_page(self) -> bool:
        return self.offset > 0
