"""Hostile query shapes get a clear error naming what was wrong, and nothing runs."""
from __future__ import annotations

from tests.support import Api, Population


async def test_deeply_nested_documents_are_refused_before_parsing_ends(api: Api, population: Population):
    # The schema has no cycles, so real fields cannot nest past the depth limit; the classic
    # deep `ofType` introspection is what the parser's own nesting limit stops.
    population.patient("p1")
    inner = "name"
    for _ in range(2600):
        inner = f"ofType {{ {inner} }}"
    response = await api.as_patient("p1", "{ __schema { types { " + inner + " } } }")
    assert response.data is None
    assert response.errors[0]["message"] == "Syntax Error: Document is nested too deeply. Parsing aborted."


async def test_too_many_aliases_and_tokens(api: Api, population: Population):
    population.patient("p1")
    aliases = "{ " + " ".join(f"a{i}: me {{ __typename }}" for i in range(31)) + " }"
    response = await api.as_patient("p1", aliases)
    assert response.data is None and "aliases" in response.errors[0]["message"]
    tokens = "{ me { " + " ".join("__typename" for _ in range(6000)) + " } }"
    response = await api.as_patient("p1", tokens)
    assert response.data is None and "token" in response.errors[0]["message"].lower()


async def test_unknown_fields_name_the_field(api: Api, population: Population):
    population.patient("p1")
    response = await api.as_patient("p1", "{ me { ... on Patient { nmae } } }")
    assert response.codes() == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Cannot query field 'nmae' on type 'Patient'" in response.errors[0]["message"]


async def test_bad_variables_are_bad_input_naming_the_variable(api: Api, population: Population):
    population.patient("p1")
    query = "query($id: ID!, $first: Int, $c: RecordCategory) { patient(id: $id) { records(first: $first, category: $c) { totalCount } } }"
    for variables, name in (({"id": "p1", "first": 2147483648}, "first"), ({"id": "p1", "first": "abc"}, "first"),
                            ({"id": "p1", "c": "FOO"}, "c"), ({}, "id")):
        response = await api.as_patient("p1", query, variables)
        assert response.codes() == ["BAD_USER_INPUT"], response.body
        assert response.errors[0]["extensions"]["argument"] == name
    grant = 'mutation { grantAccess(input: { granteeId: "x", expiresAt: "garbage" }) { id } }'
    response = await api.as_patient("p1", grant)
    assert response.codes() == ["GRAPHQL_VALIDATION_FAILED"]
    assert "int()" not in response.errors[0]["message"]
    broken = await api.as_patient("p1", "{ me { ")
    assert broken.codes() == ["GRAPHQL_PARSE_FAILED"]
