"""The authorization matrix, generated from the schema: every field that carries @consent ×
every kind of viewer × every grant state. A new @consent field is covered without anyone
remembering to add it; a type that gains one needs a path below (the test says so)."""
from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type

from authz.policy import ConsentPolicy
from model.categories import ALL_CATEGORIES, RecordCategory as C
from model.nodes import RecordComponentData
from schema.build import build_schema
from tests.support import Api, Population

STATES = ["none", "active", "expired", "revoked", "other_category", "other_patients_grant"]
ROLES = ["self", "other_patient", "provider", "payor", "admin"]
BYSTANDER = "pt-bystander"

# How a query reaches a node of each type that has @consent fields, for patient $id.
PATHS = {
    "Query": "{FIELD}",
    "Patient": "patient(id: $id) { id {FIELD} }",
    "Record": "patient(id: $id) { records(category: LAB, first: 5) { edges { node { id {FIELD} } } } }",
}


def consent_fields() -> list[tuple[str, str, str]]:
    """(type, field, need) for every field with the @consent directive in the SDL."""
    schema = build_schema()
    found = []
    for type_def in schema._schema.type_map.values():
        if not isinstance(type_def, GraphQLObjectType) or type_def.name.startswith("__"):
            continue
        for name, field in type_def.fields.items():
            definition = field.extensions.get("strawberry-definition")
            for directive in getattr(definition, "directives", []) or []:
                if type(directive).__name__ == "Consent":
                    found.append((type_def.name, name, directive.data.value))
    return sorted(found)


def selection(schema, type_name: str, field_name: str) -> str:
    field = schema._schema.type_map[type_name].fields[field_name]
    named = get_named_type(field.type)
    if not isinstance(named, GraphQLObjectType) and not hasattr(named, "types"):
        return field_name
    if field_name == "records":
        return "records { totalCount edges { node { id value category } } }"
    if hasattr(named, "types"):
        return f"{field_name} {{ __typename }}"
    scalars = [n for n, f in named.fields.items()
               if not isinstance(get_named_type(f.type), GraphQLObjectType) and not hasattr(get_named_type(f.type), "types")
               and not any(isinstance(a.type, GraphQLNonNull) for a in f.args.values())]
    return f"{field_name} {{ {' '.join(scalars)} }}"


def expected(role: str, state: str, need: str, type_name: str, field: str) -> bool:
    """The contract's consent rules, written independently of the policy under test."""
    provider_sees_patient = state in ("active", "other_category")
    provider_sees_lab = state == "active"
    payor_grant_active = state in ("active", "other_category")
    if role == "self":
        return need != "GRANTEE"  # grants *to me* are a grantee's question
    if role == "other_patient":
        return False
    demographics = {"provider": provider_sees_patient, "payor": True, "admin": True}[role]
    if type_name == "Query" or need == "DEMOGRAPHICS":
        return demographics
    if need == "RECORDS":
        if type_name == "Record":
            return role == "provider" and provider_sees_lab
        return role == "provider" and provider_sees_patient  # the (filtered) list itself
    if need == "GRANTEE":
        return {"provider": provider_sees_patient, "payor": payor_grant_active, "admin": False}[role]
    return False  # OWNER


def setup_population(population: Population) -> None:
    population.provider("doc", "Dr. Doc")
    population.patient(BYSTANDER, "Bystander")
    population.grant(BYSTANDER, "doc", [C.LAB])
    population.grant(BYSTANDER, "payor", [C.LAB], grantee_type="Payor")
    grants = {
        "active": dict(categories=[C.LAB]),
        "expired": dict(categories=[C.LAB], days=-1),
        "revoked": dict(categories=[C.LAB], revoked=True),
        "other_category": dict(categories=[C.VITAL_SIGN]),
    }
    for state in STATES:
        pid = f"pt-{state}"
        population.patient(pid, f"SECRET-NAME-{pid}")
        population.record(pid, C.LAB, record_id=f"lab-{pid}", value=f"SECRET-LAB-{pid}", author_id="doc",
                          reference_range="4.0-5.6", interpretation="H",
                          components=[RecordComponentData(code="x", display="part", value="1", unit="%")])
        population.record(pid, C.VITAL_SIGN, record_id=f"vital-{pid}", value=f"vital-{pid}")
        if state in grants:
            population.grant(pid, "doc", **grants[state])
            population.grant(pid, "payor", grantee_type="Payor", **grants[state])


def token_for(api: Api, role: str, pid: str) -> str:
    return {
        "self": lambda: api.token(pid, "patients"),
        "other_patient": lambda: api.token(BYSTANDER, "patients"),
        "provider": lambda: api.token("doc", "providers"),
        "payor": lambda: api.token("payor", "payors"),
        "admin": lambda: api.token("admin-1", "admins"),
    }[role]()


def field_value(data, type_name: str, field: str):
    if data is None:
        return None
    if type_name == "Query":
        return data.get(field)
    patient = data.get("patient")
    if patient is None:
        return None
    if type_name == "Patient":
        return patient.get(field)
    records = patient.get("records")
    edges = (records or {}).get("edges") or []
    lab = [e["node"] for e in edges if e["node"]["id"].startswith("lab-")]
    return lab[0].get(field) if lab else None


async def run_matrix(api: Api) -> list[str]:
    schema = build_schema()
    fields = consent_fields()
    failures: list[str] = []
    missing = {t for t, _, _ in fields} - set(PATHS)
    assert not missing, f"add a path to PATHS for types with @consent fields: {missing}"

    async def one(type_name: str, field: str, need: str, role: str, state: str) -> None:
        pid = f"pt-{state}"
        sel = selection(schema, type_name, field)
        if type_name == "Query":
            sel = f"{field}(id: $id) {{ id name }}"
        query = "query Matrix($id: ID!) { " + PATHS[type_name].replace("{FIELD}", sel) + " }"
        response = await api.post(query, {"id": pid}, token=token_for(api, role, pid))
        text = json.dumps(response.body)
        allowed = expected(role, state, need, type_name, field)
        where = f"{type_name}.{field} as {role} with grant {state}"
        value = field_value(response.data, type_name, field)
        if response.status != 200 or any(c not in ("FORBIDDEN",) for c in response.codes()):
            failures.append(f"{where}: unexpected response {text}")
        if allowed and value is None:
            failures.append(f"{where}: expected a value, got {text}")
        if not allowed and value not in (None, []):
            failures.append(f"{where}: expected nothing, got {value!r}")
        lab_visible = role == "self" or (role == "provider" and state == "active")
        name_visible = expected(role, state, "DEMOGRAPHICS", "Patient", "name")
        if f"SECRET-LAB-{pid}" in text and not lab_visible:
            failures.append(f"{where}: LEAK of a lab value: {text}")
        if f"SECRET-NAME-{pid}" in text and not name_visible:
            failures.append(f"{where}: LEAK of a name: {text}")

    combos = list(itertools.product(fields, ROLES, STATES))
    for chunk in range(0, len(combos), 24):
        await asyncio.gather(*(one(t, f, n, role, state) for (t, f, n), role, state in combos[chunk:chunk + 24]))
    return failures


def test_the_matrix_covers_every_consent_field():
    fields = consent_fields()
    names = {f"{t}.{f}" for t, f, _ in fields}
    assert {"Query.patient", "Patient.name", "Patient.records", "Patient.grants", "Patient.accessLog",
            "Record.value", "Record.author"} <= names
    schema = build_schema()
    for type_name, field, _ in fields:  # every @consent field is nullable (contract)
        assert not isinstance(schema._schema.type_map[type_name].fields[field].type, GraphQLNonNull), field


async def test_authorization_matrix(api: Api, population: Population):
    setup_population(population)
    failures = await run_matrix(api)
    assert not failures, "\n".join(failures[:40])


async def test_backstop_holds_when_a_loader_forgets_the_scope(api: Api, population: Population,
                                                              monkeypatch: pytest.MonkeyPatch):
    """Break the push-down on purpose: the @consent field extension alone must still keep
    every record field of an uncovered category from the viewer."""
    setup_population(population)
    monkeypatch.setattr(ConsentPolicy, "visible_categories", lambda self, access, wanted: ALL_CATEGORIES)
    query = """query($id: ID!) { patient(id: $id) { records(first: 10) { edges { node {
        id category value code display unit status effectiveAt referenceRange interpretation source
        components { value } author { name } } } } } }"""
    response = await api.post(query, {"id": "pt-other_category"}, token=api.token("doc", "providers"))
    nodes = [e["node"] for e in response.data["patient"]["records"]["edges"]]
    lab = next(n for n in nodes if n["category"] == "LAB")
    assert all(v is None for k, v in lab.items() if k not in ("id", "category")), lab
    vital = next(n for n in nodes if n["category"] == "VITAL_SIGN")
    assert vital["value"] == "vital-pt-other_category"
    assert "SECRET-LAB" not in json.dumps(response.body)
    assert set(response.codes()) == {"FORBIDDEN"}


def test_plain_guarded_fields_call_their_guards_directly():
    """schema/direct_guards.py: every guarded field that only reads an attribute (no resolver,
    no arguments) is resolved by calling its extensions directly; the backstop test above
    shows those calls still refuse."""
    schema = build_schema()
    direct = {f"{type_name}.{name}"
              for type_name, graphql_type in schema._schema.type_map.items()
              if isinstance(graphql_type, GraphQLObjectType)
              for name, field in graphql_type.fields.items()
              if getattr(field.resolve, "func", None) is not None
              and type(getattr(field.resolve.func, "__self__", None)).__name__ in ("ConsentExtension", "AuthExtension")}
    assert direct == {"Patient.name", "Patient.birthDate", "Patient.gender"} | {
        f"Record.{name}" for name in ("code", "system", "display", "value", "unit", "components",
                                      "referenceRange", "interpretation", "status", "effectiveAt", "source")}


SINGLE = [C.LAB, C.VITAL_SIGN, C.CONDITION, C.PROCEDURE, C.MEDICATION, C.IMMUNIZATION,
          C.ALLERGY, C.ENCOUNTER, C.DOCUMENT, C.OTHER]

LIST = """query Listing { myPatients { id records(first: 50) {
    totalCount edges { node { id category value author { id } } } } } }"""


async def test_a_provider_lists_records_of_eleven_patients_with_distinct_grants(api: Api, population: Population):
    # Patients who show the same categories are paged together, one union branch per set of
    # categories; the engine takes at most ten arguments per step, and eleven sets once made
    # every records field of the request an internal error.
    population.provider("doc", "Dr. Doc")
    expected: dict[str, set[str]] = {}
    # Ten patients grant one category each ({X, EPISODE} visible), the eleventh EPISODE only:
    # eleven different sets of visible categories in one page round.
    for i, granted in enumerate(SINGLE + [C.EPISODE]):
        pid = f"pt-{i:02d}"
        population.patient(pid, f"Patient {i}")
        population.grant(pid, "doc", [granted])
        population.record(pid, granted, record_id=f"seen-{pid}", value=f"seen-{pid}")
        hidden = C.LAB if granted is not C.LAB else C.VITAL_SIGN
        population.record(pid, hidden, record_id=f"hidden-{pid}", value=f"HIDDEN-{pid}")
        expected[pid] = {f"seen-{pid}"}

    response = await api.as_provider("doc", LIST)

    assert response.errors == [], response.errors
    got = {p["id"]: {e["node"]["id"] for e in p["records"]["edges"]} for p in response.data["myPatients"]}
    assert got == expected
    assert all(p["records"]["totalCount"] == 1 for p in response.data["myPatients"])
    assert "HIDDEN-" not in json.dumps(response.body)


async def test_two_patients_with_different_grants_in_one_request_do_not_cross_over(api: Api, population: Population):
    """One provider, LAB from A and VITAL_SIGN from B, both in one request by every path
    (aliases, myPatients, category filters, authors): neither's grant leaks into the other's."""
    population.provider("doc", "Dr. Doc")
    for pid in ("pt-a", "pt-b"):
        population.patient(pid, f"Patient {pid}")
        population.record(pid, C.LAB, record_id=f"lab-{pid}", value=f"LAB-{pid}", author_id="doc")
        population.record(pid, C.VITAL_SIGN, record_id=f"vital-{pid}", value=f"VITAL-{pid}", author_id="doc")
    population.grant("pt-a", "doc", [C.LAB])
    population.grant("pt-b", "doc", [C.VITAL_SIGN])
    page = "totalCount edges { node { id category value display author { name } } }"
    query = f"""query Both {{
      a: patient(id: "pt-a") {{ records {{ {page} }} vital: records(category: VITAL_SIGN) {{ {page} }} }}
      b: patient(id: "pt-b") {{ records {{ {page} }} lab: records(category: LAB) {{ {page} }} }}
      myPatients {{ id records(first: 5) {{ {page} }} }}
    }}"""

    response = await api.as_provider("doc", query)

    text = json.dumps(response.body)
    assert response.errors == [], response.errors
    assert "VITAL-pt-a" not in text and "LAB-pt-b" not in text
    assert "LAB-pt-a" in text and "VITAL-pt-b" in text
    assert response.data["a"]["vital"]["totalCount"] == 0
    assert response.data["b"]["lab"]["totalCount"] == 0
