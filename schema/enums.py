from __future__ import annotations

import enum

import strawberry

from authz.policy import Need
from model.categories import RecordCategory as _RecordCategory

RecordCategory = strawberry.enum(
    _RecordCategory,
    name="RecordCategory",
    description="The parts of a record a patient grants access to, one at a time.",
)


@strawberry.enum(description="Whether an access to a patient's data was allowed or denied.")
class AccessOutcome(enum.Enum):
    ALLOWED = "ALLOWED"
    DENIED = "DENIED"


ConsentData = strawberry.enum(
    Need,
    name="ConsentData",
    description="What a field guarded by @consent returns, and so what the viewer needs.",
)
