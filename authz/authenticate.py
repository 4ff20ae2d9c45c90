"""From an ``Authorization`` header to an Identity: verify the token, then find the viewer."""
from __future__ import annotations

from typing import Optional

from authz.errors import Unauthenticated
from authz.identity import Identity, ViewerLookup, resolve_identity
from authz.tokens import InvalidToken, TokenVerifier


def bearer_token(header: Optional[str]) -> str:
    if not header:
        raise Unauthenticated("sign in: send Authorization: Bearer <token>")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    token = token.strip()
    if token.lower().startswith("bearer "):  # a printed "Bearer …" pasted after "Bearer "
        raise Unauthenticated("the Authorization header says Bearer twice: send 'Bearer <token>'")
    return token


class Authenticator:
    def __init__(self, verifier: TokenVerifier, lookup: ViewerLookup, development_issuer: bool):
        self.verifier = verifier
        self.lookup = lookup
        self.development_issuer = development_issuer

    async def identify(self, authorization: Optional[str]) -> Identity:
        token = bearer_token(authorization)
        try:
            claims = await self.verifier.verify(token)
        except InvalidToken as err:
            raise Unauthenticated(f"invalid token: {err}") from None
        return await resolve_identity(claims, development_issuer=self.development_issuer, lookup=self.lookup)
