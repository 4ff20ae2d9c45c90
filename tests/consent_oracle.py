"""The contract's consent rules, stated again on their own, for property tests.

A ``World`` is a small graph described as plain data: patients, providers, records and grants.
The oracle answers, from the contract's text alone, which patient data each viewer may see
and which records they may add. It never imports ``authz``: a test that asked the policy
under test what the policy allows would prove nothing.

Every patient datum written into a world carries a marker, ``MARK|P<i>|<what>|<n>``, naming
the patient (its index in the world), the category (``NAME`` for the name) and a serial. A
response then leaks exactly when a marker the viewer may not see occurs anywhere in its text,
whatever path, alias or field carried it there.
"""
from __future__ import annotations

import dataclasses
import enum
import re
from typing import Optional

from model.categories import RecordCategory

EPISODE = RecordCategory.EPISODE
NAME = "NAME"
MARKER = re.compile(r"MARK\|P\d+\|[A-Z_]+\|\d+")


def record_marker(patient: int, category: RecordCategory, serial: int) -> str:
    return f"MARK|P{patient}|{category.value}|{serial}"


def name_marker(patient: int) -> str:
    return f"MARK|P{patient}|{NAME}|0"


def markers_in(text: str) -> set[str]:
    return set(MARKER.findall(text))


class GrantState(enum.Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclasses.dataclass(frozen=True)
class RecordSpec:
    patient: int                 # index into World.patient_ids
    category: RecordCategory
    serial: int                  # unique in the world
    days_ago: Optional[int]      # None: undated
    author: Optional[str]        # a provider id
    id: str                      # the record's id in the graph

    @property
    def marker(self) -> str:
        return record_marker(self.patient, self.category, self.serial)


@dataclasses.dataclass(frozen=True)
class GrantSpec:
    patient: int
    grantee: str                 # a provider id, or the payor's id when to_payor
    to_payor: bool
    categories: Optional[frozenset[RecordCategory]]   # None: every category
    state: GrantState
    serial: int

    @property
    def grant_id(self) -> str:
        return f"g{self.serial}"


@dataclasses.dataclass(frozen=True)
class World:
    patient_ids: tuple[str, ...]
    provider_ids: tuple[str, ...]
    payor_id: str
    records: tuple[RecordSpec, ...]
    grants: tuple[GrantSpec, ...]

    def describe(self) -> str:
        """Enough to rebuild the world by hand from a failure message."""
        lines = [f"patients {list(enumerate(self.patient_ids))}, providers {list(self.provider_ids)}"]
        lines += [f"  record {r.id}: P{r.patient} {r.category.value} days_ago={r.days_ago} "
                  f"author={r.author}" for r in self.records]
        lines += [f"  grant {g.grant_id}: P{g.patient} -> {'Payor' if g.to_payor else 'Provider'} "
                  f"{g.grantee} {sorted(c.value for c in g.categories) if g.categories else 'ALL'} "
                  f"{g.state.value}" for g in self.grants]
        return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Viewer:
    kind: str                    # patient | provider | payor | admin
    id: str

    @property
    def group(self) -> str:
        return {"patient": "patients", "provider": "providers", "payor": "payors", "admin": "admins"}[self.kind]

    def __str__(self) -> str:
        return f"{self.kind} {self.id!r}"


ADMIN = Viewer("admin", "admin-1")


def viewers(world: World) -> list[Viewer]:
    """Everyone who could ask: each patient, each provider, the payor, an admin."""
    return ([Viewer("patient", p) for p in world.patient_ids]
            + [Viewer("provider", d) for d in world.provider_ids]
            + [Viewer("payor", world.payor_id), ADMIN])


def _granted_to_provider(world: World, provider_id: str, patient: int) -> list[GrantSpec]:
    """Active grants from the patient to this provider (a payor grant never counts here)."""
    return [g for g in world.grants
            if g.patient == patient and not g.to_payor and g.grantee == provider_id
            and g.state is GrantState.ACTIVE]


def readable(world: World, viewer: Viewer) -> frozenset[tuple[int, RecordCategory]]:
    """(patient, category) pairs whose records the viewer may read now.

    The patient reads all of their own. A provider reads the categories of its active grants
    from the patient, and EPISODE with any of them. The payor and admins read no records,
    whatever the grants to the payor say."""
    every = list(RecordCategory)
    pairs: set[tuple[int, RecordCategory]] = set()
    for patient, patient_id in enumerate(world.patient_ids):
        if viewer.kind == "patient" and viewer.id == patient_id:
            pairs.update((patient, c) for c in every)
        elif viewer.kind == "provider":
            grants = _granted_to_provider(world, viewer.id, patient)
            if grants:
                pairs.add((patient, EPISODE))
                for grant in grants:
                    pairs.update((patient, c) for c in (grant.categories or every))
    return frozenset(pairs)


def named(world: World, viewer: Viewer) -> frozenset[int]:
    """Patients whose demographics the viewer may see: the patient, providers with an active
    grant from them, the payor (every patient here is its member) and admins."""
    if viewer.kind in ("payor", "admin"):
        return frozenset(range(len(world.patient_ids)))
    if viewer.kind == "patient":
        return frozenset(i for i, p in enumerate(world.patient_ids) if p == viewer.id)
    return frozenset(i for i in range(len(world.patient_ids)) if _granted_to_provider(world, viewer.id, i))


def may_add_record(world: World, viewer: Viewer, patient_id: str, category: RecordCategory) -> bool:
    """The patient adds to their own record; a provider adds EPISODE or a granted category
    while a grant is active; nobody adds to a patient who does not exist."""
    if patient_id not in world.patient_ids:
        return False
    patient = world.patient_ids.index(patient_id)
    if viewer.kind == "patient":
        return viewer.id == patient_id
    if viewer.kind == "provider":
        return (patient, category) in readable(world, viewer)
    return False


def allowed_markers(world: World, viewer: Viewer) -> frozenset[str]:
    """Every marker that may appear in a response to this viewer."""
    pairs = readable(world, viewer)
    return frozenset(
        {name_marker(i) for i in named(world, viewer)}
        | {r.marker for r in world.records if (r.patient, r.category) in pairs}
    )
