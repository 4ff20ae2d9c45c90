"""Validation: each resource of an imported type parsed with the ``fhir.resources`` R4B models.

The parsed model only decides valid or not; mapping reads the JSON itself. The model gives
one field different types by precision (``2019-04-02T10:00:00-05:00`` becomes a ``datetime``,
``2019`` stays a string), while the JSON keeps the source's text for every precision, which
``timeutil.parse_iso`` reads as the graph wants it; and the dotted paths of
``resource_types`` then work the same on every resource type.
"""
from __future__ import annotations

import collections
import dataclasses
from typing import Any, Callable, Iterable

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from ingest.fhir.inputs import SourceEntry
from ingest.fhir.report import Rejection
from ingest.fhir.resource_types import IMPORTED_TYPES

# A reason names at most this many problems: enough to fix the resource, short enough to read.
MAX_PROBLEMS_NAMED = 3


def validation_problem(resource: dict[str, Any]) -> str | None:
    """Why ``resource`` is not a valid FHIR R4B resource, or None when it is."""
    resource_type = resource.get("resourceType")
    try:
        model = get_fhir_model_class(resource_type)
    except (ValueError, TypeError):
        return f"unknown resource type {resource_type!r}"
    try:
        model.model_validate(resource)
    except pydantic.ValidationError as err:
        return f"invalid {resource_type}: {_describe(err)}"
    except (ValueError, TypeError) as err:  # a model validator that raises outside pydantic
        return f"invalid {resource_type}: {err}"
    return None


def _describe(err: pydantic.ValidationError) -> str:
    problems = err.errors(include_url=False)
    named = [f"{_path(problem['loc'])}: {_message(problem)}" for problem in problems[:MAX_PROBLEMS_NAMED]]
    more = len(problems) - len(named)
    return "; ".join(named) + (f" (and {more} more)" if more > 0 else "")


def _message(problem: Any) -> str:
    # The models also take an element as JSON text; a plain string where an element belongs
    # (a reference written "Patient/p") is then reported as text that is not JSON.
    if problem["type"] == "json_invalid" and isinstance(problem.get("input"), str):
        return "expected an object (a FHIR element), got the text " + repr(problem["input"][:40])
    return problem["msg"]


def _path(location: tuple[int | str, ...]) -> str:
    """('component', 0, 'code') → 'component[0].code', the way FHIRPath names it."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(resource)"


@dataclasses.dataclass
class Screened:
    """Entries sorted into: to import, of a type not imported, rejected."""
    accepted: list[SourceEntry] = dataclasses.field(default_factory=list)
    skipped: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    rejections: list[Rejection] = dataclasses.field(default_factory=list)


def screen_entries(entries: Iterable[SourceEntry],
                   on_screened: Callable[[int], None] | None = None) -> Screened:
    """Validate every entry of an imported type; count the others as skipped (they are not
    validated: nothing of them is kept)."""
    screened = Screened()
    for done, entry in enumerate(entries, start=1):
        if entry.resource_type not in IMPORTED_TYPES:
            screened.skipped[entry.resource_type] += 1
        # Validated first: an id that is there but not text is the validator's to name.
        elif (problem := validation_problem(entry.resource)) is not None:
            screened.rejections.append(Rejection(entry.location, problem))
        elif not entry.resource_id:
            screened.rejections.append(Rejection(entry.location, f"{entry.resource_type} has no id"))
        else:
            screened.accepted.append(entry)
        if on_screened:
            on_screened(done)
    return screened
