"""Which operation of a document a request runs, decided as the GraphQL spec decides it
(GetOperation): the one ``operationName`` names; without a name, the only one there is.

Strawberry instead runs the first operation of a document that has several when no name is
given. A transport that admits operations by their type (the WebSocket runs subscriptions
only, POST everything else) must therefore decide on the operation that will really run, and
refuse a document in which that is not one definite operation.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Optional

from graphql import GraphQLError, OperationDefinitionNode, OperationType, get_operation_ast, parse

from schema.limits import MAX_TOKENS


@dataclasses.dataclass(frozen=True)
class OperationChoice:
    # None with no problem: the document does not parse (see syntax_error).
    kind: Optional[OperationType] = None
    # Why no one operation can be run, for the caller (BAD_USER_INPUT).
    problem: Optional[str] = None
    # The request itself is not well-formed (not a GraphQL request error): HTTP answers 400
    # whatever the media type, as it does for `variables` that are not an object.
    malformed: bool = False
    # The document does not parse: why (Strawberry says so over HTTP, not over the socket).
    syntax_error: Optional[GraphQLError] = None


def choose_operation(query: Any, operation_name: Any = None) -> OperationChoice:
    if not isinstance(query, str):
        return OperationChoice()
    if operation_name is not None and not isinstance(operation_name, str):
        return OperationChoice(problem="The GraphQL operation's `operationName` must be a string or null, if provided.",
                               malformed=True)
    return _choose(query, operation_name)


# Clients send the same few documents again and again; each is parsed here once.
@functools.lru_cache(maxsize=256)
def _choose(query: str, operation_name: Optional[str]) -> OperationChoice:
    try:
        # Within the same token limit as the schema's parser: a document over it is refused there.
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        return OperationChoice(syntax_error=error)
    operation = get_operation_ast(document, operation_name)
    if operation is not None:
        return OperationChoice(kind=operation.operation)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        return OperationChoice(problem="the document has no operation of the name in operationName")
    if operations:
        return OperationChoice(problem="the document has several operations: operationName must name the one to run")
    return OperationChoice(problem="the document has no operation to run")
