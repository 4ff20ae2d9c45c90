"""The consent policy: the one place that decides what a viewer may see or write.

Inputs are plain facts the graph holds (grants, membership), loaded per request in batches;
the clock is read once per request. Outputs are ``PatientAccess`` values that the loaders
push down into their traversals and that the ``@consent`` field extension checks as the
backstop — both enforcement points ask this module and nothing else.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Iterable, Optional

from authz.identity import Identity
from model.categories import ALL_CATEGORIES, RecordCategory
from model.nodes import GrantNode

EPISODE = RecordCategory.EPISODE
PAYOR = "Payor"


class Need(enum.Enum):
    """What a field needs to show."""

    DEMOGRAPHICS = "DEMOGRAPHICS"  # name, birth date, gender
    RECORDS = "RECORDS"            # clinical records (of a category, when known)
    OWNER = "OWNER"                # the patient alone: grants, access log, wellness tips
    GRANTEE = "GRANTEE"            # the viewer's own active grants from this patient


@dataclasses.dataclass(frozen=True)
class PatientFacts:
    """What the graph says about one patient, as far as this viewer is concerned."""

    patient_id: str
    member_of_viewer: bool
    grants_to_viewer: tuple[GrantNode, ...]


@dataclasses.dataclass(frozen=True)
class PatientAccess:
    patient_id: str
    exists: bool
    owner: bool
    demographics: bool
    categories: frozenset[RecordCategory]       # records readable now
    writable: frozenset[RecordCategory]          # records the viewer may add now
    grants: tuple[GrantNode, ...]                # the viewer's active grants behind them

    def grant_ids_for(self, categories: Iterable[RecordCategory]) -> tuple[str, ...]:
        wanted = set(categories)
        return tuple(
            g.id for g in self.grants
            if EPISODE in wanted or wanted & g.categories or not wanted
        )


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    # A decision that discloses clinical data to someone else leaves an AccessEvent.
    audited: bool
    grant_ids: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ActiveGrantCriteria:
    """'An active grant from the patient to this grantee that covers these categories', as
    data: the loaders translate it into their traversals (cohorts, myPatients)."""

    grantee_id: str
    grantee_type: str
    now_ms: int
    categories: frozenset[RecordCategory]


class ConsentPolicy:
    def __init__(self, identity: Identity, now: dt.datetime):
        self.identity = identity
        self.now = now

    # -- scope ---------------------------------------------------------------------------
    def access(self, patient_id: str, facts: Optional[PatientFacts]) -> PatientAccess:
        """``facts`` is None when no such patient exists."""
        nothing = PatientAccess(patient_id, facts is not None, False, False,
                                frozenset(), frozenset(), ())
        if facts is None:
            return nothing
        viewer = self.identity
        if viewer.is_patient:
            if viewer.viewer_id != patient_id:
                return nothing
            return PatientAccess(patient_id, True, True, True, ALL_CATEGORIES, ALL_CATEGORIES, ())
        if viewer.is_admin:
            return dataclasses.replace(nothing, demographics=True)
        active = tuple(g for g in facts.grants_to_viewer if self._active(g))
        if viewer.is_payor:
            # The payor insures its members: demographics, never records (contract).
            return dataclasses.replace(nothing, demographics=facts.member_of_viewer, grants=active)
        if viewer.is_provider and active:
            categories = frozenset().union(*(g.categories for g in active)) | {EPISODE}
            return PatientAccess(patient_id, True, False, True, categories, categories, active)
        return nothing

    def _active(self, grant: GrantNode) -> bool:
        return (
            grant.grantee_id == self.identity.viewer_id
            and grant.grantee_type == self.identity.viewer_type
            and grant.active_at(self.now)
        )

    # -- decisions -----------------------------------------------------------------------
    def decide(self, access: PatientAccess, need: Need,
               category: Optional[RecordCategory] = None) -> Decision:
        if need is Need.OWNER:
            return Decision(access.owner, audited=False)
        if need is Need.GRANTEE:
            allowed = bool(access.grants) and (self.identity.is_provider or self.identity.is_payor)
            return Decision(allowed, audited=False)
        if need is Need.DEMOGRAPHICS:
            # A provider opening a chart is worth a line in the patient's log; the payor's
            # and admins' view of members' demographics is not consent data (contract).
            audited = self.identity.is_provider
            return Decision(access.demographics, audited=audited and access.demographics,
                            grant_ids=access.grant_ids_for(()) if audited else ())
        # Need.RECORDS
        if access.owner:
            return Decision(True, audited=False)
        if category is None:
            allowed = bool(access.categories)
            return Decision(allowed, audited=allowed, grant_ids=access.grant_ids_for(()))
        allowed = category in access.categories
        return Decision(allowed, audited=allowed, grant_ids=access.grant_ids_for((category,)))

    def may_write_record(self, access: PatientAccess, category: RecordCategory) -> bool:
        return category in access.writable

    def write_refusal(self, access: PatientAccess, category: RecordCategory) -> Optional[str]:
        """Why a provider who may see this patient may not add this record (they see their
        grants anyway). None for anyone else: a refusal must not tell a hidden patient from a
        missing one."""
        if not (access.demographics and self.identity.is_provider):
            return None
        return (f"your active grants from this patient do not cover {category.value} records "
                f"(EPISODE records are always allowed)")

    def visible_categories(self, access: PatientAccess,
                           wanted: Optional[RecordCategory]) -> frozenset[RecordCategory]:
        """What a record listing may return: the visible categories, narrowed by a filter."""
        if wanted is None:
            return access.categories
        return access.categories & {wanted}

    def active_grant_criteria(self, categories: Iterable[RecordCategory] = ()) -> ActiveGrantCriteria:
        return ActiveGrantCriteria(
            grantee_id=self.identity.viewer_id,
            grantee_type=self.identity.viewer_type,
            now_ms=int(self.now.timestamp() * 1000),
            categories=frozenset(categories),
        )

    # -- the payor program ---------------------------------------------------------------
    def payor_program_categories(self, grants: Iterable[GrantNode], payor_id: str,
                                 deceased_at: Optional[dt.datetime] = None) -> frozenset[RecordCategory]:
        """What a patient's active grants to the payor put in its program (population insights
        and wellness tips), now; empty when the patient has not opted in, or has died (the
        program, its insights' cohort included, is for living members). Grants add up."""
        if deceased_at is not None and deceased_at <= self.now:
            return frozenset()
        active = [g for g in grants
                  if g.grantee_type == PAYOR and g.grantee_id == payor_id and g.active_at(self.now)]
        return frozenset().union(*(g.categories for g in active))

    def program_cohort_criteria(self, payor_id: str,
                                categories: Iterable[RecordCategory] = ()) -> ActiveGrantCriteria:
        """The payor program's cohort, whoever asks: a wellness tip's population context is
        drawn from the same members the payor's insights count."""
        return ActiveGrantCriteria(payor_id, PAYOR, int(self.now.timestamp() * 1000), frozenset(categories))

    def audited_denial(self, access: PatientAccess) -> bool:
        """A denied attempt on an existing patient by a provider, the payor or an admin is
        logged. Another patient's attempt is not: the entry would show one patient another
        patient's identity, and the attempt disclosed nothing."""
        return access.exists and not access.owner and not self.identity.is_patient
