"""Grant: a patient's time-limited consent for a provider or the payor."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Optional, Union

import strawberry
from strawberry.types import Info

import resolvers.grant
from model.nodes import GrantNode
from resolvers.context import invoke
from schema.actors import Payor, Provider
from schema.enums import RecordCategory

Grantee = Annotated[Union[Provider, Payor], strawberry.union(
    "Grantee", description="Who a grant is to: a provider, or the payor (for insights and wellness tips).")]


@strawberry.type(description="A patient's consent for a provider (read and add records of the categories; "
                             "EPISODE always) or for the payor (population insights and wellness tips), "
                             "until it expires or is revoked.")
class Grant:
    id: strawberry.ID = strawberry.field(description="The grant's id.")
    created_at: dt.datetime = strawberry.field(description="When the patient made it.")
    expires_at: dt.datetime = strawberry.field(description="When it stops working.")
    revoked_at: Optional[dt.datetime] = strawberry.field(description="When the patient revoked it, if they did.")

    @strawberry.field(description="Who the grant is to.")
    async def grantee(self, info: Info) -> Grantee:
        return await invoke(resolvers.grant.grantee, info, self)

    @strawberry.field(description="The categories it covers (every category when the patient named none).")
    def categories(self: GrantNode) -> list[RecordCategory]:  # type: ignore[misc, valid-type]
        return sorted(self.categories, key=lambda c: c.value)

    @strawberry.field(description="Whether it works now: not revoked and not expired.")
    def active(self, info: Info) -> bool:
        return invoke(resolvers.grant.active, info, self)  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, GrantNode)
