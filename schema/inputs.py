from __future__ import annotations

import datetime as dt
from typing import Optional

import strawberry

from schema.enums import RecordCategory


@strawberry.input(description="A patient's consent for a provider or the payor. Give exactly one of "
                              "`durationDays` and `expiresAt`.")
class GrantAccessInput:
    grantee_id: strawberry.ID = strawberry.field(description="Id of a Provider or of the Payor.")
    categories: Optional[list[RecordCategory]] = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Categories covered; omitted means every category. Must not be empty.")
    duration_days: Optional[int] = strawberry.field(default=None, description="1 to 365 days from now.")
    expires_at: Optional[dt.datetime] = strawberry.field(
        default=None, description="A future instant at most 365 days ahead, with a UTC offset.")


@strawberry.input(description="One part of a multi-part observation.")
class RecordComponentInput:
    code: Optional[str] = strawberry.field(default=None, description="Code of the part.")
    system: Optional[str] = strawberry.field(default=None, description="Code system URI.")
    display: Optional[str] = strawberry.field(default=None, description="Human-readable name.")
    value: Optional[str] = strawberry.field(default=None, description="Value as text.")
    unit: Optional[str] = strawberry.field(default=None, description="Unit.")


@strawberry.input(description="A record a patient (their own entry, e.g. a home reading) or a provider (an "
                              "episode of care, or a category the grant covers) adds.")
class RecordInput:
    category: RecordCategory = strawberry.field(description="Category; a provider may add EPISODE or a granted category.")  # type: ignore[valid-type]
    code: Optional[str] = strawberry.field(default=None, description="Code of what is recorded.")
    system: Optional[str] = strawberry.field(default=None, description="Code system URI.")
    display: Optional[str] = strawberry.field(default=None, description="Human-readable name.")
    value: Optional[str] = strawberry.field(default=None, description="Value as text.")
    unit: Optional[str] = strawberry.field(default=None, description="Unit of the value.")
    components: Optional[list[RecordComponentInput]] = strawberry.field(default=None, description="Parts, e.g. of a blood pressure; at most 100.")
    reference_range: Optional[str] = strawberry.field(default=None, description="Reference range as text.")
    interpretation: Optional[str] = strawberry.field(default=None, description="Interpretation flag (H, L…).")
    effective_at: Optional[dt.datetime] = strawberry.field(default=None, description="When it happened, with a UTC offset.")
