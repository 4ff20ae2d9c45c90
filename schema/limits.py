"""Query limits as validation rules built once, so the validation cache can recognise them
(a rule class made per request would make every request a cache miss).

Depth and aliases are measured with each fragment measured once. Measured by walking every
path instead (as Strawberry's own limiters do), a document of fragments that each spread the
next twice has 2**n paths: under a kilobyte of text held the event loop for hours.
"""
from __future__ import annotations

from typing import Callable, Optional, Union

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000

Owner = Union[OperationDefinitionNode, FragmentDefinitionNode, FieldNode, InlineFragmentNode]


class _FragmentMeasure:
    """One figure of a selection set, with each named fragment's figure computed once.

    ``combine`` folds a selection set's parts into its figure; ``of_field`` gives a field's
    figure from that of its own selection set (None: a leaf)."""

    def __init__(self, context: ValidationContext, combine: Callable[[list[int]], int],
                 of_field: Callable[[FieldNode, Optional[int]], int]):
        self.fragments = {d.name.value: d for d in context.document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.combine = combine
        self.of_field = of_field
        self.measured: dict[str, int] = {}
        self.measuring: set[str] = set()

    def of(self, owner: Owner) -> int:
        return self._selections(owner.selection_set)

    def _selections(self, selection_set: Optional[SelectionSetNode]) -> int:
        parts: list[int] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = self._selections(selection.selection_set) if selection.selection_set else None
                parts.append(self.of_field(selection, inner))
            elif isinstance(selection, InlineFragmentNode):
                parts.append(self.of(selection))
            elif isinstance(selection, FragmentSpreadNode):
                parts.append(self._fragment(selection.name.value))
        return self.combine(parts)

    def _fragment(self, name: str) -> int:
        if name not in self.measured and name not in self.measuring and name in self.fragments:
            # Fragments may spread one another in a chain hundreds long: measure the chain
            # from its far end, so that no measurement recurses into the next.
            pending = self._dependencies_first(name)
            self.measuring.update(pending)
            for fragment in pending:
                self.measured[fragment] = self.of(self.fragments[fragment])
                self.measuring.discard(fragment)
        # An unknown or cyclic spread is another rule's error; it adds nothing here.
        return self.measured.get(name, 0)

    def _dependencies_first(self, name: str) -> list[str]:
        """``name`` and the unmeasured fragments it spreads, each after those it spreads."""
        order: list[str] = []
        seen = {name}
        stack = [(name, iter(_spreads(self.fragments[name].selection_set)))]
        while stack:
            current, spreads = stack[-1]
            for spread in spreads:
                if spread in self.fragments and spread not in seen and spread not in self.measured:
                    seen.add(spread)
                    stack.append((spread, iter(_spreads(self.fragments[spread].selection_set))))
                    break
            else:
                stack.pop()
                order.append(current)
        return order


def _spreads(selection_set: Optional[SelectionSetNode]) -> list[str]:
    names: list[str] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FragmentSpreadNode):
            names.append(selection.name.value)
        elif isinstance(selection, (FieldNode, InlineFragmentNode)):
            names.extend(_spreads(selection.selection_set))
    return names


def _operations(context: ValidationContext) -> list[OperationDefinitionNode]:
    return [d for d in context.document.definitions if isinstance(d, OperationDefinitionNode)]


class DepthLimit(ValidationRule):
    """No operation nests fields deeper than MAX_DEPTH (introspection fields aside)."""

    def __init__(self, context: ValidationContext):
        super().__init__(context)

        def field_depth(field: FieldNode, inner: Optional[int]) -> int:
            if inner is None or field.name.value.startswith("__"):
                return 0
            return 1 + inner

        measure = _FragmentMeasure(context, lambda parts: max(parts, default=0), field_depth)
        for operation in _operations(context):
            if measure.of(operation) > MAX_DEPTH:
                name = operation.name.value if operation.name else "anonymous"
                context.report_error(GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}", operation))


class AliasLimit(ValidationRule):
    """The document's operations hold at most MAX_ALIASES aliased fields, each fragment
    counted as often as it is spread."""

    def __init__(self, context: ValidationContext):
        super().__init__(context)

        def field_aliases(field: FieldNode, inner: Optional[int]) -> int:
            return (1 if field.alias else 0) + (inner or 0)

        measure = _FragmentMeasure(context, sum, field_aliases)
        total = sum(measure.of(operation) for operation in _operations(context))
        if total > MAX_ALIASES:
            shown = f"{total}" if total < 10**6 else "over a million"
            context.report_error(GraphQLError(f"{shown} aliases found. Allowed: {MAX_ALIASES}"))


class QueryLimits(AddValidationRules):
    def __init__(self) -> None:
        super().__init__([DepthLimit, AliasLimit])
