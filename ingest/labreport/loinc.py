"""LOINC codes for the common tests, found from the name printed on a report."""
from __future__ import annotations

import re
from typing import NamedTuple

LOINC_SYSTEM = "http://loinc.org"


class LoincCode(NamedTuple):
    code: str
    display: str


# Analyte → the names labs print for it (lower case, after specimen and method words are removed).
_NAMES: dict[str, tuple[str, ...]] = {
    "hba1c": ("hemoglobin a1c", "haemoglobin a1c", "hba1c", "hb a1c", "hgb a1c", "a1c",
              "glycated hemoglobin", "glycohemoglobin", "glycosylated hemoglobin"),
    "glucose": ("glucose", "glu", "blood glucose", "glucose random", "random glucose"),
    "fasting glucose": ("glucose fasting", "fasting glucose", "fasting blood glucose", "fbg", "fpg"),
    "ldl": ("ldl", "ldl c", "ldl cholesterol", "ldl chol", "cholesterol ldl", "ldl cholesterol c"),
    "hdl": ("hdl", "hdl c", "hdl cholesterol", "hdl chol", "cholesterol hdl"),
    "cholesterol": ("cholesterol", "total cholesterol", "cholesterol total", "chol", "chol total"),
    "triglycerides": ("triglycerides", "triglyceride", "trig", "trigs", "tg"),
    "creatinine": ("creatinine", "creat", "cr", "crea"),
    "egfr": ("egfr", "estimated gfr", "gfr estimated", "est gfr", "gfr", "egfr creatinine",
             "egfr cr", "egfr creat"),
    "hemoglobin": ("hemoglobin", "haemoglobin", "hgb", "hb"),
    "wbc": ("wbc", "wbc count", "white blood cells", "white blood cell count", "white cell count",
            "leukocytes", "leukocyte count"),
    "platelets": ("platelets", "platelet", "platelet count", "plt", "plt count"),
    "sodium": ("sodium", "na"),
    "potassium": ("potassium", "k"),
    "tsh": ("tsh", "thyroid stimulating hormone", "thyrotropin"),
    "alt": ("alt", "alt sgpt", "sgpt", "alanine aminotransferase", "alanine transaminase"),
    "ast": ("ast", "ast sgot", "sgot", "aspartate aminotransferase", "aspartate transaminase"),
}

# Words naming a method; LDL and eGFR have one code per method.
_METHOD_WORDS = {
    "calc": "calculated", "calculated": "calculated", "calculation": "calculated",
    "direct": "direct", "measured": "direct",
    "mdrd": "mdrd",
    "ckd": "ckd-epi 2021", "epi": "ckd-epi 2021", "ckdepi": "ckd-epi 2021", "2021": "ckd-epi 2021",
}
# Words that only say what was sampled; dropped before matching.
_SPECIMEN_WORDS = frozenset({"serum", "plasma", "ser", "plas", "blood", "bld", "whole", "level",
                             "s", "p", "b", "sp"})

_CODES: dict[tuple[str, str | None], LoincCode] = {
    ("hba1c", None): LoincCode("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"),
    ("glucose", None): LoincCode("2345-7", "Glucose [Mass/volume] in Serum or Plasma"),
    ("fasting glucose", None): LoincCode("1558-6", "Fasting glucose [Mass/volume] in Serum or Plasma"),
    # A report that does not say how LDL was measured gets the direct-assay code (the brief's
    # choice); "calc" picks the calculated one.
    ("ldl", None): LoincCode("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay"),
    ("ldl", "direct"): LoincCode("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay"),
    ("ldl", "calculated"): LoincCode("13457-7", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation"),
    ("hdl", None): LoincCode("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma"),
    ("cholesterol", None): LoincCode("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"),
    ("triglycerides", None): LoincCode("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"),
    ("creatinine", None): LoincCode("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
    # An eGFR without a named equation is taken to be CKD-EPI 2021, what US labs report since
    # 2022; MDRD has its own code. Race-adjusted variants ("African American") match nothing.
    ("egfr", None): LoincCode("98979-8", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)"),
    ("egfr", "ckd-epi 2021"): LoincCode("98979-8", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)"),
    ("egfr", "mdrd"): LoincCode("33914-3", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)"),
    ("hemoglobin", None): LoincCode("718-7", "Hemoglobin [Mass/volume] in Blood"),
    ("wbc", None): LoincCode("6690-2", "Leukocytes [#/volume] in Blood by Automated count"),
    ("platelets", None): LoincCode("777-3", "Platelets [#/volume] in Blood by Automated count"),
    ("sodium", None): LoincCode("2951-2", "Sodium [Moles/volume] in Serum or Plasma"),
    ("potassium", None): LoincCode("2823-3", "Potassium [Moles/volume] in Serum or Plasma"),
    ("tsh", None): LoincCode("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"),
    ("alt", None): LoincCode("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    ("ast", None): LoincCode("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
}



def _key(words: list[str]) -> str:
    # Without spaces: OCR drops and inserts them ("HemoglobinA1c", "Hb A1c").
    return "".join(words)


_ANALYTE_BY_KEY = {_key(name.split()): analyte for analyte, names in _NAMES.items() for name in names}


def _words(name: str) -> list[str]:
    text = name.lower()
    # OCR reads the "1" of A1c as l, I or | ("HbAlc"); but "calc" is no A1c.
    text = re.sub(r"(^|[^a-z]|hb|hgb|globin)a[li|!]c\b", r"\1a1c", text)
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def lookup_loinc(name: str) -> LoincCode | None:
    """The LOINC code of a printed test name, if it is one of the common tests."""
    words = [w for w in _words(name) if w not in _SPECIMEN_WORDS]
    methods = {_METHOD_WORDS[w] for w in words if w in _METHOD_WORDS}
    if len(methods) > 1:
        return None
    analyte = _ANALYTE_BY_KEY.get(_key([w for w in words if w not in _METHOD_WORDS]))
    if analyte is None:
        return None
    return _CODES.get((analyte, next(iter(methods), None)))
