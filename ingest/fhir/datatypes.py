"""FHIR data types (as JSON) → the plain values a Record keeps.

Everything here reads JSON that ``fhir.resources`` has already accepted, so shapes are right;
the functions still tolerate absent parts, since nearly everything in FHIR is optional.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

from model.nodes import RecordComponentData
from model.timeutil import parse_iso


# -- paths ---------------------------------------------------------------------------------
def values_at(node: Any, path: str) -> list[Any]:
    """Every value at a dotted path, lists flattened on the way, as FHIRPath does:
    ``performer.actor`` is the actor of every performer."""
    current = [node]
    for name in path.split("."):
        step: list[Any] = []
        for item in current:
            value = item.get(name) if isinstance(item, dict) else None
            if isinstance(value, list):
                step.extend(v for v in value if v is not None)
            elif value is not None:
                step.append(value)
        current = step
    return current


def first_of(node: Any, paths: Iterable[str]) -> Any | None:
    """The first value found, trying ``paths`` in order of preference."""
    for path in paths:
        found = values_at(node, path)
        if found:
            return found[0]
    return None


# -- codes ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Code:
    code: str | None = None
    system: str | None = None
    display: str | None = None


def concept_code(concept: Any) -> Code | None:
    """A CodeableConcept (or a bare Coding): its first coding, keeping the system; display
    from the coding, else the concept's text."""
    if not isinstance(concept, dict):
        return None
    codings = concept.get("coding")
    coding = codings[0] if isinstance(codings, list) and codings else concept
    text = concept.get("text")
    code = Code(coding.get("code"), coding.get("system"), coding.get("display") or text)
    return code if any(dataclasses.astuple(code)) else None


def code_of(value: Any) -> str | None:
    """A ``code`` element as text, or a CodeableConcept's first code (clinicalStatus)."""
    if isinstance(value, str):
        return value
    code = concept_code(value)
    return code.code if code else None


# -- values --------------------------------------------------------------------------------
def number_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")  # the digits as written: 4.0 stays "4.0", never 4E+0
    return str(value)


def quantity(value: Any) -> tuple[str | None, str | None]:
    if not isinstance(value, dict):
        return None, None
    comparator = value.get("comparator") or ""
    number = number_text(value.get("value"))
    return (f"{comparator}{number}" if number is not None else None,
            value.get("unit") or value.get("code"))


def _range(low: Any, high: Any) -> tuple[str | None, str | None]:
    low_value, low_unit = quantity(low)
    high_value, high_unit = quantity(high)
    unit = high_unit or low_unit
    if low_value is not None and high_value is not None:
        return f"{low_value}-{high_value}", unit
    if low_value is not None:
        return f">={low_value}", unit
    if high_value is not None:
        return f"<={high_value}", unit
    return None, None


def _with_unit(value: str | None, unit: str | None) -> str | None:
    if value is None:
        return None
    return f"{value} {unit}" if unit else value


def _concept_text(value: Any) -> tuple[str | None, None]:
    code = concept_code(value)
    return (code.display or code.code if code else None), None


def _range_value(value: Any) -> tuple[str | None, str | None]:
    return _range(value.get("low"), value.get("high")) if isinstance(value, dict) else (None, None)


def _ratio(value: Any) -> tuple[str | None, None]:
    if not isinstance(value, dict):
        return None, None
    numerator = _with_unit(*quantity(value.get("numerator")))
    denominator = _with_unit(*quantity(value.get("denominator")))
    return (f"{numerator}/{denominator}" if numerator and denominator else numerator), None


def _text(value: Any) -> tuple[str | None, None]:
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, (int, Decimal)):
        return number_text(value), None
    return (value if isinstance(value, str) else None), None


# value[x] choices an Observation (or one of its components) may carry, in FHIR's order.
_VALUE_READERS = {
    "valueQuantity": quantity,
    "valueCodeableConcept": _concept_text,
    "valueString": _text,
    "valueBoolean": _text,
    "valueInteger": _text,
    "valueRange": _range_value,
    "valueRatio": _ratio,
    "valueTime": _text,
    "valueDateTime": _text,
}


def value_x(element: Any) -> tuple[str | None, str | None]:
    """(value, unit) of an element's ``value[x]``."""
    if not isinstance(element, dict):
        return None, None
    for name, read in _VALUE_READERS.items():
        if name in element:
            return read(element[name])
    return None, None


def components(resource: dict[str, Any]) -> tuple[RecordComponentData, ...]:
    """Each component of a multi-part observation (blood pressure: systolic, diastolic)."""
    parts = []
    for component in values_at(resource, "component"):
        code = concept_code(component.get("code")) or Code()
        value, unit = value_x(component)
        parts.append(RecordComponentData(code=code.code, system=code.system, display=code.display,
                                         value=value, unit=unit))
    return tuple(parts)


def reference_range(resource: dict[str, Any]) -> str | None:
    """The first reference range as text: ``4.0-5.6 %`` (low-high unit), else its text."""
    ranges = values_at(resource, "referenceRange")
    if not ranges:
        return None
    first = ranges[0]
    text = _with_unit(*_range(first.get("low"), first.get("high")))
    return text or first.get("text")


def interpretation(resource: dict[str, Any]) -> str | None:
    """The first interpretation's code, e.g. ``H``."""
    return code_of(first_of(resource, ("interpretation",)))


# -- people, times, documents --------------------------------------------------------------
def human_name(names: Any) -> str | None:
    """"Given Family" from the official name (else the usual one, else the first)."""
    if not isinstance(names, list) or not names:
        return None
    by_use = {name.get("use"): name for name in reversed(names) if isinstance(name, dict)}
    chosen = by_use.get("official") or by_use.get("usual") or names[0]
    parts = [*chosen.get("given", []), chosen.get("family")]
    text = " ".join(part for part in parts if part)
    return text or chosen.get("text")


def fhir_instant(text: Any) -> dt.datetime | None:
    """A FHIR date/dateTime/instant, keeping its offset; a partial date (``2019``,
    ``2019-04``) is the start of that period."""
    return parse_iso(text) if isinstance(text, str) and text else None


def attachment_text(attachment: Any) -> str | None:
    """The text inside an attachment's base64 ``data``, when it is text."""
    if isinstance(attachment, str):
        return attachment  # a plain string (DiagnosticReport.conclusion) is already text
    if not isinstance(attachment, dict) or not isinstance(attachment.get("data"), str):
        return None
    content_type = (attachment.get("contentType") or "text/plain").lower()
    if not content_type.startswith("text/"):
        return None  # a PDF or an image is not text a record can show
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name == "charset" and value:
            charset = value.strip('"')
    try:
        return base64.b64decode(attachment["data"], validate=False).decode(charset, errors="replace")
    except (binascii.Error, LookupError):
        return None
