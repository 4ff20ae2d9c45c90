"""The ``@consent`` backstop: a Strawberry field extension on every field that returns patient
data. Whatever path a query took to a node, the field asks the policy before it resolves.

The subject patient comes from the node the field belongs to (``source.patient_id``); on a
root field, from the node(s) it returns. A field on a record knows its category.
"""
from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Optional, Protocol

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from authz.audit import AuditTrail
from authz.errors import Forbidden
from authz.policy import ConsentPolicy, Decision, Need, PatientAccess
from authz.scope import AccessScope
from model.categories import RecordCategory


class ConsentContext(Protocol):
    scope: AccessScope
    policy: ConsentPolicy
    audit: AuditTrail


def _category_of(source: Any) -> Optional[RecordCategory]:
    category = getattr(source, "category", None)
    return category if isinstance(category, RecordCategory) else None


def _decision(context: ConsentContext, access: PatientAccess, need: Need,
              category: Optional[RecordCategory]) -> Decision:
    """The policy's decision, asked once per request for each (patient, need, category)."""
    key = (access.patient_id, need, category)
    decision = context.scope.decisions.get(key)
    if decision is None:
        decision = context.scope.decisions[key] = context.policy.decide(access, need, category)
    return decision  # type: ignore[return-value]


class ConsentExtension(FieldExtension):
    def __init__(self, need: Need, category: Optional[RecordCategory] = None):
        self.need = need
        self.category = category

    # -- the check -----------------------------------------------------------------------
    def _check(self, context: ConsentContext, access: PatientAccess, source: Any) -> None:
        category = self.category or (_category_of(source) if self.need is Need.RECORDS else None)
        decision = _decision(context, access, self.need, category)
        if not decision.allowed:
            if context.policy.audited_denial(access):
                context.audit.denied(access.patient_id, category)
            raise Forbidden()
        record_id = getattr(source, "id", None) if category is not None else None
        if decision.audited:
            context.audit.allowed(access.patient_id, decision.grant_ids, category, record_id)
        if record_id is not None and self.category is None:
            context.scope.cleared_records.add(record_id)

    async def _check_loading(self, context: ConsentContext, patient_id: str, source: Any) -> None:
        self._check(context, await context.scope.of(patient_id), source)

    def _check_now_or_later(self, context: ConsentContext, patient_id: str,
                            source: Any) -> Optional[Awaitable[None]]:
        access = context.scope.peek(patient_id)
        if access is None:
            return self._check_loading(context, patient_id, source)
        self._check(context, access, source)
        return None

    async def _check_result(self, context: ConsentContext, result: Any) -> Any:
        if inspect.isawaitable(result):
            result = await result
        nodes = result if isinstance(result, list) else [result]
        for node in nodes:
            patient_id = getattr(node, "patient_id", None)
            if patient_id is None:
                raise Forbidden()
            pending = self._check_now_or_later(context, patient_id, node)
            if pending is not None:
                await pending
        return result

    def _note_listed(self, context: ConsentContext, patient_id: str, result: Any) -> Any:
        """A page of records discloses its records (ids, categories, the total) whatever fields
        the query then selects: each one is logged as disclosed."""
        if inspect.isawaitable(result):
            async def noted() -> Any:
                return self._note_listed(context, patient_id, await result)
            return noted()
        access = context.scope.peek(patient_id)
        for node in getattr(result, "nodes", ()):
            category = _category_of(node)
            if access is None or category is None:
                continue
            decision = _decision(context, access, Need.RECORDS, category)
            if decision.audited:
                context.audit.allowed(patient_id, decision.grant_ids, category, node.id)
        return result

    # -- Strawberry entry points ---------------------------------------------------------
    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        context: ConsentContext = info.context
        patient_id = getattr(source, "patient_id", None) if source is not None else None
        if patient_id is None:
            return self._check_result(context, next_(source, info, **kwargs))
        of_a_record = self.need is Need.RECORDS and self.category is None and _category_of(source) is not None
        if of_a_record and source.id in context.scope.cleared_records:
            return next_(source, info, **kwargs)
        lists_records = self.need is Need.RECORDS and self.category is None and not of_a_record
        pending = self._check_now_or_later(context, patient_id, source)
        if pending is None:
            result = next_(source, info, **kwargs)
            return self._note_listed(context, patient_id, result) if lists_records else result

        async def then_resolve() -> Any:
            await pending
            result = next_(source, info, **kwargs)
            result = await result if inspect.isawaitable(result) else result
            return self._note_listed(context, patient_id, result) if lists_records else result

        return then_resolve()

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info,
                            **kwargs: Any) -> Any:
        result = self.resolve(next_, source, info, **kwargs)
        while inspect.isawaitable(result):
            result = await result
        return result
