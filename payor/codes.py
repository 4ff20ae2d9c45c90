"""Value sets: which codes mean "HbA1c", "diabetes", "influenza vaccine"… for the insights
and the wellness rules alike, so a figure and a tip always mean the same thing.

Codes are matched without their system: LOINC, SNOMED CT, CVX, CPT and ICD-10 codes do not
collide in the categories each set is looked up in (an ICD-10 code starts with a letter, a
SNOMED CT code is all digits, CVX codes live in IMMUNIZATION records).
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Optional


@dataclasses.dataclass(frozen=True, slots=True)
class ValueSet:
    name: str
    codes: frozenset[str]
    prefixes: tuple[str, ...] = ()   # ICD-10 families, e.g. "E11" for E11.9, E11.65

    def matches(self, code: Optional[str]) -> bool:
        return code is not None and (code in self.codes or code.startswith(self.prefixes))


def value_set(name: str, *codes: str, prefixes: tuple[str, ...] = ()) -> ValueSet:
    return ValueSet(name, frozenset(codes), prefixes)


def union(name: str, sets: Iterable[ValueSet]) -> ValueSet:
    sets = list(sets)
    return ValueSet(name, frozenset().union(*(s.codes for s in sets)),
                    tuple(sorted({p for s in sets for p in s.prefixes})))


# Record statuses.
UNVERIFIED = "unverified"   # read from a photo, not yet confirmed: never counted
# A condition with one of these statuses is not active (FHIR clinicalStatus, or a record
# that was withdrawn); a condition without a status counts as active.
NOT_ACTIVE_CONDITION = ("inactive", "remission", "resolved", "entered-in-error", "refuted", UNVERIFIED)
# A diagnosis with one of these was never made: every other status means "on record".
NOT_A_DIAGNOSIS = ("entered-in-error", "refuted", UNVERIFIED)

# -- Labs (LOINC) ---------------------------------------------------------------------------
HBA1C = value_set("HbA1c", "4548-4", "17856-6")
LDL_CHOLESTEROL = value_set("LDL cholesterol", "18262-6", "13457-7", "2089-1")
EGFR = value_set("eGFR", "33914-3", "48642-3", "48643-1", "62238-1", "69405-9", "77147-7",
                 "88293-6", "88294-4", "98979-8")

# -- Vital signs (LOINC) --------------------------------------------------------------------
BMI = value_set("BMI", "39156-5")
BLOOD_PRESSURE_PANEL = value_set("Blood pressure panel", "85354-9", "55284-4")
SYSTOLIC = "8480-6"
DIASTOLIC = "8462-4"
BLOOD_PRESSURE = value_set("Blood pressure", "85354-9", "55284-4", SYSTOLIC, DIASTOLIC)

# -- Conditions (SNOMED CT, ICD-10-CM) ------------------------------------------------------
DIABETES = value_set("Diabetes mellitus", "44054006", "46635009", "73211009",
                     prefixes=("E10", "E11", "E13"))
HYPERTENSION = value_set("Hypertension", "38341003", "59621000",
                         prefixes=("I10", "I11", "I12", "I13", "I15", "I16"))

# -- Immunizations (CVX) --------------------------------------------------------------------
INFLUENZA_VACCINE = value_set(
    "Influenza vaccine", "15", "16", "88", "111", "135", "140", "141", "144", "149", "150", "151",
    "153", "155", "158", "161", "166", "168", "171", "185", "186", "197", "200", "201", "202", "205")

# -- Wellness visits (SNOMED CT, CPT, HCPCS) in ENCOUNTER or EPISODE records ----------------
WELLNESS_VISIT = value_set(
    "Wellness visit",
    "410620009",          # well child visit
    "162673000",          # general examination of patient
    "185349003",          # encounter for check up
    "444971000124105",    # annual wellness visit
    "86013001",           # periodic reevaluation and management of healthy individual
    *(str(c) for c in range(99381, 99388)), *(str(c) for c in range(99391, 99398)),  # CPT preventive
    "G0402", "G0438", "G0439",  # Medicare welcome and annual wellness visits
)
