"""The committed SDL is what clients generate code from: it must equal the schema."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLUnionType

from schema.build import build_schema, export_sdl

SDL = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def test_committed_sdl_equals_export_schema():
    exported = subprocess.run([sys.executable, "-m", "p360.cli", "export-schema"],
                              capture_output=True, text=True, check=True).stdout
    assert exported == export_sdl()
    assert SDL.read_text() == exported, "run: p360 export-schema > schema/schema.graphql"


def test_every_type_field_argument_and_enum_value_is_described():
    schema = build_schema()._schema
    missing = []
    for name, type_def in schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not type_def.description:
            missing.append(name)
        if isinstance(type_def, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in type_def.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_def, GraphQLEnumType):
            for value_name, value in type_def.values.items():
                if not value.description:
                    missing.append(f"{name}.{value_name}")
        if isinstance(type_def, GraphQLUnionType) and not type_def.description:
            missing.append(name)
    assert not missing, missing


CONTRACT = {
    "Query": {"me": ("Viewer!", {}), "patient": ("Patient", {"id": "ID!"}), "myPatients": ("[Patient!]!", {}),
              "members": ("PatientConnection!", {"first": "Int", "after": "String"}),
              "providers": ("ProviderConnection!", {"search": "String", "first": "Int", "after": "String"})},
    "Mutation": {"grantAccess": ("Grant!", {"input": "GrantAccessInput!"}), "revokeGrant": ("Grant!", {"id": "ID!"}),
                 "addRecord": ("Record!", {"patientId": "ID!", "input": "RecordInput!"}),
                 "confirmRecord": ("Record!", {"id": "ID!"}),
                 "linkIdentity": ("Boolean!", {"issuer": "String!", "subject": "String!", "entityId": "ID!"})},
    "Patient": {"records": ("RecordConnection", {"category": "RecordCategory", "first": "Int", "after": "String"}),
                "grants": ("[Grant!]", {}), "grantsToMe": ("[Grant!]", {}), "accessLog": ("[AccessEvent!]", {"first": "Int"})},
    "Record": {"category": ("RecordCategory!", {}), "components": ("[RecordComponent!]", {}), "author": ("Provider", {})},
    "Grant": {"grantee": ("Grantee!", {}), "categories": ("[RecordCategory!]!", {}), "active": ("Boolean!", {})},
}


def test_contract_names_are_present():
    schema = build_schema()._schema
    for type_name, fields in CONTRACT.items():
        for field_name, (type_text, args) in fields.items():
            field = schema.type_map[type_name].fields[field_name]
            assert str(field.type) == type_text, (type_name, field_name)
            assert {k: str(a.type) for k, a in field.args.items()} == args, (type_name, field_name)
    assert {t.name for t in schema.type_map["Grantee"].types} == {"Provider", "Payor"}
    assert {t.name for t in schema.type_map["Viewer"].types} == {"Patient", "Provider", "Payor", "Admin"}
    sdl = export_sdl()
    assert "directive @consent" in sdl and "directive @auth" in sdl
