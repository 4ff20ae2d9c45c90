"""Conversions between aware datetimes, epoch milliseconds and ISO text."""
from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def to_ms(value: dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def from_ms(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=UTC)


def parse_iso(text: str) -> dt.datetime:
    """ISO 8601 date-time; a value without an offset is read as UTC. FHIR partial dates
    (``2019``, ``2019-04``, ``2019-04-02``) are the start of that period."""
    text = text.strip()
    if len(text) == 4 and text.isdigit():
        return dt.datetime(int(text), 1, 1, tzinfo=UTC)
    if len(text) == 7 and text[4] == "-":
        return dt.datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=UTC)
    if len(text) == 10:
        d = dt.date.fromisoformat(text)
        return dt.datetime(d.year, d.month, d.day, tzinfo=UTC)
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def utcnow() -> dt.datetime:
    """Now, to the millisecond: the precision the graph keeps, so a value written and the
    value read back are equal."""
    now = dt.datetime.now(tz=UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
