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
_VARIABLE = re.compile(r"Variable '\$(\w+)'")
_MAX_MESSAGE = 300
# A scalar's parser appends its exception text after the value it refused.
_PARSER_DETAIL = re.compile(r'(cannot represent [^:]+: ".*?")\.\s.*$')
# What a scalar's text looks like, said where a value was refused.
_REFUSED_SCALAR = re.compile(r"cannot represent an? (\w+):")
_SCALAR_FORMATS = {
    "DateTime": "ISO 8601 with a UTC offset, e.g. 2026-12-01T09:30:00Z",
    "Date": "ISO 8601, e.g. 2026-12-01",
}


def request_error_code(message: str) -> str:
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


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
        elif error.path is None:
            # The request itself is at fault (syntax, validation, variable values): say what,
            # without the text of whatever exception a scalar parser raised.
            message = error.message if original is None else error.message.split("; ", 1)[0]
            message = _PARSER_DETAIL.sub(r"\1.", message)
            refused = _REFUSED_SCALAR.search(message)
            if refused and refused.group(1) in _SCALAR_FORMATS:
                message += f" Expected {_SCALAR_FORMATS[refused.group(1)]}."
            if message == "Validation aborted.":  # graphql-core's own budget ran out
                message = "Validation aborted: the document nests or repeats too much to be checked."
            if not self.suggestions:
                message = _SUGGESTION.sub("", message)
            message = message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE - 1] + "…"
            extensions = {"code": request_error_code(message)}
            variable = _VARIABLE.match(message)
            if variable:
                extensions["argument"] = variable.group(1)
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
