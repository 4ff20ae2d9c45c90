"""What the synthetic population is made of: real codes (LOINC, SNOMED CT, RxNorm, CVX), the
units and reference ranges that go with them, and how values are distributed.

Everything here is data; ``population.py`` decides who gets what. One table per kind of
record, so adding a lab or a vaccine is one line, not a new function.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from model.categories import RecordCategory

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"


@dataclasses.dataclass(frozen=True, slots=True)
class Concept:
    system: str
    code: str
    display: str


def loinc(code: str, display: str) -> Concept:
    return Concept(LOINC, code, display)


def snomed(code: str, display: str) -> Concept:
    return Concept(SNOMED, code, display)


def rxnorm(code: str, display: str) -> Concept:
    return Concept(RXNORM, code, display)


def cvx(code: str, display: str) -> Concept:
    return Concept(CVX, code, display)


# -- Numeric observations ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Measure:
    """A numeric observation: what is measured, how it is reported, how it is distributed.

    ``usual`` is (mean, sd) in a patient without ``driven_by``; ``affected`` the same in a
    patient who has that chronic condition (diagnosed or not), which is what makes lab values
    and diagnoses agree often enough for insights and wellness rules to find patterns.
    """
    concept: Concept
    unit: str
    low: Optional[float]   # below it: interpretation "L"; None: no lower bound
    high: Optional[float]  # above it: interpretation "H"; None: no upper bound
    decimals: int
    usual: tuple[float, float]
    affected: Optional[tuple[float, float]] = None
    driven_by: Optional[str] = None
    min_age: int = 0
    ceiling: Optional[float] = None   # a value cannot exceed it (a score's maximum, 100 %)

    def clip(self, value: float) -> float:
        value = max(value, 0.0)
        return min(value, self.ceiling) if self.ceiling is not None else value

    def format(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"

    def reference_range(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low:g}-{self.high:g} {self.unit}"
        if self.high is not None:
            return f"<={self.high:g} {self.unit}"
        return f">={self.low:g} {self.unit}"

    def interpretation(self, value: float) -> str:
        # Compare what is reported, so "5.6" is never flagged by an unrounded 5.64.
        reported = round(value, self.decimals)
        if self.low is not None and reported < self.low:
            return "L"
        if self.high is not None and reported > self.high:
            return "H"
        return "N"


HBA1C = Measure(loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), "%",
                4.0, 5.6, 1, usual=(5.3, 0.3), affected=(7.4, 1.0), driven_by="diabetes", min_age=10)
GLUCOSE = Measure(loinc("2345-7", "Glucose [Mass/volume] in Serum or Plasma"), "mg/dL",
                  70, 99, 0, usual=(88, 9), affected=(152, 35), driven_by="diabetes")

LABS: tuple[Measure, ...] = (
    HBA1C,
    GLUCOSE,
    Measure(loinc("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"), "mg/dL",
            None, 199, 0, usual=(182, 22), affected=(242, 25), driven_by="hyperlipidemia", min_age=9),
    Measure(loinc("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay"),
            "mg/dL", None, 99, 0, usual=(98, 18), affected=(158, 24), driven_by="hyperlipidemia",
            min_age=9),
    Measure(loinc("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma"), "mg/dL",
            40, None, 0, usual=(56, 12), affected=(41, 8), driven_by="obesity", min_age=9),
    Measure(loinc("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"), "mg/dL",
            None, 149, 0, usual=(115, 30), affected=(205, 45), driven_by="hyperlipidemia", min_age=9),
    Measure(loinc("33914-3", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] "
                  "in Serum or Plasma by Creatinine-based formula (MDRD)"), "mL/min/1.73m2",
            60, None, 0, usual=(96, 12), affected=(46, 8), driven_by="ckd", min_age=18),
    Measure(loinc("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"), "mg/dL",
            0.6, 1.3, 2, usual=(0.9, 0.15), affected=(1.7, 0.3), driven_by="ckd"),
    Measure(loinc("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma"), "mg/dL",
            7, 20, 0, usual=(14, 3.5), affected=(28, 6), driven_by="ckd"),
    Measure(loinc("718-7", "Hemoglobin [Mass/volume] in Blood"), "g/dL",
            12.0, 17.5, 1, usual=(14.2, 1.2)),
    Measure(loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count"), "10*3/uL",
            4.5, 11.0, 1, usual=(7.2, 1.6)),
    Measure(loinc("777-3", "Platelets [#/volume] in Blood by Automated count"), "10*3/uL",
            150, 450, 0, usual=(265, 55)),
    Measure(loinc("2951-2", "Sodium [Moles/volume] in Serum or Plasma"), "mmol/L",
            136, 145, 0, usual=(140, 2)),
    Measure(loinc("2823-3", "Potassium [Moles/volume] in Serum or Plasma"), "mmol/L",
            3.5, 5.1, 1, usual=(4.2, 0.35)),
    Measure(loinc("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or "
                  "Plasma"), "U/L", 7, 56, 0, usual=(25, 9)),
    Measure(loinc("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"), "mIU/L",
            0.4, 4.0, 2, usual=(1.9, 0.7), affected=(7.5, 2.5), driven_by="hypothyroidism"),
)

# Vital signs whose value does not depend on the patient's body (height, weight and BMI do:
# they come from the patient's build, so the three always agree).
VITALS: tuple[Measure, ...] = (
    Measure(loinc("8867-4", "Heart rate"), "/min", 60, 100, 0, usual=(74, 9)),
    Measure(loinc("9279-1", "Respiratory rate"), "/min", 12, 20, 0, usual=(15, 2)),
    Measure(loinc("8310-5", "Body temperature"), "Cel", 36.1, 37.2, 1, usual=(36.7, 0.3)),
    Measure(loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"), "%",
            95, 100, 0, usual=(97.5, 1.2), affected=(93, 2), driven_by="copd", ceiling=100),
)
BODY_HEIGHT = Measure(loinc("8302-2", "Body height"), "cm", None, None, 1, usual=(0, 0))
BODY_WEIGHT = Measure(loinc("29463-7", "Body weight"), "kg", None, None, 1, usual=(0, 0))
OBESE_BMI = (34.0, 3.5)
BMI = Measure(loinc("39156-5", "Body mass index (BMI) [Ratio]"), "kg/m2", 18.5, 24.9, 1,
              usual=(24.0, 3.0), affected=OBESE_BMI, driven_by="obesity")
BODY_MEASURES: tuple[Measure, ...] = (BODY_HEIGHT, BODY_WEIGHT, BMI)

# Blood pressure is one record (the panel) with two components, as FHIR has it.
BP_PANEL = loinc("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = loinc("8480-6", "Systolic blood pressure")
DIASTOLIC = loinc("8462-4", "Diastolic blood pressure")
BP_UNIT = "mm[Hg]"
BP_REFERENCE_RANGE = "90-139/60-89 mm[Hg]"
BP_HIGH = (140, 90)     # systolic or diastolic at or above: "H" (stage 2 hypertension)
BP_LOW = (90, 60)       # below: "L"
BP_USUAL = ((118, 10), (76, 7))         # (systolic mean, sd), (diastolic mean, sd)
BP_HYPERTENSIVE = ((146, 11), (92, 7))


def bp_interpretation(systolic: int, diastolic: int) -> str:
    if systolic >= BP_HIGH[0] or diastolic >= BP_HIGH[1]:
        return "H"
    if systolic < BP_LOW[0] or diastolic < BP_LOW[1]:
        return "L"
    return "N"


# -- Conditions and what treats them -------------------------------------------------------
METFORMIN = rxnorm("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
LISINOPRIL = rxnorm("314076", "lisinopril 10 MG Oral Tablet")
AMLODIPINE = rxnorm("197361", "amlodipine 5 MG Oral Tablet")
HYDROCHLOROTHIAZIDE = rxnorm("310798", "Hydrochlorothiazide 25 MG Oral Tablet")
ATORVASTATIN = rxnorm("617311", "atorvastatin 40 MG Oral Tablet")
SIMVASTATIN = rxnorm("314231", "Simvastatin 10 MG Oral Tablet")
ALBUTEROL = rxnorm("745679", "200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler")
FLUTICASONE = rxnorm("895994", "120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler")
LEVOTHYROXINE = rxnorm("966222", "Levothyroxine Sodium 0.075 MG Oral Tablet")
AMOXICILLIN = rxnorm("308182", "Amoxicillin 250 MG Oral Capsule")
ACETAMINOPHEN = rxnorm("313782", "Acetaminophen 325 MG Oral Tablet")
IBUPROFEN = rxnorm("198405", "Ibuprofen 100 MG Oral Tablet")
ASPIRIN = rxnorm("243670", "aspirin 81 MG Oral Tablet")

DIABETES = snomed("44054006", "Diabetes mellitus type 2 (disorder)")
HYPERTENSION = snomed("38341003", "Hypertensive disorder, systemic arterial (disorder)")
VIRAL_SINUSITIS = snomed("444814009", "Viral sinusitis (disorder)")


@dataclasses.dataclass(frozen=True, slots=True)
class ChronicCondition:
    """A long-term condition. ``prevalence`` is among patients of at least ``min_age``;
    ``aggravated_by`` doubles it; ``undiagnosed`` is the share of patients who have it (their
    values show it) without the diagnosis on record."""
    key: str
    concept: Concept
    prevalence: float
    min_age: int
    medications: tuple[Concept, ...] = ()
    aggravated_by: Optional[str] = None
    undiagnosed: float = 0.0


# Order matters: a condition may be aggravated only by one listed before it.
CHRONIC_CONDITIONS: tuple[ChronicCondition, ...] = (
    ChronicCondition("obesity", snomed("414916001", "Obesity (disorder)"), 0.28, 6),
    ChronicCondition("diabetes", DIABETES, 0.10, 25, (METFORMIN,), "obesity", undiagnosed=0.25),
    ChronicCondition("hypertension", HYPERTENSION, 0.28, 25, (LISINOPRIL, AMLODIPINE, HYDROCHLOROTHIAZIDE), "obesity",
                     undiagnosed=0.2),
    ChronicCondition("hyperlipidemia", snomed("55822004", "Hyperlipidemia (disorder)"), 0.22, 30,
                     (ATORVASTATIN, SIMVASTATIN), "obesity", undiagnosed=0.3),
    ChronicCondition("asthma", snomed("195967001", "Asthma (disorder)"), 0.08, 2,
                     (ALBUTEROL, FLUTICASONE)),
    ChronicCondition("ckd", snomed("433144002", "Chronic kidney disease stage 3 (disorder)"),
                     0.06, 45, (), "diabetes"),
    ChronicCondition("hypothyroidism", snomed("40930008", "Hypothyroidism (disorder)"), 0.05, 20,
                     (LEVOTHYROXINE,)),
    ChronicCondition("depression", snomed("35489007", "Depressive disorder (disorder)"), 0.08, 12),
    ChronicCondition("osteoarthritis", snomed("239873007", "Osteoarthritis of knee (disorder)"),
                     0.10, 45, (ACETAMINOPHEN,), "obesity"),
    ChronicCondition("copd", snomed("13645005", "Chronic obstructive lung disease (disorder)"),
                     0.04, 45, (ALBUTEROL,)),
)


@dataclasses.dataclass(frozen=True, slots=True)
class AcuteCondition:
    concept: Concept
    medications: tuple[Concept, ...] = ()
    max_age: int = 120


ACUTE_CONDITIONS: tuple[AcuteCondition, ...] = (
    AcuteCondition(VIRAL_SINUSITIS, (ACETAMINOPHEN,)),
    AcuteCondition(snomed("10509002", "Acute bronchitis (disorder)"), (ACETAMINOPHEN,)),
    AcuteCondition(snomed("43878008", "Streptococcal sore throat (disorder)"), (AMOXICILLIN,)),
    AcuteCondition(snomed("195662009", "Acute viral pharyngitis (disorder)"), (IBUPROFEN,)),
    AcuteCondition(snomed("65363002", "Otitis media (disorder)"), (AMOXICILLIN,), max_age=12),
    AcuteCondition(snomed("44465007", "Sprain of ankle (disorder)"), (IBUPROFEN,)),
)

DOSAGE_TEXT = {
    METFORMIN: "1 tablet by mouth once daily with the evening meal",
    LISINOPRIL: "1 tablet by mouth once daily",
    AMLODIPINE: "1 tablet by mouth once daily",
    HYDROCHLOROTHIAZIDE: "1 tablet by mouth every morning",
    ATORVASTATIN: "1 tablet by mouth once daily",
    SIMVASTATIN: "1 tablet by mouth at bedtime",
    ALBUTEROL: "2 puffs every 4 to 6 hours as needed for wheezing",
    FLUTICASONE: "2 puffs twice daily",
    LEVOTHYROXINE: "1 tablet by mouth every morning before breakfast",
    AMOXICILLIN: "1 capsule by mouth three times daily for 10 days",
    ACETAMINOPHEN: "2 tablets by mouth every 6 hours as needed for pain",
    IBUPROFEN: "2 tablets by mouth every 6 hours as needed for pain",
    ASPIRIN: "1 tablet by mouth once daily",
}


# -- Immunizations, procedures, encounters -------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Eligible:
    """A concept offered to patients of an age (in years, at the date) and, if set, a sex."""
    concept: Concept
    min_age: float = 0
    max_age: float = 120
    sex: Optional[str] = None
    weight: float = 1.0
    since_year: int = 0   # not given before this year (e.g. COVID-19 vaccines)


INFLUENZA_QUADRIVALENT = cvx("158", "influenza, injectable, quadrivalent")

IMMUNIZATIONS: tuple[Eligible, ...] = (
    Eligible(cvx("140", "Influenza, seasonal, injectable, preservative free"), 0.5, weight=4),
    Eligible(cvx("141", "Influenza, seasonal, injectable"), 0.5, weight=1),
    Eligible(cvx("150", "Influenza, injectable, quadrivalent, preservative free"), 0.5, weight=3),
    Eligible(INFLUENZA_QUADRIVALENT, 0.5, weight=2),
    Eligible(cvx("208", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative "
                 "free, 30 mcg/0.3mL dose"), 12, weight=3, since_year=2021),
    Eligible(cvx("115", "Tdap"), 11, weight=1.5),
    Eligible(cvx("113", "Td (adult) preservative free"), 19, weight=0.5),
    Eligible(cvx("33", "pneumococcal polysaccharide vaccine, 23 valent"), 65, weight=1),
    Eligible(cvx("133", "Pneumococcal conjugate PCV 13"), 0, 2, weight=2),
    Eligible(cvx("133", "Pneumococcal conjugate PCV 13"), 65, weight=0.5),
    Eligible(cvx("187", "zoster vaccine recombinant"), 50, weight=1),
    Eligible(cvx("62", "HPV, quadrivalent"), 9, 26, weight=1),
    Eligible(cvx("43", "Hep B, adult"), 19, 59, weight=0.5),
    Eligible(cvx("08", "Hep B, adolescent or pediatric"), 0, 18, weight=2),
    Eligible(cvx("20", "DTaP"), 0.1, 7, weight=2),
    Eligible(cvx("10", "IPV"), 0.1, 7, weight=2),
    Eligible(cvx("03", "MMR"), 1, 7, weight=1),
    Eligible(cvx("21", "varicella"), 1, 13, weight=1),
)

PROCEDURES: tuple[Eligible, ...] = (
    Eligible(snomed("430193006", "Medication Reconciliation (procedure)"), 0, weight=4),
    Eligible(snomed("171207006", "Depression screening (procedure)"), 12, weight=3),
    Eligible(snomed("710824005", "Assessment of health and social care needs (procedure)"), 18,
             weight=2),
    Eligible(snomed("71651007", "Mammography (procedure)"), 40, sex="female", weight=2),
    Eligible(snomed("73761001", "Colonoscopy (procedure)"), 45, weight=1),
    Eligible(snomed("399208008", "Plain chest X-ray (procedure)"), 0, weight=1),
    Eligible(snomed("127783003", "Spirometry (procedure)"), 6, weight=1),
    Eligible(snomed("117015009", "Throat culture (procedure)"), 3, weight=1),
    Eligible(snomed("36228007", "Ophthalmic examination and evaluation (procedure)"), 18, weight=1),
    Eligible(snomed("76601001", "Intramuscular injection (procedure)"), 0, weight=1),
    Eligible(snomed("80146002", "Appendectomy (procedure)"), 5, weight=0.2),
)

WELL_CHILD_VISIT = snomed("410620009", "Well child visit (procedure)")
GENERAL_EXAMINATION = snomed("162673000", "General examination of patient (procedure)")
FOLLOW_UP_ENCOUNTER = snomed("390906007", "Follow-up encounter (procedure)")

ENCOUNTERS: tuple[Eligible, ...] = (
    Eligible(WELL_CHILD_VISIT, 0, 18, weight=5),
    Eligible(GENERAL_EXAMINATION, 18, weight=5),
    Eligible(snomed("185349003", "Encounter for check up (procedure)"), 0, weight=2),
    Eligible(snomed("185345009", "Encounter for symptom (procedure)"), 0, weight=3),
    Eligible(snomed("185347001", "Encounter for problem (procedure)"), 0, weight=2),
    Eligible(FOLLOW_UP_ENCOUNTER, 0, weight=2),
    Eligible(snomed("702927004", "Urgent care clinic (environment)"), 0, weight=1.5),
    Eligible(snomed("50849002", "Emergency room admission (procedure)"), 0, weight=0.5),
)


# -- Allergies, documents, other -----------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Allergy:
    concept: Concept
    reactions: tuple[str, ...]
    criticality: str


ALLERGIES: tuple[Allergy, ...] = (
    Allergy(snomed("91936005", "Allergy to penicillin (finding)"), ("Hives", "Rash"), "high"),
    Allergy(snomed("91935009", "Allergy to peanuts (finding)"), ("Anaphylaxis", "Hives"), "high"),
    Allergy(snomed("300913006", "Shellfish allergy (finding)"), ("Hives", "Vomiting"), "high"),
    Allergy(snomed("417532002", "Allergy to fish (finding)"), ("Hives",), "low"),
    Allergy(snomed("300916003", "Latex allergy (finding)"), ("Contact dermatitis",), "low"),
    Allergy(snomed("232350006", "House dust mite allergy (finding)"), ("Sneezing", "Wheezing"), "low"),
    Allergy(snomed("418689008", "Allergy to grass pollen (finding)"), ("Allergic rhinitis",), "low"),
    Allergy(snomed("419474003", "Allergy to mould (finding)"), ("Allergic rhinitis",), "low"),
    Allergy(rxnorm("1191", "Aspirin"), ("Wheezing", "Hives"), "high"),
    Allergy(rxnorm("2670", "Codeine"), ("Nausea", "Itching"), "low"),
    Allergy(rxnorm("10831", "Sulfamethoxazole"), ("Rash",), "high"),
)

DOCUMENTS: tuple[Concept, ...] = (
    loinc("11506-3", "Progress note"),
    loinc("34117-2", "History and physical note"),
    loinc("18842-5", "Discharge summary"),
)

SMOKING_STATUS = loinc("72166-2", "Tobacco smoking status")
SMOKING_VALUES: tuple[tuple[str, float], ...] = (
    ("Never smoker", 0.62), ("Former smoker", 0.24), ("Current every day smoker", 0.11),
    ("Current some day smoker", 0.03),
)
PHQ2 = Measure(loinc("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score "
                     "[Reported]"), "{score}", None, 2, 0, usual=(0.6, 0.8), affected=(3.6, 1.2),
               driven_by="depression", min_age=12, ceiling=6)

# The FHIR resource a record of each category would have come from.
FHIR_TYPES: dict[RecordCategory, str] = {
    RecordCategory.LAB: "Observation",
    RecordCategory.VITAL_SIGN: "Observation",
    RecordCategory.OTHER: "Observation",
    RecordCategory.CONDITION: "Condition",
    RecordCategory.PROCEDURE: "Procedure",
    RecordCategory.MEDICATION: "MedicationRequest",
    RecordCategory.IMMUNIZATION: "Immunization",
    RecordCategory.ALLERGY: "AllergyIntolerance",
    RecordCategory.ENCOUNTER: "Encounter",
    RecordCategory.DOCUMENT: "DocumentReference",
}

# -- People --------------------------------------------------------------------------------
FEMALE_FIRST_NAMES = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Lisa", "Nancy", "Sandra", "Ashley", "Emily", "Michelle", "Amanda", "Melissa",
    "Olivia", "Sophia", "Isabella", "Mia", "Aisha", "Mei", "Priya", "Camila", "Fatima", "Yuki",
)
MALE_FIRST_NAMES = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Andrew", "Joshua", "Kevin",
    "Liam", "Noah", "Ethan", "Lucas", "Omar", "Wei", "Arjun", "Mateo", "Kwame", "Hiroshi",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim", "Chen", "Okafor",
)

GENDERS: tuple[tuple[str, float], ...] = (
    ("female", 0.505), ("male", 0.485), ("other", 0.006), ("unknown", 0.004),
)
# (lowest age, highest age, share): roughly the US age pyramid, up to 95.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 4, 0.06), (5, 17, 0.16), (18, 34, 0.22), (35, 49, 0.19), (50, 64, 0.19),
    (65, 79, 0.13), (80, 95, 0.05),
)
# (lowest age, share who died in the last few years).
DECEASED_SHARE: tuple[tuple[int, float], ...] = ((0, 0.002), (60, 0.03), (80, 0.12))

SPECIALTIES: tuple[tuple[str, float], ...] = (
    ("Family Medicine", 6), ("Internal Medicine", 4), ("Pediatrics", 3), ("Cardiology", 1.5),
    ("Endocrinology", 1), ("Pulmonology", 1), ("Nephrology", 0.7), ("Allergy and Immunology", 0.7),
    ("Emergency Medicine", 1.5), ("Obstetrics and Gynecology", 1.5),
)
