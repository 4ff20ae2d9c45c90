"""The Query root."""
from __future__ import annotations

from typing import Annotated, Optional, Union

import strawberry
from strawberry.types import Info

import resolvers.insights
import resolvers.query
from authz.policy import Need
from resolvers.context import invoke
from schema.actors import Admin, Payor, Provider
from schema.directives import guarded
from schema.insights import PopulationInsights
from schema.pagination import Connection
from schema.patient import Patient

Viewer = Annotated[Union[Patient, Provider, Payor, Admin], strawberry.union(
    "Viewer", description="Who is signed in.")]


@strawberry.type(description="Reads. Every field needs a signed-in viewer.")
class Query:
    @strawberry.field(description="The signed-in viewer.")
    async def me(self, info: Info) -> Viewer:
        return await invoke(resolvers.query.me, info)

    @guarded(description="A patient: the patient themself, a provider with an active grant, the payor and "
                         "admins (demographics only). Null with FORBIDDEN otherwise, and for an id that "
                         "does not exist.", consent=Need.DEMOGRAPHICS)
    async def patient(self, info: Info,
                      id: Annotated[strawberry.ID, strawberry.argument(description="The patient's id.")]) -> Optional[Patient]:
        return await invoke(resolvers.query.patient, info, id=id)

    @guarded(description="Patients whose grant to the signed-in provider is active now.", groups=["providers"])
    async def my_patients(self, info: Info) -> list[Patient]:
        return await invoke(resolvers.query.my_patients, info)

    @guarded(description="The payor's members, demographics only (payors, admins).", groups=["payors", "admins"])
    async def members(
        self, info: Info,
        first: Annotated[Optional[int], strawberry.argument(description="Page size (default 20, at most 100).")] = None,
        after: Annotated[Optional[str], strawberry.argument(description="Cursor to continue after.")] = None,
    ) -> Connection[Patient]:
        return await invoke(resolvers.query.members, info, first=first, after=after)

    @strawberry.field(description="The provider directory, for any signed-in user (e.g. to choose a grantee).")
    async def providers(
        self, info: Info,
        search: Annotated[Optional[str], strawberry.argument(description="Part of the name, any case.")] = None,
        first: Annotated[Optional[int], strawberry.argument(description="Page size (default 20, at most 100).")] = None,
        after: Annotated[Optional[str], strawberry.argument(description="Cursor to continue after.")] = None,
    ) -> Connection[Provider]:
        return await invoke(resolvers.query.providers, info, search=search, first=first, after=after)

    @guarded(description="Population insights over the members who authorized the signed-in payor (payors only): "
                         "counts, never records or tips, computed at the moment of the request.", groups=["payors"])
    async def population_insights(self, info: Info) -> PopulationInsights:
        return await invoke(resolvers.insights.population_insights, info)  # type: ignore[return-value]
