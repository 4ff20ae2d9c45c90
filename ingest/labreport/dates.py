"""The collection (or report) date printed on a lab report."""
from __future__ import annotations

import datetime as dt
import re

from model.timeutil import UTC

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

_DATE = (
    r"(?P<iso>(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2}))"
    # US order (month first), the common one on the reports this reads; a first number over
    # 12 can only be a day and is read day first.
    r"|(?P<us>(?P<um>\d{1,2})[-/.](?P<ud>\d{1,2})[-/.](?P<uy>\d{4}|\d{2}))(?![\d/.-])"
    r"|(?P<named>(?P<nm>[A-Za-z]{3})[a-z]*\.?[ \t]+(?P<nd>\d{1,2}),?[ \t]+(?P<ny>\d{4}))"
    r"|(?P<dmy>(?P<dd>\d{1,2})[- \t](?P<dm>[A-Za-z]{3})[a-z]*[- \t,]+(?P<dy>\d{4}))"
)
# Horizontal space only: a label must not pick up a date or time from the next line.
_TIME = r"(?:[ \tT,@]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?[ \t]*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
_SEPARATOR = r"[ \t]*(?:[:#=-]|on)?[ \t]*"

# Labels in order of preference: an observation happened when the specimen was taken; receipt
# by the lab comes close; the report date is later; a bare "Date" is a last resort. "Date of
# birth" and "Birth date" must never count.
_LABELS = (
    r"collect(?:ed|ion)(?:\s+date)?(?:\s*/\s*time)?|date\s+collected|drawn|date\s+drawn"
    r"|specimen\s+(?:collected|date)|date\s+of\s+(?:service|collection)|service\s+date",
    r"received(?:\s+date)?|date\s+received",
    r"report(?:ed)?(?:\s+date)?|date\s+reported|final\s+report",
    r"(?<!birth\s)(?<!birth)\bdate(?!\s+of\s+birth)(?!\s*/\s*time\s+of\s+birth)",
)
_LABELLED_DATES = tuple(re.compile(rf"\b(?:{label}){_SEPARATOR}(?:{_DATE}){_TIME}", re.IGNORECASE)
                        for label in _LABELS)


def report_date(text: str) -> dt.datetime | None:
    """The first labelled date, by label preference: collected, received, reported, "Date".
    Dates without a label (a birth date, a print date) are ignored. Times without an offset
    are read as UTC, like every other offset-less time in the model."""
    for pattern in _LABELLED_DATES:
        for match in pattern.finditer(text):
            found = _to_datetime(match)
            if found is not None:
                return found
    return None


def _to_datetime(match: re.Match[str]) -> dt.datetime | None:
    parts = match.groupdict()
    if parts["iso"]:
        year, month, day = int(parts["iy"]), int(parts["im"]), int(parts["id"])
    elif parts["us"]:
        year, month, day = int(parts["uy"]), int(parts["um"]), int(parts["ud"])
        if year < 100:
            year += 2000
        if month > 12 >= day:
            month, day = day, month
    elif parts["named"]:
        year, month, day = int(parts["ny"]), _MONTHS.get(parts["nm"].lower(), 0), int(parts["nd"])
    else:
        year, month, day = int(parts["dy"]), _MONTHS.get(parts["dm"].lower(), 0), int(parts["dd"])
    if year < 1900:
        return None
    # A misread time (25:70) still leaves the date; a misread date (month 13) is no date.
    for hour, minute in (_time_of_day(parts), (0, 0)):
        try:
            return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)
        except ValueError:
            continue
    return None


def _time_of_day(parts: dict[str, str | None]) -> tuple[int, int]:
    if parts["hour"] is None:
        return 0, 0
    hour, minute = int(parts["hour"]), int(parts["minute"] or 0)
    ampm = (parts["ampm"] or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return hour, minute
