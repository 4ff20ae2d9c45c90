"""Hostile query shapes get a clear error naming what was wrong, and nothing runs."""
from __future__ import annotations

import pytest

from model.categories import RecordCategory
from model.record_size import RecordTooLarge
from p360.introspection import is_introspection_only
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
    assert response.errors[0]["message"].endswith(
        '"garbage". Expected ISO 8601 with a UTC offset, e.g. 2026-12-01T09:30:00Z.')
    broken = await api.as_patient("p1", "{ me { ")
    assert broken.codes() == ["GRAPHQL_PARSE_FAILED"]


def fan_out(levels: int, on_type: str, field: str, root: str) -> str:
    """``levels`` fragments, each spreading the next twice: 2**levels paths in ~60 bytes a level."""
    fragments = " ".join(f"fragment F{i} on {on_type} {{ {field} ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"query {{ {root} {{ ...F0 }} }} {fragments} fragment F{levels} on {on_type} {{ {field} }}"


async def test_fragments_that_fan_out_are_measured_once_each(api: Api, population: Population):
    # 2**24 paths: walked path by path (as the limiters did before), validation held the event
    # loop for minutes; measured fragment by fragment it is immediate.
    population.patient("p1")
    response = await api.as_patient("p1", fan_out(24, "Patient", "id", "me"))
    assert response.body == {"data": {"me": {"id": "p1"}}}
    aliased = await api.as_patient("p1", fan_out(24, "Patient", "a: id", "me"))
    assert aliased.codes() == ["GRAPHQL_VALIDATION_FAILED"]
    assert aliased.errors[0]["message"] == "over a million aliases found. Allowed: 30"
    deeper = await api.as_patient("p1", fan_out(26, "Patient", "id", "me"))
    assert deeper.codes() == ["GRAPHQL_VALIDATION_FAILED"]
    assert deeper.errors[0]["message"] == "fragments spread fragments more than 25 deep"


async def test_fragments_that_fan_out_are_measured_once_without_a_token_too(api: Api):
    # Development mode answers introspection-only documents without a token.
    response = await api.post(fan_out(24, "__Schema", "description", "__schema"))
    assert response.body == {"data": {"__schema": {"description": None}}}
    chain = " ".join(f"fragment F{i} on __Schema {{ ...F{i + 1} }}" for i in range(500))
    response = await api.post(f"{{ __schema {{ ...F0 }} }} {chain} fragment F500 on __Schema {{ description }}")
    assert response.errors[0]["message"] == "fragments spread fragments more than 25 deep"


async def test_aliases_spread_by_fragments_count_each_time_they_are_spread(api: Api, population: Population):
    population.patient("p1")
    fragment = "fragment A on Patient { " + " ".join(f"a{i}: id" for i in range(8)) + " }"
    four_times = "{ me { ... on Patient { ...A ...A } ...A ...A } } " + fragment
    response = await api.as_patient("p1", four_times)
    assert response.errors[0]["message"] == "32 aliases found. Allowed: 30"
    three_times = "{ me { ... on Patient { ...A ...A } ...A } } " + fragment
    response = await api.as_patient("p1", three_times)
    assert response.body == {"data": {"me": {f"a{i}": "p1" for i in range(8)}}}


async def test_a_field_repeated_past_the_limit_is_refused_before_validation(api: Api, population: Population):
    # graphql-core checks every pair of same-named fields: 1,200 `me { __typename }` (under the
    # token limit) held the event loop for over a second.
    population.patient("p1")
    response = await api.as_patient("p1", "{ " + " ".join(["me { __typename }"] * 1200) + " }")
    assert response.errors[0]["message"] == "'me' is selected 1200 times in one selection set. Allowed: 50"
    # Fragments count once each, as execution collects them; inline fragments merge.
    fragments = " ".join(f"fragment F{i} on Patient {{ id }}" for i in range(30))
    spreads = " ".join(f"...F{i} ...F{i}" for i in range(30))
    response = await api.as_patient("p1", f"{{ me {{ ... on Patient {{ {spreads} id }} }} }} {fragments}")
    assert response.body == {"data": {"me": {"id": "p1"}}}
    response = await api.as_patient("p1", "{ me { ... on Patient { " + "id " * 26 + "} " + "id " * 25 + "} }")
    assert response.errors[0]["message"] == "'id' is selected 51 times in one selection set. Allowed: 50"


async def test_a_record_over_its_size_limits_is_refused_naming_the_field_and_nothing_is_stored(
        api: Api, population: Population):
    population.patient("p1")
    mutation = 'mutation($input: RecordInput!) { addRecord(patientId: "p1", input: $input) { id } }'
    for record, argument in (
            ({"category": "LAB", "display": "x" * 1001}, "input.display"),
            ({"category": "LAB", "components": [{"unit": "u" * 101}]}, "input.components[0].unit"),
            ({"category": "LAB", "components": [{"display": "part"}] * 101}, "input.components")):
        response = await api.as_patient("p1", mutation, {"input": record})
        assert response.codes() == ["BAD_USER_INPUT"], response.body
        assert response.errors[0]["extensions"]["argument"] == argument
    at_the_limits = {"category": "LAB", "display": "x" * 1000, "components": [{"unit": "u" * 100}] * 100}
    assert (await api.as_patient("p1", mutation, {"input": at_the_limits})).codes() == []
    listing = await api.as_patient("p1", "{ me { ... on Patient { records { totalCount edges { node { components { unit } } } } } } }")
    records = listing.data["me"]["records"]
    assert records["totalCount"] == 1 and len(records["edges"][0]["node"]["components"]) == 100


def test_a_document_over_the_token_limit_is_not_read_as_introspection_only():
    # Read before any token is checked: parsed without the limit, 10 MB of `__typename` held the
    # event loop for 14 s for a caller who never signed in.
    assert is_introspection_only({"query": "{" + " __typename" * 4000 + "}"})
    assert not is_introspection_only({"query": "{" + " __typename" * 6000 + "}"})


async def test_a_record_over_the_size_every_reader_can_take_is_refused_by_every_writer(api: Api, population: Population):
    # A provider's 1 MB addRecord of 250,000 empty parts, or an imported Observation with a
    # 20,000,000-character value, was stored, and every later read of the patient's records, and
    # of every patient read in the same batch, failed.
    population.patient("p1")
    population.provider("doc")
    population.grant("p1", "doc")
    mutation = 'mutation($input: RecordInput!) { addRecord(patientId: "p1", input: $input) { id } }'
    # Refused before the variables are coerced (250,000 input objects took 13 s).
    response = await api.as_provider("doc", mutation, {"input": {"category": "EPISODE", "components": [{}] * 250_000}})
    assert response.codes() == ["BAD_USER_INPUT"], response.body
    assert response.errors[0]["extensions"]["argument"] == "input"
    assert "the list at input.components has 250,000 items; at most 1,000" in response.errors[0]["message"]
    # Within every field's limit, over the record's: 100 parts of 2,800 characters each.
    part = {"code": "c" * 200, "system": "s" * 500, "display": "d" * 1000, "value": "v" * 1000, "unit": "u" * 100}
    response = await api.as_provider("doc", mutation, {"input": {"category": "EPISODE", "components": [part] * 100}})
    assert response.codes() == ["BAD_USER_INPUT"], response.body
    assert response.errors[0]["extensions"]["argument"] == "input"
    assert "characters of text; at most 100,000" in response.errors[0]["message"]
    with pytest.raises(RecordTooLarge):
        population.record("p1", RecordCategory.LAB, display="x" * 100_001)
    listing = await api.as_patient("p1", "{ me { ... on Patient { records { totalCount } } } }")
    assert listing.body == {"data": {"me": {"records": {"totalCount": 0}}}}


async def test_records_as_large_as_allowed_read_back_in_one_batch(api: Api, population: Population):
    # Pages of many patients are read in one traversal. The embedded engine's own string limit
    # (16 MiB per script value) made such a batch unreadable: our scripts are generated, never
    # user-written, so it is off; a remote answer may be up to 64 MiB.
    population.provider("doc")
    for patient in ("p1", "p2"):
        population.patient(patient)
        population.grant(patient, "doc")
        for _ in range(100):
            population.record(patient, RecordCategory.DOCUMENT, display="x" * 99_000)
    response = await api.as_provider("doc", "{ myPatients { records(first: 100) { edges { node { display } } } } }")
    assert response.codes() == [], response.body
    pages = [patient["records"]["edges"] for patient in response.data["myPatients"]]
    assert [len(page) for page in pages] == [100, 100]
    assert {len(e["node"]["display"]) for page in pages for e in page} == {99_000}
