"""OCR text of a lab report → its result lines.

OCR text is noisy: columns come out as runs of spaces or table borders as "|", a flag may be
glued to its value, "1" reads as "l", ranges gain or lose spaces. The parser therefore reads
each line as "name, value, then unit/flag/range in any order", and keeps it only when it looks
like a result (a known test or a unit) and not like header or footer text.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ingest.labreport.dates import report_date
from ingest.labreport.loinc import lookup_loinc
from ingest.labreport.units import canonical_unit, read_unit


@dataclasses.dataclass(frozen=True, slots=True)
class LabLine:
    """One result as printed: ``value`` keeps its printed form ("6.8", "<0.5")."""

    name: str
    value: str
    unit: str | None = None
    reference_range: str | None = None  # normalized: "4.0-5.6", "<200", ">=60"
    flag: str | None = None  # "H", "L", "HH", "LL", "A"
    loinc_code: str | None = None
    loinc_display: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class LabReport:
    text: str  # the full OCR text
    lines: list[LabLine]
    effective_at: dt.datetime | None = None  # collection date, else report date, if printed


# OCR reads a decimal point as ":" now and then.
_NUMBER = r"\d+(?:[.,:]\d+)?"
# A result: a number, possibly "<0.5"; OCR may glue a "%" or a flag to it.
_VALUE = re.compile(rf"^(?P<value>(?:[<>]=?)?{_NUMBER})(?P<percent>%)?"
                    rf"(?P<flag>\*?(?:HH|LL|H|L|A)\*?)?$")
_RANGE = re.compile(rf"(?<!\S)(?:(?P<low>{_NUMBER})\s*(?:-|to)\s*(?P<high>{_NUMBER})"
                    rf"|(?P<comparator>[<>]=?)\s*(?P<limit>{_NUMBER}))(?!\S)")
_STARTS_RANGE = re.compile(rf"^\s*(?:-|to)\s*{_NUMBER}")
_FLAGS = {"H": "H", "L": "L", "HH": "HH", "LL": "LL", "A": "A",
          "HIGH": "H", "LOW": "L", "ABN": "A", "ABNORMAL": "A"}
_FLAG_PUNCTUATION = ".:;,*()[]!"

# Words of header and footer lines (patient, dates, identifiers, the lab's address) that carry
# numbers and something unit-like ("Age: 52 y/o", "Specimen: 5 mL/tube") but are no results.
# None of them is part of a common test's name.
_NOT_A_RESULT = re.compile(
    r"\b(?:patient|name|dob|birth|date|collected|collection|received|reported|report|page"
    r"|phone|tel|fax|mrn|account|acct|physician|doctor|dr|provider|address|street|suite"
    r"|age|specimen|accession|npi|clia|director|printed|ordered|ordering|id)\b",
    re.IGNORECASE)
_MAX_NAME_LENGTH = 60


def parse_lab_report(text: str) -> LabReport:
    return LabReport(text=text, lines=parse_lab_lines(text), effective_at=report_date(text))


def parse_lab_lines(text: str) -> list[LabLine]:
    """Every line of ``text`` that reads as a lab result, in order."""
    return [line for raw in text.splitlines() if (line := parse_lab_line(raw)) is not None]


def parse_lab_line(raw: str) -> LabLine | None:
    line = _clean(raw)
    if not line or _NOT_A_RESULT.search(line):
        return None
    tokens = line.split()
    for index, token in enumerate(tokens[1:], start=1):
        value_match = _VALUE.match(token)
        rest = " ".join(tokens[index + 1:])
        # A number that begins a range ("0.6 - 1.2") is the range of an empty result.
        if value_match and not _STARTS_RANGE.match(rest):
            return _lab_line(" ".join(tokens[:index]), value_match, rest)
    return None


def _clean(raw: str) -> str:
    line = raw.replace("|", " ").replace("¦", " ")
    line = re.sub(r"[\u2010-\u2015\u2212]", "-", line)  # dashes and minus signs
    line = line.replace("≤", "<=").replace("≥", ">=")
    line = re.sub(r"([<>]=?)\s+(?=\d)", r"\1", line)  # "< 200" → "<200"
    return " ".join(line.split())


def _lab_line(raw_name: str, value_match: re.Match[str], rest: str) -> LabLine | None:
    name = raw_name.strip(" .:;,-_*#>")
    if len(name) > _MAX_NAME_LENGTH or sum(c.isalpha() for c in name) < 2:
        return None
    value = _number(value_match["value"])
    flag = _FLAGS.get((value_match["flag"] or "").strip("*"))

    range_match = _RANGE.search(rest)
    if range_match:
        before, after = rest[:range_match.start()].split(), rest[range_match.end():].split()
    else:
        before, after = rest.split(), []
    flag = flag or next((f for t in before + after if (f := _flag(t))), None)
    if value_match["percent"]:
        unit: str | None = "%"
    else:  # the unit usually precedes the range, but not on every report
        unit = _unit(_without_flags(before)) or _unit(_without_flags(after))

    loinc = lookup_loinc(name)
    # A known test or a unit marks a result. A range alone does not: "Springfield, IL 62701
    # (555) 013-2400" has a name, a number and a "range" too.
    if loinc is None and unit is None:
        return None
    return LabLine(name=name, value=value, unit=unit,
                   reference_range=_range_text(range_match) if range_match else None,
                   flag=flag, loinc_code=loinc.code if loinc else None,
                   loinc_display=loinc.display if loinc else None)


def _flag(token: str) -> str | None:
    return _FLAGS.get(token.strip(_FLAG_PUNCTUATION).upper())


def _without_flags(tokens: list[str]) -> list[str]:
    return [token for token in tokens if not _flag(token)]


def _unit(tokens: list[str]) -> str | None:
    """The unit among ``tokens``, which may also hold OCR debris (a misread flag). OCR may
    have split the unit ("mL/min/1.73 m2"): the first, longest run of tokens that together
    spell a known unit wins; else the first token that merely looks like a unit."""
    for start in range(len(tokens)):
        for end in range(len(tokens), start, -1):
            known = canonical_unit("".join(tokens[start:end]))
            if known is not None:
                return known
    return next((unit for token in tokens if (unit := read_unit(token))), None)


def _range_text(match: re.Match[str]) -> str:
    if match["comparator"]:
        return f"{match['comparator']}{_number(match['limit'])}"
    return f"{_number(match['low'])}-{_number(match['high'])}"


def _number(text: str) -> str:
    return text.replace(":", ".")
