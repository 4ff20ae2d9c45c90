"""How large one record may be, whatever it came from (a provider, the patient, a FHIR export,
a photo of a lab report).

Records are read back many at a time: a page of a hundred, a provider's view of a hundred
patients. One record the size of a book makes every such read slow for everyone who can see
it, and past the graph's limits for one request, unreadable. So the limit is checked where a
record is written, and a source that can say why (an API argument, a file line) says so first.
"""
from __future__ import annotations

import dataclasses

from model.nodes import RecordNode

# A panel's parts: a full blood count has about twenty.
MAX_COMPONENTS = 100
# All of a record's text together, its parts included: some thirty pages of a report.
MAX_TEXT_CHARS = 100_000


class RecordTooLarge(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def check_record_size(record: RecordNode) -> None:
    """Raises RecordTooLarge naming the field (``components`` or ``text``) over its limit."""
    if len(record.components) > MAX_COMPONENTS:
        raise RecordTooLarge(f"the record has {len(record.components)} components; at most {MAX_COMPONENTS}",
                             "components")
    total = sum(len(value) for value in _texts(record))
    if total > MAX_TEXT_CHARS:
        raise RecordTooLarge(f"the record holds {total:,} characters of text; at most {MAX_TEXT_CHARS:,}",
                             "text")


def _texts(record: RecordNode) -> list[str]:
    parts = [record, *record.components]
    return [value for part in parts for field in dataclasses.fields(part)
            if isinstance(value := getattr(part, field.name), str)]
