"""GraphQL over HTTP media types: `application/graphql-response+json` when the client asks for
it, else `application/json` (also for `*/*` and no Accept header).

With `application/graphql-response+json` the status code tells a request error (the document
does not parse or validate, variables do not coerce: nothing was executed) from an executed
request: 400, and the body has no `data` entry. With `application/json` both are 200, as the
legacy behaviour clients rely on.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def _quality(accept: str, media_type: str) -> float:
    best = 0.0
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0].lower() != media_type:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def response_media_type(accept: Optional[str]) -> str:
    """The newer media type when the client accepts it at least as much as application/json."""
    if not accept:
        return JSON
    wanted = _quality(accept, GRAPHQL_RESPONSE_JSON)
    return GRAPHQL_RESPONSE_JSON if wanted > 0 and wanted >= _quality(accept, JSON) else JSON


def is_request_error(response: Mapping[str, Any]) -> bool:
    """Nothing was executed: no data, and no error belongs to a field (errors of executed
    fields carry a path)."""
    errors = response.get("errors") or []
    return response.get("data") is None and bool(errors) and all(not e.get("path") for e in errors)
