"""Units as printed on lab reports, repaired from common OCR misreadings."""
from __future__ import annotations

import re

# Canonical spellings (UCUM-like, ASCII) of the units common lab reports use.
_CANONICAL_UNITS = (
    "%", "mg/dL", "g/dL", "g/L", "mg/L", "mmol/L", "umol/L", "nmol/L", "pmol/L", "mEq/L",
    "10^3/uL", "10^6/uL", "mL/min/1.73m2", "U/L", "IU/L", "mIU/L", "uIU/mL", "mIU/mL",
    "ng/mL", "ng/dL", "pg/mL", "ug/dL", "mg/g", "fL", "pg", "cells/uL", "sec",
)
# Other ways labs print the same unit.
_SYNONYMS = {
    "K/uL": "10^3/uL", "thou/uL": "10^3/uL", "x10E3/uL": "10^3/uL", "10^9/L": "10^3/uL",
    "M/uL": "10^6/uL", "mill/uL": "10^6/uL", "x10E6/uL": "10^6/uL", "10^12/L": "10^6/uL",
    "µmol/L": "umol/L", "μmol/L": "umol/L", "µIU/mL": "uIU/mL", "μIU/mL": "uIU/mL",
    "mL/min/1.73 m2": "mL/min/1.73m2", "mL/min/1.73m^2": "mL/min/1.73m2",
    "mL/min/1.73m²": "mL/min/1.73m2", "mL/min/{1.73_m2}": "mL/min/1.73m2",
    "s": "sec", "seconds": "sec",
}
# Spellings only OCR produces: a small "L" read as "b", "I" as "il".
_OCR_MISREADINGS = {"mg/db": "mg/dL", "g/db": "g/dL", "milU/L": "mIU/L"}

# Something that is plausibly a unit even when not in the table: letters around a slash.
_UNIT_LIKE = re.compile(r"^[A-Za-zµμ%0-9^*.]*[A-Za-zµμ][A-Za-zµμ0-9^*.]*(/[A-Za-zµμ0-9.^*]+)+$")
_MAX_UNIT_LENGTH = 16


def _key(text: str) -> str:
    """Folds the differences OCR makes between equal units: case, spacing, how a power of
    ten is written (10^3, 10*3, 10³, x10E3, "10% 3", 1043), and l/I/1/| which look alike."""
    key = text.lower().replace("µ", "u").replace("μ", "u")
    key = key.translate(str.maketrans("³⁶²⁹", "3629"))
    key = re.sub(r"\s+", "", key)
    # OCR turns the caret of 10^3 into *, %, °, quotes, or the digits 4 and 7.
    key = re.sub(r"^x?10(?:e|\^|\*|%|°|“|”|\"|'|4|7)?(?=\d/)", "10", key)
    return key.translate(str.maketrans("i1|!", "llll"))


_BY_KEY: dict[str, str] = {
    **{_key(unit): unit for unit in _CANONICAL_UNITS},
    **{_key(spelling): unit for spelling, unit in (_SYNONYMS | _OCR_MISREADINGS).items()},
}


def canonical_unit(text: str) -> str | None:
    """The canonical spelling of a known unit, else None."""
    return _BY_KEY.get(_key(text))


def read_unit(text: str) -> str | None:
    """The unit in ``text`` (one token, or tokens OCR split apart, already joined):
    canonical when known, as printed when it merely looks like a unit, else None."""
    known = canonical_unit(text)
    if known is not None:
        return known
    if len(text) <= _MAX_UNIT_LENGTH and _UNIT_LIKE.match(text):
        return text
    return None
