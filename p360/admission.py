"""Whether a GraphQL request may run on the transport it came by, decided once for HTTP and
the socket: its values (``request_values``), the one operation it runs (``operation_choice``),
and that operation's type — subscriptions on the socket only, everything else by POST, where
each response waits for its audit events to be durable.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Optional

from graphql import GraphQLError, OperationType

from p360.operation_choice import choose_operation
from p360.request_values import invalid_request_error


@dataclasses.dataclass(frozen=True)
class Refusal:
    error: GraphQLError
    # Not a well-formed GraphQL request at all: HTTP answers 400 whatever the media type.
    malformed: bool = False


def refusal_of(request: Mapping[str, Any], *, socket: bool) -> Optional[Refusal]:
    """``request`` has the wire names: query, operationName, variables, extensions."""
    invalid = invalid_request_error(request)
    if invalid is not None:
        return Refusal(invalid)
    choice = choose_operation(request.get("query"), request.get("operationName"))
    problem = choice.problem
    if choice.malformed:
        return Refusal(GraphQLError(problem or "malformed request"), malformed=True)
    if socket and choice.kind is not None and choice.kind is not OperationType.SUBSCRIPTION:
        problem = f"only subscriptions run over the WebSocket; send this {choice.kind.value} by POST /graphql"
    if not socket and choice.kind is OperationType.SUBSCRIPTION:
        problem = "subscriptions run over the WebSocket at /graphql (graphql-transport-ws), not over HTTP"
    if problem is not None:
        return Refusal(GraphQLError(problem, extensions={"code": "BAD_USER_INPUT"}))
    if socket and choice.syntax_error is not None:
        # Over HTTP Strawberry answers it; on the socket it would end the subscription unsaid.
        return Refusal(GraphQLError(choice.syntax_error.message, extensions={"code": "GRAPHQL_PARSE_FAILED"}))
    return None
