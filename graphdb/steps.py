"""The Gremlin the application may use, and the check that holds every traversal to it.

Every step, predicate and token here is part of TinkerPop 3.7 and runs on Amazon Neptune,
JanusGraph (on Cassandra or ScyllaDB) and the embedded engine. The embedded renderer and the
remote connection refuse any other step; the test suite walks every traversal the application
submits through ``violations`` (which also holds the rules below that keep a traversal
portable), and the README lists exactly these names (a test checks).
"""
from __future__ import annotations

import enum
from typing import Any

from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Bytecode, Cardinality, P, T, TextP

from graphdb import bytecode as walk

# Instructions on the traversal source itself: ``g.with_(key, value)`` (Neptune's query hints,
# the evaluation timeout), which gremlinpython sends as ``withStrategies(OptionsStrategy)``.
SOURCE_INSTRUCTIONS = frozenset({"with", "withStrategies"})

# Steps a traversal may start with (``g.V(...)`` …).
SOURCE_STEPS = frozenset({"V", "E", "addV", "addE", "inject"})

STEPS = frozenset({
    # navigation
    "V", "E", "out", "in", "both", "outE", "inE", "bothE", "outV", "inV", "otherV",
    # filters
    "has", "hasLabel", "hasId", "hasNot", "hasKey", "is", "where", "and", "or", "not",
    "dedup", "range", "limit", "skip", "tail", "filter", "coalesce", "optional",
    # maps
    "id", "label", "values", "valueMap", "elementMap", "properties", "project", "select",
    "constant", "identity", "count", "sum", "max", "min", "mean", "fold", "unfold",
    "group", "groupCount", "order", "by", "as", "local", "union", "choose", "option",
    "math", "cap", "aggregate", "sideEffect", "map", "flatMap", "path",
    # writes
    "addV", "addE", "from", "to", "property", "drop",
    # terminals the remote protocol understands as steps
    "none", "barrier",
})

PREDICATES = frozenset({
    "eq", "neq", "lt", "lte", "gt", "gte", "inside", "outside", "between", "within", "without",
    "and", "or", "not",
})
TEXT_PREDICATES = frozenset({
    "containing", "notContaining", "startingWith", "notStartingWith", "endingWith", "notEndingWith",
})

# Token enums and the values of them that may appear as arguments. Cardinality.list is left
# out: Neptune has no list cardinality (and an appended value would make a retry visible).
TOKENS: dict[str, frozenset[str]] = {
    "T": frozenset({"id", "label", "key", "value"}),
    "Order": frozenset({"asc", "desc"}),
    "Scope": frozenset({"local", "global_"}),
    "Cardinality": frozenset({"single", "set_"}),
    "Column": frozenset({"keys", "values"}),
    "Direction": frozenset({"OUT", "IN", "BOTH"}),
    "Pop": frozenset({"first", "last", "all_", "mixed"}),
}

# Keys a ``by("key")`` (or ``by(values("key"))``) modulator may name: properties every element
# they are used on always carries. Since TinkerPop 3.7 ``by()`` is productive: ordering,
# grouping or projecting by a missing property silently drops the element, so any other key
# needs a default (``by(coalesce(values("k"), constant(...)))``).
BY_KEYS = frozenset({
    "patientId",     # Record, Grant, AccessEvent
    "sortKey",       # Record (undated records carry model.UNDATED_SORT_KEY)
    "category",      # Record
    "atMs",          # AccessEvent
    "createdAtMs", "expiresAtMs", "granteeId", "granteeType",  # Grant
    "entityLabel", "entityId",                                 # IdentityLink
})

# Steps whose modulator ``by`` decides what the element is ordered, grouped or projected by.
_BY_OWNERS = frozenset({"order", "group", "groupCount", "project", "dedup", "select", "path",
                        "aggregate", "math", "sample", "tail", "cap"})


def violations(bytecode: Bytecode) -> list[str]:
    """Why this traversal is not portable, one line per problem (empty when it is)."""
    found: list[str] = []
    for instruction in walk.instructions(bytecode):
        found.extend(_instruction_problems(instruction))
        for value in walk.leaves(instruction.args):
            found.extend(_argument_problems(instruction.name, value))
    return found


def unsupported(bytecode: Bytecode) -> list[str]:
    """The hard part of ``violations``: steps, predicates, tokens and lambdas no engine of the
    three could be sent. The remote connection refuses a traversal that has any."""
    found: list[str] = []
    for instruction in walk.instructions(bytecode):
        found.extend(_step_problems(instruction))
        for value in walk.leaves(instruction.args):
            found.extend(_argument_problems(instruction.name, value))
    return found


def _step_problems(i: walk.Instruction) -> list[str]:
    if i.source:
        if i.name not in SOURCE_INSTRUCTIONS:
            return [f"source instruction {i.name!r} is not supported"]
        if i.name == "withStrategies" and not all(isinstance(a, OptionsStrategy) for a in i.args):
            return ["withStrategies() other than the options of g.with_() is not supported"]
        return []
    if i.depth == 0 and i.index == 0:
        if i.name not in SOURCE_STEPS:
            return [f"a traversal must start with one of {sorted(SOURCE_STEPS)}, not {i.name!r}"]
        return []
    return [] if i.name in STEPS else [f"step {i.name!r} is not supported"]


def _instruction_problems(i: walk.Instruction) -> list[str]:
    problems = _step_problems(i)
    if i.source:
        return problems
    if i.name == "addV" and not _next_sets_id(i):
        problems.append("addV() without property(T.id, ...) right after it: every vertex is keyed "
                        "by an explicit string id (JanusGraph needs custom ids, upserts need keys)")
    if i.name == "property" and not _property_cardinality_ok(i):
        problems.append(f"property({i.args[0]!r}, ...) on an existing element must say "
                        "Cardinality.single (Neptune's default cardinality is set)")
    if i.name == "by" and _by_key(i) is not None and _by_key(i) not in BY_KEYS:
        problems.append(f"by({_by_key(i)!r}) drops elements without that property (TinkerPop 3.7 "
                        "productive by); give a default or add the key to steps.BY_KEYS")
    return problems


def _argument_problems(step: str, value: Any) -> list[str]:
    if walk.is_lambda(value):
        return [f"a lambda in step {step!r}: Neptune does not run lambdas"]
    if isinstance(value, P):
        names = TEXT_PREDICATES if isinstance(value, TextP) else PREDICATES
        if value.operator not in names:
            kind = "TextP" if isinstance(value, TextP) else "P"
            return [f"{kind}.{value.operator} in step {step!r} is not supported"]
        return []
    if isinstance(value, enum.Enum):
        allowed = TOKENS.get(type(value).__name__)
        if allowed is None or value.name not in allowed:
            return [f"token {type(value).__name__}.{value.name} in step {step!r} is not supported"]
    return []


def _next_sets_id(i: walk.Instruction) -> bool:
    steps = i.owner.step_instructions
    following = steps[i.index + 1] if i.index + 1 < len(steps) else None
    return bool(following and following[0] == "property" and len(following) >= 3 and following[1] is T.id)


def _property_cardinality_ok(i: walk.Instruction) -> bool:
    first = i.args[0] if i.args else None
    if not i.args or isinstance(first, (T, Cardinality)):
        return True  # an id or label, or a stated cardinality (the token rule refuses list)
    # A property on an element this traversal just added: the element has no value yet.
    steps = i.owner.step_instructions
    index = i.index - 1
    while index >= 0 and steps[index][0] == "property":
        index -= 1
    return index >= 0 and steps[index][0] in ("addV", "addE")


def _by_key(i: walk.Instruction) -> str | None:
    """The property key a ``by`` modulator orders/groups/projects by, when it names one."""
    owner_steps = i.owner.step_instructions
    index = i.index - 1
    while index >= 0 and owner_steps[index][0] == "by":
        index -= 1
    if index < 0 or owner_steps[index][0] not in _BY_OWNERS or not i.args:
        return None
    first = i.args[0]
    if isinstance(first, str):
        return first
    nested = walk.as_bytecode(first)
    if nested is not None and not nested.source_instructions and len(nested.step_instructions) == 1:
        step = nested.step_instructions[0]
        if step[0] == "values" and len(step) == 2 and isinstance(step[1], str):
            return step[1]
    return None
