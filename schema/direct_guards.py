"""Guarded plain fields resolved without Strawberry's general field wrapper.

Strawberry resolves a field that has extensions through a wrapper made for any resolver: per
resolution it builds an ``Info``, converts arguments and chains the extensions with partials.
A record page of 20 records for 50 patients resolves some 11,000 guarded fields that are plain
attributes (``Record.value``, ``Patient.name``), and there that wrapper cost more than the
consent check itself. For such a field (no resolver, no arguments, only our guards as
extensions) graphql-core calls the same extensions, in the same order, directly.

Nothing is decided here: the extensions still run on every resolution and stay the only place
that decides. They read nothing of ``info`` but ``info.context``, which graphql-core's info
carries as Strawberry's does.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable

import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from authz.consent import ConsentExtension
from authz.roles import AuthExtension

GUARDS = (ConsentExtension, AuthExtension)


def resolve_guards_directly(schema: strawberry.Schema) -> int:
    """Rewires every eligible field of ``schema``; returns how many."""
    rewired = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(field, StrawberryField) and _eligible(field):
                graphql_field.resolve = _guarded_attribute(field)
                rewired += 1
    return rewired


def _eligible(field: StrawberryField) -> bool:
    return (field.base_resolver is None and not field.arguments and bool(field.extensions)
            and all(type(extension) in GUARDS for extension in field.extensions))


def _guarded_attribute(field: StrawberryField) -> Callable[..., Any]:
    name, read = field.python_name, field.default_resolver

    def attribute(source: Any, info: Any) -> Any:
        return read(source, name)

    resolve: Callable[..., Any] = attribute
    # As Strawberry chains them: the last extension listed runs first.
    for extension in field.extensions:
        resolve = partial(extension.resolve, resolve)
    return resolve
