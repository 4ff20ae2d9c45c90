"""Provider, Payor and Admin: who can be a viewer or a grantee."""
from __future__ import annotations

from typing import Any, Optional

import strawberry

from model.nodes import AdminNode, PayorNode, ProviderNode


@strawberry.type(description="A clinician or care organization in the provider directory.")
class Provider:
    id: strawberry.ID = strawberry.field(description="Unique among providers (a FHIR Practitioner id when imported).")
    name: Optional[str] = strawberry.field(description="Display name.")
    npi: Optional[str] = strawberry.field(description="US National Provider Identifier.")
    specialty: Optional[str] = strawberry.field(description="Specialty, when known.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ProviderNode)


@strawberry.type(description="The health payor (insurer) that operates this deployment.")
class Payor:
    id: strawberry.ID = strawberry.field(description="The payor's id (P360_PAYOR_ID).")
    name: Optional[str] = strawberry.field(description="Display name.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, PayorNode)


@strawberry.type(description="An administrator of the deployment.")
class Admin:
    id: strawberry.ID = strawberry.field(description="The admin's subject in the identity provider.")

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AdminNode)
