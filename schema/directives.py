"""Schema directives, visible in the SDL, and the field extensions that enforce them.

``@auth(groups: [...])`` gates a field by role; ``@consent(data: ..., category: ...)`` marks a
field that returns patient data and guards it with the consent policy, whatever path led to
the node. ``guarded`` puts both the directive and its extension on a field, so neither can be
forgotten without the other.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import strawberry
from strawberry.schema_directive import Location

from authz.consent import ConsentExtension
from authz.policy import Need
from authz.roles import AuthExtension
from model.categories import RecordCategory as _Category
from schema.enums import ConsentData, RecordCategory


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="Only viewers in one of these groups (patients, providers, payors, admins) may "
                "resolve this field; others get FORBIDDEN.",
)
class Auth:
    groups: list[str]


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="Returns patient data: resolved only when the patient's consent allows it now "
                "(see the contract's consent rules); otherwise null with FORBIDDEN. Always nullable.",
)
class Consent:
    data: ConsentData  # type: ignore[valid-type]
    category: Optional[RecordCategory] = None  # type: ignore[valid-type]


def guarded(
    resolver: Optional[Callable[..., Any]] = None,
    *,
    description: str,
    consent: Optional[Need] = None,
    category: Optional[_Category] = None,
    groups: Optional[list[str]] = None,
    **field_options: Any,
) -> Any:
    directives: list[object] = []
    extensions: list[Any] = []
    if groups is not None:
        directives.append(Auth(groups=groups))
        extensions.append(AuthExtension(groups))
    if consent is not None:
        directives.append(Consent(data=consent, category=category))
        extensions.append(ConsentExtension(consent, category))
    kwargs = dict(description=description, directives=directives, extensions=extensions, **field_options)
    if resolver is None:
        return strawberry.field(**kwargs)
    return strawberry.field(resolver=resolver, **kwargs)
