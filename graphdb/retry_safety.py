"""Whether a traversal may be sent again when its first attempt's outcome is unknown.

A connection that drops after a write was sent leaves the write landed or not. Sending it
again is safe only when running it twice leaves the same graph as running it once, which is
what every write of graphdb/writes.py is built to do; this module checks that shape instead
of trusting it, so a future write that could duplicate is never retried blindly:

- a read is always safe;
- ``addV`` must set an explicit ``T.id`` right after it: a second run then finds the vertex
  (the ``fold().coalesce(unfold(), addV())`` upsert) or fails on the existing id, and never
  makes a second one;
- ``addE`` has no such key, so it must either be the fallback of a ``coalesce`` whose first
  branch finds the same edge (``coalesce(inE(label), addE(label)...)``), or follow a
  ``sideEffect(outE/inE(label).drop())`` of the same direction and label in the same traversal
  (replace-the-edge);
- ``property`` with list cardinality appends, so it is never safe; ``drop`` always is;
  ``mergeV``/``mergeE`` match on their keys.
"""
from __future__ import annotations

from typing import Any, Sequence

from gremlin_python.process.traversal import Bytecode, Cardinality, T

from graphdb import bytecode as walk


def retry_safe(bytecode: Bytecode) -> bool:
    return _safe(bytecode, None, -1)


def _safe(bytecode: Bytecode, parent_steps: Sequence[list[Any]] | None, at: int) -> bool:
    """``parent_steps[at]`` is the step that has ``bytecode`` among its arguments."""
    steps = bytecode.step_instructions
    for index, step in enumerate(steps):
        name, args = step[0], step[1:]
        if name == "addV" and not _sets_id_next(steps, index):
            return False
        if name == "property" and args and args[0] is Cardinality.list_:
            return False
        if name == "addE" and not (index == 0 and parent_steps is not None
                                   and _edge_is_keyed(bytecode, args, parent_steps, at)):
            return False
        for nested in walk.nested_traversals(args):
            if not _safe(nested, steps, index):
                return False
    return True


def _sets_id_next(steps: Sequence[list[Any]], index: int) -> bool:
    following = steps[index + 1] if index + 1 < len(steps) else None
    return bool(following and following[0] == "property" and len(following) >= 3 and following[1] is T.id)


def _edge_is_keyed(added: Bytecode, args: Sequence[Any], parent_steps: Sequence[list[Any]], at: int) -> bool:
    """``added`` starts with ``addE``: is it the fallback of a find-or-add, or the add half of
    a replace?"""
    if not args:
        return False
    label = args[0]
    parent = parent_steps[at]
    if parent[0] == "coalesce":
        earlier = []
        for arg in parent[1:]:
            nested = walk.as_bytecode(arg)
            if nested is added:
                break
            earlier.append(nested)
        return any(b is not None and _finds_edge(b, label) for b in earlier)
    if parent[0] == "sideEffect":
        direction = _direction(added)
        return direction is not None and any(
            _drops_edges(parent_steps[j], label, direction) for j in range(at))
    return False


def _direction(added: Bytecode) -> str | None:
    """``addE(l).to(v)`` makes an out edge of the current vertex; ``addE(l).from_(v)`` an in edge."""
    names = [s[0] for s in added.step_instructions[1:]]
    if "to" in names and "from" not in names:
        return "outE"
    if "from" in names and "to" not in names:
        return "inE"
    return None


def _finds_edge(b: Bytecode, label: Any) -> bool:
    first = b.step_instructions[0] if b.step_instructions else None
    return bool(first and first[0] in ("inE", "outE", "bothE") and label in first[1:])


def _drops_edges(step: list[Any], label: Any, direction: str) -> bool:
    if step[0] != "sideEffect" or len(step) != 2:
        return False
    nested = walk.as_bytecode(step[1])
    if nested is None or not nested.step_instructions:
        return False
    names = [s[0] for s in nested.step_instructions]
    return names == [direction, "drop"] and label in nested.step_instructions[0][1:]
