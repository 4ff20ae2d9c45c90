"""Identity: only well-formed, unexpired RS256 ID tokens from the trusted issuer get in."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from authz.tokens import DEV_AUDIENCE, DEV_ISSUER
from p360.config import ConfigError, Settings
from tests.support import Api, Population

ME = "{ me { __typename } }"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides):
    now = int(time.time())
    claims = {"sub": "p1", "cognito:groups": ["patients"], "iss": DEV_ISSUER, "aud": DEV_AUDIENCE,
              "token_use": "id", "iat": now, "exp": now + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(api: Api, **overrides) -> str:
    key = serialization.load_pem_private_key(api.issuer.path.read_bytes(), password=None)
    return jwt.encode(_claims(**overrides), key, algorithm="RS256", headers={"kid": api.issuer.jwk["kid"]})


def _hs256_with_public_key(api: Api) -> str:
    """The classic algorithm-confusion token: HMAC keyed with the server's public key.
    PyJWT refuses to make it, so it is built by hand."""
    public_pem = api.issuer._public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": api.issuer.jwk["kid"]}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _alg_none(api: Api) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": api.issuer.jwk["kid"]}).encode())
    return f"{header}.{_b64(json.dumps(_claims()).encode())}."


def _unknown_kid(api: Api) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_claims(), other, algorithm="RS256", headers={"kid": "someone-else"})


def _other_key_same_kid(api: Api) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_claims(), other, algorithm="RS256", headers={"kid": api.issuer.jwk["kid"]})


def _tampered(api: Api) -> str:
    header, payload, signature = api.token("p1", "patients").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "p2"
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


BAD_TOKENS = {
    "hs256 keyed with the public key": (_hs256_with_public_key, "RS256"),
    "alg none": (_alg_none, "RS256"),
    "expired": (lambda api: _sign(api, exp=int(time.time()) - 120, iat=int(time.time()) - 700), "expired"),
    "wrong issuer": (lambda api: _sign(api, iss="https://evil.example"), "issuer"),
    "wrong audience": (lambda api: _sign(api, aud="another-app"), "audience"),
    "access token": (lambda api: _sign(api, token_use="access"), "token_use"),
    "unknown kid": (_unknown_kid, "does not trust"),
    "other key with our kid": (_other_key_same_kid, "signature"),
    "tampered payload": (_tampered, "signature"),
    "not yet valid": (lambda api: _sign(api, nbf=int(time.time()) + 600), "not valid yet"),
    "issued in the future": (lambda api: _sign(api, iat=int(time.time()) + 600), "not valid yet"),
    "missing exp": (lambda api: _sign(api, exp=None), "exp"),
    "garbage": (lambda api: "not.a.jwt", "well-formed"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_tokens_are_refused_with_a_reason(api: Api, population: Population, case: str):
    population.patient("p1")
    population.patient("p2")
    make, reason = BAD_TOKENS[case]
    response = await api.post(ME, token=make(api))
    assert response.status == 401
    assert response.codes() == ["UNAUTHENTICATED"]
    assert reason in response.errors[0]["message"]
    assert response.data is None


async def test_missing_and_malformed_headers(api: Api):
    assert (await api.post(ME)).status == 401
    response = await api.post(ME, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status == 401 and "Bearer" in response.errors[0]["message"]
    # The demo prints "Bearer <token>"; pasted into a "Bearer ..." template it doubles.
    response = await api.post(ME, headers={"Authorization": f"Bearer Bearer {api.token('p1', 'patients')}"})
    assert (response.status, response.errors[0]["message"]) == (
        401, "the Authorization header says Bearer twice: send 'Bearer <token>'")


async def test_a_good_token_gets_in_and_groups_must_match_the_node(api: Api, population: Population):
    population.patient("p1")
    population.provider("d1")
    assert (await api.post(ME, token=_sign(api))).data == {"me": {"__typename": "Patient"}}
    # A provider's id presented as a patient: no Patient has that id.
    response = await api.post(ME, token=api.token("d1", "patients"))
    assert response.status == 401 and "no Patient" in response.errors[0]["message"]
    # A valid token for someone the graph does not know.
    response = await api.post(ME, token=api.token("ghost", "providers"))
    assert response.status == 401 and "no Provider" in response.errors[0]["message"]
    # Two roles at once is ambiguous.
    response = await api.post(ME, token=_sign(api, **{"cognito:groups": ["patients", "providers"]}))
    assert response.status == 401 and "exactly one" in response.errors[0]["message"]


async def test_custom_p360_id_claim_and_identity_links(api: Api, population: Population):
    population.patient("p1")
    population.provider("d1")
    via_claim = await api.post("{ me { ... on Patient { id } } }",
                               token=_sign(api, sub="cognito-user-1", **{"custom:p360_id": "p1"}))
    assert via_claim.data == {"me": {"id": "p1"}}

    link = """mutation($i: String!, $s: String!, $e: ID!) { linkIdentity(issuer: $i, subject: $s, entityId: $e) }"""
    refused = await api.as_patient("p1", link, {"i": DEV_ISSUER, "s": "user-42", "e": "d1"})
    assert refused.codes() == ["FORBIDDEN"]
    linked = await api.as_admin(link, {"i": DEV_ISSUER, "s": "user-42", "e": "d1"})
    assert linked.data == {"linkIdentity": True}
    as_linked = await api.post("{ me { __typename ... on Provider { id } } }", token=api.token("user-42", "providers"))
    assert as_linked.data == {"me": {"__typename": "Provider", "id": "d1"}}
    wrong_group = await api.post(ME, token=api.token("user-42", "patients"))
    assert wrong_group.status == 401 and "names a Provider" in wrong_group.errors[0]["message"]
    unknown = await api.as_admin(link, {"i": DEV_ISSUER, "s": "user-43", "e": "nobody"})
    assert unknown.codes() == ["BAD_USER_INPUT"] and unknown.errors[0]["extensions"]["argument"] == "entityId"


def test_production_mode_refuses_the_development_issuer(tmp_path):
    with pytest.raises(ConfigError, match="production mode refuses"):
        Settings(mode="production", data_dir=tmp_path).check()


def test_development_key_is_private_to_its_owner(api: Api):
    assert api.issuer.path.stat().st_mode & 0o777 == 0o600


async def test_identity_links_of_different_pairs_never_collide(api: Api, population: Population):
    population.patient("p1")
    link = "mutation($i: String!, $s: String!) { linkIdentity(issuer: $i, subject: $s, entityId: \"p1\") }"
    assert (await api.as_admin(link, {"i": f"{DEV_ISSUER}|partner", "s": "u42"})).data == {"linkIdentity": True}
    # (issuer "…|partner", subject "u42") must not also be (issuer "…", subject "partner|u42").
    response = await api.post(ME, token=api.token("partner|u42", "patients"))
    assert response.status == 401 and "no Patient" in response.errors[0]["message"]
