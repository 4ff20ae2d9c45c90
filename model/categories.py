"""Record categories: the unit in which a patient grants access."""
from __future__ import annotations

import enum


class RecordCategory(enum.Enum):
    LAB = "LAB"
    VITAL_SIGN = "VITAL_SIGN"
    CONDITION = "CONDITION"
    PROCEDURE = "PROCEDURE"
    MEDICATION = "MEDICATION"
    IMMUNIZATION = "IMMUNIZATION"
    ALLERGY = "ALLERGY"
    ENCOUNTER = "ENCOUNTER"
    EPISODE = "EPISODE"
    DOCUMENT = "DOCUMENT"
    OTHER = "OTHER"


ALL_CATEGORIES: frozenset[RecordCategory] = frozenset(RecordCategory)


def encode_categories(categories: frozenset[RecordCategory] | None) -> str:
    """Grant categories as one string property: portable to every Gremlin engine
    (no multi-valued properties). ``*`` means every category, present and future."""
    if categories is None:
        return "*"
    return ",".join(sorted(c.value for c in categories))


def decode_categories(text: str) -> frozenset[RecordCategory]:
    if text == "*":
        return ALL_CATEGORIES
    return frozenset(RecordCategory(part) for part in text.split(",") if part)
