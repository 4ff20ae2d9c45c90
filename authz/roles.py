"""The ``@auth(groups: [...])`` check: role gating, in the manner of AppSync's auth
directives. Consent is a separate, finer question (authz/consent.py)."""
from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from authz.errors import Forbidden
from authz.identity import GROUP_TYPES


class AuthExtension(FieldExtension):
    def __init__(self, groups: list[str]):
        unknown = set(groups) - set(GROUP_TYPES)
        if unknown:
            raise ValueError(f"unknown groups {sorted(unknown)}")
        self.groups = groups
        self.viewer_types = frozenset(GROUP_TYPES[g] for g in groups)

    def _check(self, info: Info) -> None:
        if info.context.identity.viewer_type not in self.viewer_types:
            raise Forbidden(f"this field is for {', '.join(self.groups)} only")

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info,
                            **kwargs: Any) -> Any:
        self._check(info)
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result
