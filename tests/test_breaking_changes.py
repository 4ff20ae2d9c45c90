"""The breaking-change gate: the SDL against the last released one (schema/released.graphql),
compared by graphql-core's find_breaking_changes; every breaking change must be acknowledged
in CHANGELOG.md's Unreleased section by a line `BREAKING: <the change as printed here>`."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from graphql import ObjectTypeDefinitionNode, build_schema, find_breaking_changes, parse, print_ast

ROOT = Path(__file__).resolve().parents[1]
RELEASED = ROOT / "schema" / "released.graphql"
CURRENT = ROOT / "schema" / "schema.graphql"
CHANGELOG = ROOT / "CHANGELOG.md"


def unreleased_section(changelog: str) -> str:
    match = re.search(r"^## Unreleased[ \t]*\n(.*?)(?=^## |\Z)", changelog, flags=re.MULTILINE | re.DOTALL)
    assert match, "CHANGELOG.md needs a '## Unreleased' section"
    return match.group(1)


def unacknowledged_breaking_changes(released_sdl: str, current_sdl: str, changelog: str) -> list[str]:
    acknowledged = unreleased_section(changelog)
    changes = find_breaking_changes(build_schema(released_sdl), build_schema(current_sdl))
    return [c.description for c in changes if f"BREAKING: {c.description}" not in acknowledged]


def test_the_schema_makes_no_unacknowledged_breaking_change():
    missing = unacknowledged_breaking_changes(RELEASED.read_text(), CURRENT.read_text(), CHANGELOG.read_text())
    assert missing == [], (
        "breaking changes against schema/released.graphql; acknowledge each in CHANGELOG.md under "
        "'## Unreleased' with a line 'BREAKING: <change>' and what clients should do:\n"
        + "\n".join(f"  BREAKING: {m}" for m in missing))


RELEASED_SAMPLE = '''
"Reads." type Query { patient(id: ID!): Patient  me: String }
"A patient." type Patient { id: ID!  name: String  gender: String }
"Kinds." enum RecordCategory { LAB VITAL_SIGN }
'''
CHANGELOG_SAMPLE = """# Changelog

## Unreleased

- BREAKING: Field Patient.gender was removed. Clients read `Patient.sex`.

## 0.1.0

- BREAKING: Enum value RecordCategory.VITAL_SIGN was removed. (an old release: no longer counts)
"""


def test_the_gate_detects_breaking_changes_and_honours_acknowledgements():
    current = '''
    "Reads." type Query { patient(id: ID!, at: String!): Patient }
    "A patient." type Patient { id: ID!  name: Int  sex: String }
    "Kinds." enum RecordCategory { LAB }
    '''
    assert unacknowledged_breaking_changes(RELEASED_SAMPLE, current, CHANGELOG_SAMPLE) == [
        "Field Query.me was removed.",
        "A required argument Query.patient(at:) was added.",
        "Field Patient.name changed type from String to Int.",
        "Enum value RecordCategory.VITAL_SIGN was removed.",
    ]


def test_additions_are_not_breaking():
    current = '''
    "Reads." type Query { patient(id: ID!, asOf: String): Patient  me: String  extra: Int }
    "A patient." type Patient { id: ID!  name: String  gender: String  age: Int }
    "Kinds." enum RecordCategory { LAB VITAL_SIGN OTHER }
    '''
    assert unacknowledged_breaking_changes(RELEASED_SAMPLE, current, "## Unreleased\n") == []


def without_field(sdl: str, type_name: str, field_name: str) -> str:
    document = parse(sdl)
    definitions = tuple(
        dataclasses.replace(d, fields=tuple(f for f in d.fields if f.name.value != field_name))
        if isinstance(d, ObjectTypeDefinitionNode) and d.name.value == type_name else d
        for d in document.definitions)
    return print_ast(dataclasses.replace(document, definitions=definitions))


def test_the_gate_sees_a_change_to_the_real_schema():
    """Removing a contract field from the committed SDL is caught, until acknowledged."""
    released = RELEASED.read_text()
    changed = without_field(released, "Patient", "accessLog")
    assert unacknowledged_breaking_changes(released, changed, "## Unreleased\n") == [
        "Field Patient.accessLog was removed."]
    acknowledged = "## Unreleased\n- BREAKING: Field Patient.accessLog was removed. Use Query.auditTrail.\n"
    assert unacknowledged_breaking_changes(released, changed, acknowledged) == []
