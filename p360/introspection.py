"""Recognizing a request that only introspects the schema (GraphiQL's and codegen tools' first
call), which development mode answers without a token."""
from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse

from schema.limits import MAX_TOKENS


def is_introspection_only(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return False
    try:
        # Read before any token: held to the schema's token limit like every document.
        document = parse(body["query"], max_tokens=MAX_TOKENS)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return False
    for operation in operations:
        if operation.operation is not OperationType.QUERY:
            return False
        for selection in operation.selection_set.selections:
            if not isinstance(selection, FieldNode) or not selection.name.value.startswith("__"):
                return False
    return True
