"""The viewer behind a verified token.

Found in this order (contract, Identity): the claim ``custom:p360_id``; else an identity link
(issuer, sub) kept in the graph; else, with the development issuer only, ``sub`` itself. The
token's group must agree with the type of the node found.
"""
from __future__ import annotations

import dataclasses
from typing import Awaitable, Callable, Optional

from authz.errors import Unauthenticated
from authz.tokens import Claims

GROUP_TYPES = {"patients": "Patient", "providers": "Provider", "payors": "Payor", "admins": "Admin"}


@dataclasses.dataclass(frozen=True)
class Identity:
    viewer_id: str
    viewer_type: str  # Patient | Provider | Payor | Admin
    viewer_name: Optional[str]
    subject: str
    issuer: str
    expires_at: int

    @property
    def is_patient(self) -> bool:
        return self.viewer_type == "Patient"

    @property
    def is_provider(self) -> bool:
        return self.viewer_type == "Provider"

    @property
    def is_payor(self) -> bool:
        return self.viewer_type == "Payor"

    @property
    def is_admin(self) -> bool:
        return self.viewer_type == "Admin"


@dataclasses.dataclass(frozen=True)
class ViewerFacts:
    """What the graph knows about a token's subject, fetched in one round trip."""

    # The identity link (issuer, subject) → (entity type, entity id, display name), if any.
    link: Optional[tuple[str, str, Optional[str]]]
    # Whether the directly named node exists, and its display name ("" when it has none).
    direct_name: Optional[str]


# (issuer, subject, entity type, entity id) → facts
ViewerLookup = Callable[[str, str, str, str], Awaitable[ViewerFacts]]


def _group_type(claims: Claims) -> str:
    if "admins" in claims.groups:
        return "Admin"
    types = {GROUP_TYPES[g] for g in claims.groups}
    if len(types) != 1:
        raise Unauthenticated(
            "the token must carry exactly one of the groups patients, providers, payors (or admins)"
        )
    return types.pop()


async def resolve_identity(claims: Claims, *, development_issuer: bool, lookup: ViewerLookup) -> Identity:
    viewer_type = _group_type(claims)
    if viewer_type == "Admin":
        return Identity(claims.subject, "Admin", None, claims.subject, claims.issuer, claims.expires_at)

    direct_id = claims.p360_id or claims.subject
    facts = await lookup(claims.issuer, claims.subject, viewer_type, direct_id)
    if claims.p360_id:
        entity_type, entity_id, name, how = viewer_type, claims.p360_id, facts.direct_name, "custom:p360_id"
    elif facts.link is not None:
        (entity_type, entity_id, name), how = facts.link, "identity link"
    elif development_issuer:
        entity_type, entity_id, name, how = viewer_type, claims.subject, facts.direct_name, "sub"
    else:
        raise Unauthenticated(
            "this token's subject is not linked to a patient, provider or payor; "
            "an admin can link it with linkIdentity"
        )
    if entity_type != viewer_type:
        raise Unauthenticated(
            f"the token's group says {viewer_type} but its {how} names a {entity_type}"
        )
    if name is None:
        raise Unauthenticated(f"no {entity_type} with the id this token's {how} names")
    return Identity(entity_id, entity_type, name or None, claims.subject, claims.issuer, claims.expires_at)
