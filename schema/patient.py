"""Patient: the consolidated record of one person, and their access log."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Optional

import strawberry
from strawberry.types import Info

import resolvers.patient
import resolvers.wellness
from authz.policy import Need
from model.nodes import AccessEventNode, PatientNode
from resolvers.context import invoke
from schema.directives import guarded
from schema.enums import AccessOutcome, RecordCategory
from schema.grant import Grant
from schema.insights import WellnessTip
from schema.pagination import Connection
from schema.record import Record


@strawberry.type(description="One access to a patient's data by someone else: who, what, when, and whether "
                             "it was allowed.")
class AccessEvent:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    at: dt.datetime = strawberry.field(description="When the request was made.")
    viewer_id: strawberry.ID = strawberry.field(description="Id of who asked.")
    viewer_type: str = strawberry.field(description="Provider, Payor or Admin.")
    viewer_name: Optional[str] = strawberry.field(description="Name of who asked, when known.")
    operation: Optional[str] = strawberry.field(description="The GraphQL operation name of the request.")
    categories: list[RecordCategory] = strawberry.field(  # type: ignore[valid-type]
        description="ALLOWED: categories of the records disclosed. DENIED: the categories asked for, where the "
                    "request named them (the category of a record to add, say).")
    record_count: int = strawberry.field(description="How many records were disclosed.")
    grant_ids: list[strawberry.ID] = strawberry.field(description="The grants that allowed it.")

    @strawberry.field(description="ALLOWED or DENIED.")
    def outcome(self: AccessEventNode) -> AccessOutcome:  # type: ignore[misc]
        return AccessOutcome(self.outcome)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AccessEventNode)


@strawberry.type(description="A patient and their consolidated medical record. Demographics are visible to the "
                             "patient, to providers they granted access, and to the payor and admins; records "
                             "only to the patient and, by category, to providers they granted access.")
class Patient:
    id: strawberry.ID = strawberry.field(description="Unique among patients (the FHIR Patient id when imported).")
    name: Optional[str] = guarded(description="Full name.", consent=Need.DEMOGRAPHICS)
    birth_date: Optional[dt.date] = guarded(description="Date of birth.", consent=Need.DEMOGRAPHICS)
    gender: Optional[str] = guarded(description="Administrative gender (FHIR: male, female, other, unknown).",
                                    consent=Need.DEMOGRAPHICS)

    @guarded(description="Records the viewer may see now, newest first by `effectiveAt` (undated last). "
                         "`totalCount` counts only those. `first` is capped at 100.",
             consent=Need.RECORDS)
    async def records(
        self, info: Info,
        category: Annotated[Optional[RecordCategory], strawberry.argument(description="Only records of this category.")] = None,
        first: Annotated[Optional[int], strawberry.argument(description="Page size (default 20, at most 100).")] = None,
        after: Annotated[Optional[str], strawberry.argument(description="Cursor of the item to continue after.")] = None,
    ) -> Optional[Connection[Record]]:
        return await invoke(resolvers.patient.records, info, self, category=category, first=first, after=after)

    @guarded(description="Every grant the patient made, newest first. The patient only.", consent=Need.OWNER)
    async def grants(self, info: Info) -> Optional[list[Grant]]:
        return await invoke(resolvers.patient.grants, info, self)

    @guarded(description="The viewer's own active grants from this patient (a provider or the payor).",
             consent=Need.GRANTEE)
    async def grants_to_me(self, info: Info) -> Optional[list[Grant]]:
        return await invoke(resolvers.patient.grants_to_me, info, self)

    @guarded(description="Who accessed this patient's data, newest first. The patient only.", consent=Need.OWNER)
    async def access_log(
        self, info: Info,
        first: Annotated[Optional[int], strawberry.argument(description="How many events (default 50, at most 100).")] = None,
    ) -> Optional[list[AccessEvent]]:
        return await invoke(resolvers.patient.access_log, info, self, first=first)

    @guarded(description="Wellness tips from the patient's own records (not `unverified`), while the patient has an "
                         "active grant to the payor (the program is opt-in); a rule runs only when those grants cover "
                         "every category it reads. Empty outside the program. The patient only: never the payor.",
             consent=Need.OWNER)
    async def wellness_tips(self, info: Info) -> Optional[list[WellnessTip]]:
        return await invoke(resolvers.wellness.wellness_tips, info, self)  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, PatientNode)
