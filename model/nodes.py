"""Domain nodes as plain dataclasses.

Resolvers return these; the GraphQL types in ``schema/`` describe them. Times are aware
``datetime`` values; the graph keeps them as epoch milliseconds (for ordering and comparison on
every engine) next to the original ISO text (to keep the source's offset).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional

from model.categories import RecordCategory


@dataclasses.dataclass(frozen=True, slots=True)
class PatientNode:
    id: str
    name: Optional[str] = None
    birth_date: Optional[dt.date] = None
    gender: Optional[str] = None
    deceased_at: Optional[dt.datetime] = None
    source: Optional[str] = None

    @property
    def patient_id(self) -> str:
        return self.id


@dataclasses.dataclass(frozen=True, slots=True)
class ProviderNode:
    id: str
    name: Optional[str] = None
    npi: Optional[str] = None
    specialty: Optional[str] = None
    source: Optional[str] = None


@dataclasses.dataclass(frozen=True, slots=True)
class PayorNode:
    id: str
    name: Optional[str] = None


@dataclasses.dataclass(frozen=True, slots=True)
class AdminNode:
    id: str


@dataclasses.dataclass(frozen=True, slots=True)
class RecordComponentData:
    code: Optional[str] = None
    system: Optional[str] = None
    display: Optional[str] = None
    value: Optional[str] = None
    unit: Optional[str] = None


@dataclasses.dataclass(frozen=True, slots=True)
class RecordNode:
    id: str
    patient_id: str
    category: RecordCategory
    code: Optional[str] = None
    system: Optional[str] = None
    display: Optional[str] = None
    value: Optional[str] = None
    unit: Optional[str] = None
    components: tuple[RecordComponentData, ...] = ()
    reference_range: Optional[str] = None
    interpretation: Optional[str] = None
    status: Optional[str] = None
    effective_at: Optional[dt.datetime] = None
    source: Optional[str] = None
    source_file: Optional[str] = None
    author_id: Optional[str] = None
    text: Optional[str] = None
    fhir_type: Optional[str] = None
    result_ids: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class GrantNode:
    id: str
    patient_id: str
    grantee_id: str
    grantee_type: str  # "Provider" | "Payor"
    categories: frozenset[RecordCategory]
    all_categories: bool
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: Optional[dt.datetime] = None

    def active_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclasses.dataclass(frozen=True, slots=True)
class AccessEventNode:
    id: str
    patient_id: str
    at: dt.datetime
    viewer_id: str
    viewer_type: str
    viewer_name: Optional[str]
    operation: Optional[str]
    categories: tuple[RecordCategory, ...]
    record_count: int
    outcome: str  # "ALLOWED" | "DENIED"
    grant_ids: tuple[str, ...]
