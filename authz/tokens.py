"""Bearer tokens: RS256 JWTs shaped like Cognito ID tokens.

Two issuers: an external one (a Cognito user pool, by configuration) whose keys come from its
JWKS URL, and the development issuer, whose RSA key lives in the data dir.
"""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from model.text import is_unicode_text

DEV_ISSUER = "urn:p360:development-issuer"
DEV_AUDIENCE = "p360"
DEV_KEY_FILENAME = "dev-issuer-key.pem"
GROUPS = ("patients", "providers", "payors", "admins")
LEEWAY_SECONDS = 30


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why, without echoing the token."""


@dataclasses.dataclass(frozen=True)
class Claims:
    subject: str
    issuer: str
    groups: tuple[str, ...]
    expires_at: int
    p360_id: str | None
    raw: dict[str, Any]


def _b64url_uint(value: int) -> str:
    data = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    jwk = {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}
    # RFC 7638 thumbprint as the key id: stable for the key, names nothing else.
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    return {**jwk, "kid": base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode(),
            "alg": "RS256", "use": "sig"}


class KeySource(Protocol):
    async def key_for(self, kid: str) -> Any: ...


class DevelopmentIssuer:
    """An RSA key created on first use in the data dir (mode 0600). Never opens the graph."""

    def __init__(self, data_dir: str | os.PathLike[str]):
        self.path = self.key_path(data_dir)
        self.issuer = DEV_ISSUER
        self.audience = DEV_AUDIENCE
        self._private_key = self._load_or_create()
        self.jwk = public_jwk(self._private_key.public_key())
        self._public_key = self._private_key.public_key()

    @staticmethod
    def key_path(data_dir: str | os.PathLike[str]) -> Path:
        return Path(data_dir) / DEV_KEY_FILENAME

    def _load_or_create(self) -> rsa.RSAPrivateKey:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            key = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
            return key
        except FileNotFoundError:
            pass
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        try:
            # Two processes racing to create: the first link wins, both use its key.
            os.link(tmp, self.path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        key = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk]}

    def mint(self, subject: str, group: str, ttl_seconds: int = 3600,
             extra_claims: dict[str, Any] | None = None) -> str:
        if group not in GROUPS:
            raise ValueError(f"group must be one of {', '.join(GROUPS)}")
        now = int(time.time())
        claims = {
            "sub": subject,
            "cognito:groups": [group],
            "iss": self.issuer,
            "aud": self.audience,
            "token_use": "id",
            "iat": now,
            "auth_time": now,
            "exp": now + ttl_seconds,
            "jti": str(uuid.uuid4()),
            **(extra_claims or {}),
        }
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": self.jwk["kid"]})

    async def key_for(self, kid: str) -> Any:
        return self._public_key if kid == self.jwk["kid"] else None


class RemoteJwks:
    """An external issuer's JWKS: fetched without blocking the loop, cached, fetched again
    when a token names an unknown key id — at most once per ``min_refetch_seconds``."""

    def __init__(self, url: str, min_refetch_seconds: float = 30.0, timeout_seconds: float = 5.0):
        self.url = url
        self.min_refetch_seconds = min_refetch_seconds
        self.timeout_seconds = timeout_seconds
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> Any:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self.min_refetch_seconds:
                await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(self.url) as response:
                    response.raise_for_status()
                    document = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return  # keep the keys we had; an unknown kid stays unknown
        keys = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
        if keys:
            self._keys = keys


class TokenVerifier:
    def __init__(self, issuer: str, audience: str, keys: KeySource):
        self.issuer = issuer
        self.audience = audience
        self.keys = keys

    async def verify(self, token: str) -> Claims:
        # A JWT is base64url and dots; anything else (a header that was not UTF-8 arrives with
        # surrogate escapes) is refused here rather than inside the JWT library.
        if not token.isascii():
            raise InvalidToken("the token is not a well-formed JWT")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("the token is not a well-formed JWT") from None
        if header.get("alg") != "RS256":
            raise InvalidToken("the token must be signed with RS256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token names no signing key (kid)")
        key = await self.keys.key_for(kid)
        if key is None:
            raise InvalidToken("the token is signed with a key this server does not trust")
        try:
            claims = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("the token is from another issuer") from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("the token is not valid yet") from None
        except jwt.MissingRequiredClaimError as err:
            raise InvalidToken(f"the token lacks the claim {err.claim!r}") from None
        except jwt.PyJWTError:
            raise InvalidToken("the token's signature or claims are invalid") from None
        if claims.get("iat", 0) > time.time() + LEEWAY_SECONDS:
            raise InvalidToken("the token was issued in the future")
        if claims.get("token_use") != "id":
            raise InvalidToken("an ID token is required (token_use must be 'id')")
        for name in ("sub", "custom:p360_id"):
            value = claims.get(name)
            if value is not None and not (isinstance(value, str) and value and is_unicode_text(value)):
                raise InvalidToken(f"the token's {name} claim must be non-empty text")
        groups = claims.get("cognito:groups") or []
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise InvalidToken("cognito:groups must be a list of group names")
        return Claims(
            subject=claims["sub"],
            issuer=str(claims["iss"]),
            groups=tuple(g for g in groups if g in GROUPS),
            expires_at=int(claims["exp"]),
            p360_id=claims.get("custom:p360_id"),
            raw=claims,
        )
