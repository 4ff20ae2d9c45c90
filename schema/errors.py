"""Error shaping: every error a client sees has an ``extensions.code`` from the contract, and
no exception text or stack. Unexpected errors are logged with the request id the client gets."""
from __future__ import annotations

import logging
import re
from typing import Iterator, Optional

from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension

from authz.errors import ApiError, ServiceUnavailable
from graphdb.errors import GraphUnavailable

log = logging.getLogger("p360.errors")
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


class ErrorShaping(SchemaExtension):
    def __init__(self, *, suggestions: bool = True):
        self.suggestions = suggestions

    def _request_id(self) -> Optional[str]:
        return getattr(self.execution_context.context, "request_id", None)

    def _shape(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        while isinstance(original, GraphQLError) and original.original_error is not None:
            original = original.original_error
        if isinstance(original, GraphUnavailable):
            original = ServiceUnavailable("the graph is unavailable; try again shortly")
        if isinstance(original, ApiError):
            message, extensions = original.message, dict(original.extensions)
        elif original is None:
            message = error.message if self.suggestions else _SUGGESTION.sub("", error.message)
            code = "BAD_USER_INPUT" if message.startswith("Variable '$") else "GRAPHQL_VALIDATION_FAILED"
            extensions = {"code": code}
        else:
            request_id = self._request_id()
            log.error("request %s failed at %s", request_id, error.path, exc_info=original)
            message = "Internal server error."
            extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, extensions=extensions)

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [self._shape(e) for e in result.errors]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [self._shape(e) for e in pre]
