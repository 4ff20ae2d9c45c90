"""Text that can be stored and sent back: valid Unicode.

JSON may spell a lone UTF-16 surrogate (``"\\ud800"``), and Python decodes it into a ``str``
that no UTF-8 encoder accepts: the graph refuses it as a parameter, a JWT library cannot
encode it, and a response carrying it is rejected by strict JSON parsers. Every boundary
that takes decoded JSON (requests, tokens, imports) refuses such text, naming where it was.
"""
from __future__ import annotations

import json
from typing import Any, Optional


def is_unicode_text(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def invalid_text_path(value: Any) -> Optional[str]:
    """The dotted path (list items by index) of the first key or string in a decoded JSON
    value that is not valid Unicode ("" for a bad top-level string); None when all text is
    valid. Walks with its own stack: a value may nest deeper than Python
    recursion allows."""
    try:
        # Encoding the whole value at C speed settles the common case: all text valid.
        json.dumps(value, ensure_ascii=False, default=lambda other: None).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    except (RecursionError, ValueError, TypeError):
        pass  # nested deeper than the encoder goes, or not JSON-like: walk it
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            if not is_unicode_text(item):
                return where
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and not is_unicode_text(key):
                    return where or "(a key)"
                pending.append((inner_path, inner))
        elif isinstance(item, (list, tuple)):
            pending.extend((f"{where}.{index}" if where else str(index), inner)
                           for index, inner in enumerate(item))
    return None


NOT_UNICODE = "is not valid Unicode (it holds a lone UTF-16 surrogate such as \\ud800)"
