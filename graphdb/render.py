"""Gremlin bytecode → embedded-engine script text with bound parameters.

The script text never contains a value: every string, number or date becomes a parameter
``params.p0``, ``params.p1``, … (a list becomes one parameter per item), so user input cannot change the
shape of a query, and traversals of the same shape render to the same text.
"""
from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Binding, Bytecode, P, TextP, Traversal

from graphdb.steps import SOURCE_STEPS, STEPS

_TOKEN_ENUMS = frozenset({
    "T", "Order", "Scope", "Cardinality", "Column", "Direction", "Pop", "Pick", "Barrier",
    "Operator", "Merge", "DT",
})
_SCALARS = (str, bool, int, float, dt.datetime, dt.date, uuid.UUID)
# Steps whose variadic arguments the engine takes as one list (its functions have a bounded
# arity, and a batch of ids can be long).
_LIST_ARGUMENT_STEPS = frozenset({"V", "E", "hasId"})
_MAX_ARGUMENTS = 10
# Steps whose traversal arguments may be grouped into nested steps of the same kind without
# changing what they emit (union(a, b, c) is union(union(a, b), c), and so on): a batch that
# makes one branch per group of patients or per event can have any number of them.
_NESTABLE_STEPS = frozenset({"union", "coalesce", "and", "or"})
_WRITE_STEPS = frozenset({"addV", "addE", "property", "drop"})


class UnsupportedTraversal(ValueError):
    """A step or argument the embedded engine cannot be given (named in the message)."""


class Rendered:
    """``statements`` build the traversal into the variable ``variable``; run it with
    ``f"{statements} {variable}.to_list()"``."""

    __slots__ = ("statements", "variable", "params", "wants_tokens", "mutates")

    def __init__(self, statements: str, variable: str, params: dict[str, Any], wants_tokens: bool,
                 mutates: bool = False):
        self.statements = statements
        self.variable = variable
        self.params = params
        self.mutates = mutates
        # elementMap()/valueMap(true) results carry T.id/T.label keys in gremlinpython.
        self.wants_tokens = wants_tokens


class _Renderer:
    def __init__(self, prefix: str = "p"):
        self.params: dict[str, Any] = {}
        self.prefix = prefix
        self.wants_tokens = False
        self.mutates = False

    def bind(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.params)}"
        self.params[name] = value
        # Through the params map: a hashed lookup, where a bare variable is found by scanning
        # every binding (quadratic in a large batch).
        return f"params.{name}"

    def traversal(self, bytecode: Bytecode, root: str) -> str:
        return "".join(self.steps(bytecode, root))

    def steps(self, bytecode: Bytecode, root: str) -> list[str]:
        parts = [root]
        for instruction in bytecode.source_instructions:
            name, args = instruction[0], instruction[1:]
            if name == "with":
                parts.append(f".with({self.args(name, args)})")
            elif name == "withStrategies" and all(isinstance(a, OptionsStrategy) for a in args):
                # g.with_(key, value) arrives as an OptionsStrategy carrying the options.
                for strategy in args:
                    for key, value in strategy.configuration.items():
                        parts.append(f".with({self.value(name, key)}, {self.value(name, value)})")
            else:
                raise UnsupportedTraversal(f"source step {name!r} is not supported")
        for index, instruction in enumerate(bytecode.step_instructions):
            name, args = instruction[0], instruction[1:]
            allowed = STEPS if (index or root == "__") else STEPS | SOURCE_STEPS
            if name not in allowed:
                raise UnsupportedTraversal(f"step {name!r} is not supported")
            if name == "elementMap" or (name == "valueMap" and args and args[0] is True):
                self.wants_tokens = True
            if name in _WRITE_STEPS:
                self.mutates = True
            if name in _LIST_ARGUMENT_STEPS and len(args) > 1:
                parts.append(f".{name}({self.value(name, list(args))})")
                continue
            if len(args) > _MAX_ARGUMENTS:
                args = _nested(name, args)
            parts.append(f".{name}({self.args(name, args)})")
        return parts

    def args(self, step: str, args: Any) -> str:
        return ", ".join(self.value(step, arg) for arg in args)

    def value(self, step: str, arg: Any) -> str:
        if isinstance(arg, Binding):
            arg = arg.value
        if arg is None:
            return self.bind(None)
        if isinstance(arg, _SCALARS):
            return self.bind(arg)
        if isinstance(arg, enum.Enum) and type(arg).__name__ in _TOKEN_ENUMS:
            return f"{type(arg).__name__}.{arg.name.rstrip('_')}"
        if isinstance(arg, Traversal):
            arg = arg.bytecode
        if isinstance(arg, Bytecode):
            return self.traversal(arg, "__")
        if isinstance(arg, P):
            return self.predicate(step, arg)
        if isinstance(arg, (list, tuple, set, frozenset)):
            return "[" + ", ".join(self.value(step, item) for item in arg) + "]"
        raise UnsupportedTraversal(
            f"argument of type {type(arg).__name__} in step {step!r} cannot be rendered"
        )

    def predicate(self, step: str, pred: P) -> str:
        owner = "TextP" if isinstance(pred, TextP) else "P"
        if pred.operator in ("and", "or"):
            return f"{self.predicate(step, pred.value)}.{pred.operator}({self.predicate(step, pred.other)})"
        if pred.operator == "not":
            return f"P.not({self.predicate(step, pred.value)})"
        if pred.operator in ("within", "without"):
            values = pred.value if isinstance(pred.value, (list, tuple, set)) else [pred.value]
            return f"P.{pred.operator}({self.value(step, list(values))})"
        args = [pred.value] if pred.other is None else [pred.value, pred.other]
        return f"{owner}.{pred.operator}({', '.join(self.value(step, a) for a in args)})"


def _nested(step: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``args`` as at most ``_MAX_ARGUMENTS`` arguments: groups of them become nested steps."""
    if step not in _NESTABLE_STEPS:
        raise UnsupportedTraversal(f"step {step!r} has {len(args)} arguments; at most {_MAX_ARGUMENTS}")
    while len(args) > _MAX_ARGUMENTS:
        groups = []
        for start in range(0, len(args), _MAX_ARGUMENTS):
            group = Bytecode()
            group.add_step(step, *args[start:start + _MAX_ARGUMENTS])
            groups.append(group)
        args = tuple(groups)
    return args


# The engine bounds how deeply one expression may nest; a long chain of steps (a batch of
# upserts, say) is built in statements of this many steps each.
_STEPS_PER_STATEMENT = 24


def render(bytecode: Bytecode, prefix: str = "p", variable: str = "t") -> Rendered:
    renderer = _Renderer(prefix)
    parts = renderer.steps(bytecode, "g")
    chunks = [parts[i:i + _STEPS_PER_STATEMENT] for i in range(0, len(parts), _STEPS_PER_STATEMENT)]
    statements = [f"let {variable} = {''.join(chunks[0])};"]
    statements += [f"{variable} = {variable}{''.join(chunk)};" for chunk in chunks[1:]]
    return Rendered(" ".join(statements), variable, renderer.params, renderer.wants_tokens, renderer.mutates)
