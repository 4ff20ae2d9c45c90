"""A GraphQL request whose text is not valid Unicode is refused before it runs, naming the
variable (or request field) that held it; over HTTP and over the socket alike."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from graphql import GraphQLError

from model.text import NOT_UNICODE, invalid_text_path


def invalid_text_error(request: Mapping[str, Any]) -> Optional[GraphQLError]:
    """``request`` has the wire names: query, operationName, variables, extensions."""
    variables = request.get("variables")
    where = invalid_text_path(variables) if isinstance(variables, dict) else None
    if where is not None:
        name = where.split(".", 1)[0]
        text = f"the text at {where}" if where != name else "its text"
        return GraphQLError(f"Variable '${name}' got invalid value: {text} {NOT_UNICODE}",
                            extensions={"code": "BAD_USER_INPUT", "argument": name})
    for field in ("query", "operationName", "extensions"):
        if invalid_text_path(request.get(field)) is not None:
            return GraphQLError(f"the request's {field} {NOT_UNICODE}", extensions={"code": "BAD_USER_INPUT"})
    return None
