"""Record: one clinical fact of a patient's record."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import strawberry
from strawberry.types import Info

import resolvers.record
from authz.policy import Need
from model.nodes import RecordComponentData, RecordNode
from resolvers.context import invoke
from schema.actors import Provider
from schema.directives import guarded
from schema.enums import RecordCategory


def _record_data(description: str) -> Any:
    return guarded(description=description, consent=Need.RECORDS)


@strawberry.type(description="One part of a multi-part observation, e.g. systolic pressure of a blood pressure.")
class RecordComponent:
    code: Optional[str] = strawberry.field(description="Code of the part (LOINC for observations).")
    display: Optional[str] = strawberry.field(description="Human-readable name of the part.")
    value: Optional[str] = strawberry.field(description="Value as text.")
    unit: Optional[str] = strawberry.field(description="Unit of the value (UCUM where known).")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, RecordComponentData)


@strawberry.type(description="One clinical fact of a patient's record: a lab result, a vital sign, a condition, "
                             "a medication, an episode of care added by a provider, a document…")
class Record:
    id: strawberry.ID = strawberry.field(description="Unique among records (the FHIR resource id when imported).")
    category: RecordCategory = strawberry.field(description="The category consent is granted by.")  # type: ignore[valid-type]
    code: Optional[str] = _record_data("Code of what was recorded, in `system`.")
    system: Optional[str] = _record_data("Code system URI, e.g. http://loinc.org, http://snomed.info/sct.")
    display: Optional[str] = _record_data("Human-readable name of what was recorded.")
    value: Optional[str] = _record_data("Value as text (numbers keep their printed precision).")
    unit: Optional[str] = _record_data("Unit of the value.")
    components: Optional[list[RecordComponent]] = _record_data("Parts of a multi-part observation (e.g. blood pressure).")
    reference_range: Optional[str] = _record_data("Reference range as text, e.g. `4.0-5.6`.")
    interpretation: Optional[str] = _record_data("Interpretation flag, e.g. H (high), L (low).")
    status: Optional[str] = _record_data("e.g. final; `unverified` for values read from a photo until the patient confirms them.")
    effective_at: Optional[dt.datetime] = _record_data("When it was observed or happened, with the source's UTC offset; null when undated.")
    source: Optional[str] = _record_data("Where it came from: a FHIR source, `provider`, `patient`, `photo`, `seed`.")

    @guarded(description="The provider who recorded it, when known.", consent=Need.RECORDS)
    def author(self, info: Info) -> Optional[Provider]:
        # Plain, not async: a page loaded with its authors answers without a coroutine per
        # record. The resolver's result may still be an awaitable, which graphql-core awaits.
        return invoke(resolvers.record.author, info, self)  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, RecordNode)
