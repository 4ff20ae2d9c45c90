"""Reference resolution: a FHIR Reference → the resource it names, across the whole input.

Real exports use every form: ``Type/id`` (also as an absolute URL, maybe with
``/_history/n``), ``urn:uuid:…`` naming a Bundle entry's fullUrl, conditional references such
as ``Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999`` (Synthea's), and logical
references that carry only an ``identifier``. This module only answers *what* a reference
names; whether that resource was imported is for ``links``.
"""
from __future__ import annotations

import collections
import dataclasses
import re
import urllib.parse
from typing import Any, Iterable

from ingest.fhir.inputs import SourceEntry

_LITERAL = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """A resource named by type and id (it may or may not be in the input)."""
    resource_type: str
    id: str

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.id}"


@dataclasses.dataclass(frozen=True, slots=True)
class IdentifierQuery:
    """A reference by identifier that matched nothing in the input: the graph may know it
    (a Practitioner imported earlier, found by NPI)."""
    resource_type: str
    system: str | None  # None: any system
    value: str

    def __str__(self) -> str:
        token = self.value if self.system is None else f"{self.system}|{self.value}"
        return f"{self.resource_type}?identifier={token}"


Resolution = Target | IdentifierQuery | None

_IdentifierKey = tuple[str, str | None, str]


class ReferenceIndex:
    def __init__(self, entries: Iterable[SourceEntry]):
        self._by_target: dict[Target, SourceEntry] = {}
        self._by_full_url: dict[tuple[str | None, str], Target] = {}
        self._by_identifier: dict[_IdentifierKey, set[Target]] = collections.defaultdict(set)
        for entry in entries:
            self._add(entry)

    def _add(self, entry: SourceEntry) -> None:
        if not entry.resource_id:
            return
        target = Target(entry.resource_type, entry.resource_id)
        self._by_target[target] = entry
        if entry.full_url:
            self._by_full_url[(entry.bundle_key, entry.full_url)] = target
            self._by_full_url[(None, entry.full_url)] = target
        identifiers = entry.resource.get("identifier")
        for identifier in identifiers if isinstance(identifiers, list) else []:
            value = identifier.get("value") if isinstance(identifier, dict) else None
            if isinstance(value, str):
                system = identifier.get("system") or ""
                self._by_identifier[(entry.resource_type, system, value)].add(target)
                self._by_identifier[(entry.resource_type, None, value)].add(target)

    def entry(self, target: Target) -> SourceEntry | None:
        return self._by_target.get(target)

    def resolve(self, reference: Any, context: SourceEntry, expected_type: str | None = None) -> Resolution:
        """What ``reference`` (a FHIR Reference object) names, read from ``context``'s place
        in the input."""
        if not isinstance(reference, dict):
            return None
        text = reference.get("reference")
        if isinstance(text, str) and text:
            return self._resolve_text(text, context)
        identifier = reference.get("identifier")
        resource_type = reference.get("type") or expected_type
        if isinstance(identifier, dict) and isinstance(identifier.get("value"), str) and resource_type:
            # A logical reference: only an identifier (Synthea's PractitionerRole.practitioner).
            return self._by_identifier_or_query(resource_type, identifier.get("system") or None,
                                                identifier["value"])
        return None

    def _resolve_text(self, text: str, context: SourceEntry) -> Resolution:
        if text.startswith("#"):
            return None  # a contained resource: not imported on its own
        if text.startswith(("urn:uuid:", "urn:oid:")):
            return (self._by_full_url.get((context.bundle_key, text))
                    or self._by_full_url.get((None, text)))
        if "?" in text:
            return self._resolve_conditional(text)
        if "://" in text and (None, text) in self._by_full_url:
            return self._by_full_url[(None, text)]
        match = _LITERAL.search(text)
        return Target(match.group(1), match.group(2)) if match else None

    def _resolve_conditional(self, text: str) -> Resolution:
        resource_type, _, query = text.partition("?")
        params = urllib.parse.parse_qsl(query, keep_blank_values=True)
        tokens = [value for name, value in params if name == "identifier"]
        # Only a search by identifier alone can be answered without a FHIR server.
        if len(tokens) != 1 or len(params) != 1 or not resource_type.isalpha():
            return None
        system, bar, value = tokens[0].partition("|")
        if not bar:
            return self._by_identifier_or_query(resource_type, None, value)
        return self._by_identifier_or_query(resource_type, system, value)

    def _by_identifier_or_query(self, resource_type: str, system: str | None, value: str) -> Resolution:
        matches = self._by_identifier.get((resource_type, system, value), set())
        if len(matches) == 1:
            return next(iter(matches))
        if matches:
            return None  # ambiguous: two resources share the identifier; link neither
        return IdentifierQuery(resource_type, system, value)
