"""What a GraphQL request's values must be before it runs, over HTTP and over the socket
alike: lists of a bounded length, and text that is valid Unicode. A request that breaks either
is refused naming the variable (or request field) that held it.

List lengths are checked before graphql-core coerces the variables: coercing an input object
costs tens of microseconds, and 250,000 of them (750 KB of `{}`) held the event loop for 13 s.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from graphql import GraphQLError

from model.text import NOT_UNICODE, invalid_text_path

# No argument of the schema takes more than a hundred items (a record's components).
MAX_LIST_ITEMS = 1000


def invalid_request_error(request: Mapping[str, Any]) -> Optional[GraphQLError]:
    """``request`` has the wire names: query, operationName, variables, extensions."""
    variables = request.get("variables")
    if isinstance(variables, dict):
        long_list = _long_list_path(variables)
        if long_list is not None:
            where, length = long_list
            return _variable_error(where, f"the list at {where} has {length:,} items; at most {MAX_LIST_ITEMS:,}")
        where = invalid_text_path(variables)
        if where is not None:
            return _variable_error(where, f"the text at {where} {NOT_UNICODE}")
    for field in ("query", "operationName", "extensions"):
        if invalid_text_path(request.get(field)) is not None:
            return GraphQLError(f"the request's {field} {NOT_UNICODE}", extensions={"code": "BAD_USER_INPUT"})
    return None


def _variable_error(where: str, problem: str) -> GraphQLError:
    name = where.split(".", 1)[0]
    return GraphQLError(f"Variable '${name}' got invalid value: {problem}",
                        extensions={"code": "BAD_USER_INPUT", "argument": name})


def _long_list_path(value: Any) -> Optional[tuple[str, int]]:
    """The path and length of a list over MAX_LIST_ITEMS, looked for outside in: a long list is
    found before any of its items is visited."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, dict):
            pending.extend((f"{where}.{key}" if where else str(key), inner) for key, inner in item.items())
        elif isinstance(item, list):
            if len(item) > MAX_LIST_ITEMS:
                return where, len(item)
            pending.extend((f"{where}.{index}", inner) for index, inner in enumerate(item)
                           if isinstance(inner, (dict, list)))
    return None
