"""Walking Gremlin bytecode: every instruction of a traversal, its nested anonymous traversals
included, and what a predicate or argument carries.

The remote connection asks whether a traversal writes (to decide whether a retry is a plain
re-read), the allowlist check walks every step, and the test endpoint records writes for its
stale replica; all of them need the same walk, so it is here once.
"""
from __future__ import annotations

import dataclasses
import types
from typing import Any, Iterator

from gremlin_python.process.traversal import Binding, Bytecode, P, Traversal

# The steps that change the graph.
MUTATING_STEPS = frozenset({"addV", "addE", "property", "drop", "mergeV", "mergeE"})


@dataclasses.dataclass(frozen=True)
class Instruction:
    """One step of one (possibly nested) traversal. ``source`` is true for source
    instructions (``with``, ``withStrategies``…); ``depth`` is 0 for the submitted traversal,
    1 for a traversal given as an argument of one of its steps, and so on."""

    name: str
    args: tuple[Any, ...]
    source: bool
    depth: int
    index: int  # position among the step instructions of its own traversal
    owner: Bytecode  # the traversal it belongs to


def as_bytecode(value: Any) -> Bytecode | None:
    if isinstance(value, Traversal):
        return value.bytecode
    if isinstance(value, Bytecode):
        return value
    return None


def instructions(bytecode: Bytecode, depth: int = 0) -> Iterator[Instruction]:
    """Every instruction, depth first: a step, then the traversals among its arguments."""
    for index, instruction in enumerate(bytecode.source_instructions):
        yield Instruction(instruction[0], tuple(instruction[1:]), True, depth, index, bytecode)
    for index, instruction in enumerate(bytecode.step_instructions):
        args = tuple(instruction[1:])
        yield Instruction(instruction[0], args, False, depth, index, bytecode)
        for nested in nested_traversals(args):
            yield from instructions(nested, depth + 1)


def nested_traversals(args: Any) -> Iterator[Bytecode]:
    """The traversals among step arguments, including those inside predicates and lists."""
    for value in leaves(args):
        nested = as_bytecode(value)
        if nested is not None:
            yield nested


def leaves(args: Any) -> Iterator[Any]:
    """Every argument value, with lists, predicates and bindings opened up (not traversals:
    their own steps are walked by ``instructions``)."""
    for arg in args:
        if isinstance(arg, Binding):
            arg = arg.value
        if isinstance(arg, P):
            yield arg
            yield from leaves([arg.value] if arg.other is None else [arg.value, arg.other])
        elif isinstance(arg, (list, tuple, set, frozenset)):
            yield from leaves(arg)
        elif isinstance(arg, dict):
            yield from leaves(list(arg.keys()) + list(arg.values()))
        else:
            yield arg


def predicates(bytecode: Bytecode) -> Iterator[P]:
    """Every predicate (P or TextP, and the parts of and/or/not) anywhere in the traversal."""
    for instruction in instructions(bytecode):
        for value in leaves(instruction.args):
            if isinstance(value, P):
                yield value


def is_lambda(value: Any) -> bool:
    """gremlinpython sends a Python callable as a lambda (script text the server evaluates)."""
    return isinstance(value, (types.FunctionType, types.LambdaType, types.MethodType))


def mutates(bytecode: Bytecode) -> bool:
    """Whether the traversal writes, anywhere in it."""
    return any(i.name in MUTATING_STEPS for i in instructions(bytecode) if not i.source)


def is_graph_operation(bytecode: Bytecode) -> bool:
    """``g.tx()`` commit/rollback: a source instruction ``tx`` and no steps."""
    return (not bytecode.step_instructions and len(bytecode.source_instructions) == 1
            and bytecode.source_instructions[0][0] == "tx")
