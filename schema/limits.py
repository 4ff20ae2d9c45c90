"""The limits a document must keep before it is validated: depth, fragment nesting, aliases,
repeated fields.

They are checked ahead of graphql-core's rules, in time linear in the document, and a document
over them is not validated at all: checking that repeated fields can merge is quadratic in
their number (1,200 repeats of `me { __typename }`, under the token limit, held the event loop
for over a second).

Fragments are measured once each. Measured by walking every path instead (as Strawberry's own
limiters do), a document of fragments that each spread the next twice has 2**n paths: under a
kilobyte of text held the event loop for hours.
"""
from __future__ import annotations

import collections
import dataclasses
import functools
from typing import Callable, Generic, Iterator, Optional, TypeVar, Union

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import ValidationCache

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000
# How deep fragments may spread fragments that spread fragments: GraphiQL's introspection goes 3
# deep, generated clients a few more.
MAX_FRAGMENT_NESTING = 25
# How often one response key may be selected in one selection set, fragments included (graphql-core
# compares every pair). Fragments that share `id` or `__typename` repeat them a few times.
MAX_REPEATS = 50

Owner = Union[OperationDefinitionNode, FragmentDefinitionNode, FieldNode, InlineFragmentNode]
Figure = TypeVar("Figure")


class _FragmentMeasure(Generic[Figure]):
    """One figure of a selection set, with each named fragment's figure computed once.

    ``combine`` folds a selection set's parts into its figure; ``of_field`` gives a field's
    figure from that of its own selection set (None: a leaf); ``of_spread`` a spread's from
    its fragment's."""

    def __init__(self, document: DocumentNode, combine: Callable[[list[Figure]], Figure],
                 of_field: Callable[[FieldNode, Optional[Figure]], Figure],
                 of_spread: Callable[[str, Figure], Figure] = lambda name, figure: figure):
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.combine = combine
        self.of_field = of_field
        self.of_spread = of_spread
        self.measured: dict[str, Figure] = {}
        self.measuring: set[str] = set()

    def of(self, owner: Owner) -> Figure:
        return self.of_selections(owner.selection_set)

    def of_selections(self, selection_set: Optional[SelectionSetNode]) -> Figure:
        parts: list[Figure] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = self.of_selections(selection.selection_set) if selection.selection_set else None
                parts.append(self.of_field(selection, inner))
            elif isinstance(selection, InlineFragmentNode):
                parts.append(self.of(selection))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self._fragment(selection.name.value)
                if fragment is not None:
                    parts.append(self.of_spread(selection.name.value, fragment))
        return self.combine(parts)

    def _fragment(self, name: str) -> Optional[Figure]:
        if name not in self.measured and name not in self.measuring and name in self.fragments:
            # Fragments may spread one another in a chain hundreds long: measure the chain
            # from its far end, so that no measurement recurses into the next.
            pending = self._dependencies_first(name)
            self.measuring.update(pending)
            for fragment in pending:
                self.measured[fragment] = self.of(self.fragments[fragment])
                self.measuring.discard(fragment)
        # An unknown or cyclic spread is another rule's error; it adds nothing here.
        return self.measured.get(name)

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


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def _depth_error(document: DocumentNode) -> Optional[GraphQLError]:
    """No operation nests fields deeper than MAX_DEPTH (introspection fields aside)."""
    def field_depth(field: FieldNode, inner: Optional[int]) -> int:
        if inner is None or field.name.value.startswith("__"):
            return 0
        return 1 + inner

    measure = _FragmentMeasure(document, lambda parts: max(parts, default=0), field_depth)
    for operation in _operations(document):
        if measure.of(operation) > MAX_DEPTH:
            name = operation.name.value if operation.name else "anonymous"
            return GraphQLError(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}", operation)
    return None


def _fragment_nesting_error(document: DocumentNode) -> Optional[GraphQLError]:
    def field_nesting(field: FieldNode, inner: Optional[int]) -> int:
        return inner or 0

    measure = _FragmentMeasure(document, lambda parts: max(parts, default=0), field_nesting,
                               lambda name, nesting: nesting + 1)
    if any(measure.of(operation) > MAX_FRAGMENT_NESTING for operation in _operations(document)):
        return GraphQLError(f"fragments spread fragments more than {MAX_FRAGMENT_NESTING} deep")
    return None


def _alias_error(document: DocumentNode) -> Optional[GraphQLError]:
    """The operations hold at most MAX_ALIASES aliased fields, each fragment counted as often
    as it is spread."""
    def field_aliases(field: FieldNode, inner: Optional[int]) -> int:
        return (1 if field.alias else 0) + (inner or 0)

    measure = _FragmentMeasure(document, sum, field_aliases)
    total = sum(measure.of(operation) for operation in _operations(document))
    if total > MAX_ALIASES:
        shown = f"{total}" if total < 10**6 else "over a million"
        return GraphQLError(f"{shown} aliases found. Allowed: {MAX_ALIASES}")
    return None


def _repeat_error(document: DocumentNode) -> Optional[GraphQLError]:
    """No selection set selects one response key more than MAX_REPEATS times, counting the
    fields of every fragment it reaches once (as execution collects them)."""
    def reached(field: FieldNode, inner: Optional[frozenset[str]]) -> frozenset[str]:
        return frozenset()  # a field's own selections are another selection set

    fragments_reached = _FragmentMeasure(document, lambda parts: frozenset().union(*parts), reached,
                                         lambda name, figure: figure | {name})
    own_keys = {name: _own_keys(fragment.selection_set)
                for name, fragment in fragments_reached.fragments.items()}
    worst, worst_key = 0, ""
    for selection_set in _selection_sets(document):
        keys = _own_keys(selection_set)
        for fragment in fragments_reached.of_selections(selection_set):
            keys.update(own_keys[fragment])
        if keys:
            key, count = keys.most_common(1)[0]
            if count > worst:
                worst, worst_key = count, key
    if worst > MAX_REPEATS:
        return GraphQLError(f"'{worst_key}' is selected {worst} times in one selection set. Allowed: {MAX_REPEATS}")
    return None


def _own_keys(selection_set: SelectionSetNode) -> collections.Counter[str]:
    """The response keys a selection set selects itself and through its inline fragments."""
    keys: collections.Counter[str] = collections.Counter()
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                keys[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
    return keys


def _selection_sets(document: DocumentNode) -> Iterator[SelectionSetNode]:
    """Every selection set of the document whose fields are merged: those of operations,
    fragments and fields (an inline fragment's merge into its parent's)."""
    pending = [d.selection_set for d in document.definitions
               if isinstance(d, (OperationDefinitionNode, FragmentDefinitionNode))]
    while pending:
        selection_set = pending.pop()
        yield selection_set
        inner = [selection_set]
        while inner:
            for selection in inner.pop().selections:
                if isinstance(selection, FieldNode) and selection.selection_set:
                    pending.append(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    inner.append(selection.selection_set)


def limits_error(document: DocumentNode) -> Optional[GraphQLError]:
    # The nesting first: the repeat check's cost grows with it.
    for check in (_fragment_nesting_error, _depth_error, _alias_error, _repeat_error):
        error = check(document)
        if error is not None:
            return error
    return None


@dataclasses.dataclass(frozen=True)
class _Parsed:
    """A document known by its text: the parser cache gives one document per text."""
    query: str
    document: DocumentNode = dataclasses.field(compare=False, hash=False)


# Clients send the same few documents again and again (the check costs ~0.2 ms for a view).
@functools.lru_cache(maxsize=512)
def _cached_limits_error(parsed: _Parsed) -> Optional[GraphQLError]:
    return limits_error(parsed.document)


class ValidationWithinLimits(ValidationCache):
    """Strawberry's cached validation, for documents within the limits only."""

    def on_validate(self) -> Iterator[None]:
        query, document = self.execution_context.query, self.execution_context.graphql_document
        if document is None:
            error = None
        else:
            error = _cached_limits_error(_Parsed(query, document)) if query else limits_error(document)
        if error is None:
            yield from super().on_validate()
            return
        self.execution_context.pre_execution_errors = [error]
        yield
