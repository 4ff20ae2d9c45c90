"""An external issuer (shaped like a Cognito user pool): keys from its JWKS URL, cached, and
fetched again — rate-limited — when a token names a key id not seen before."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from authz.tokens import public_jwk
from tests.support import Population, start_api, stop_api

ISSUER = "https://cognito-idp.example.test/pool-1"
AUDIENCE = "client-abc"


class JwksServer:
    def __init__(self) -> None:
        self.keys: list[rsa.RSAPrivateKey] = []
        self.fetches = 0

    def add_key(self) -> rsa.RSAPrivateKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys.append(key)
        return key

    async def handle(self, request: web.Request) -> web.Response:
        self.fetches += 1
        return web.json_response({"keys": [public_jwk(k.public_key()) for k in self.keys]})

    async def serve(self) -> tuple[web.AppRunner, str]:
        """Serves the JWKS on 127.0.0.1; returns the runner to clean up and the URL."""
        app = web.Application()
        app.router.add_get("/jwks.json", self.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/jwks.json"

    def token(self, key: rsa.RSAPrivateKey, sub: str, group: str, **claims) -> str:
        now = int(time.time())
        payload = {"sub": sub, "cognito:groups": [group], "iss": ISSUER, "aud": AUDIENCE,
                   "token_use": "id", "iat": now, "exp": now + 600, **claims}
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": public_jwk(key.public_key())["kid"]})


async def test_external_issuer_keys_rotation_and_links(tmp_path):
    jwks = JwksServer()
    first_key = jwks.add_key()
    runner, jwks_url = await jwks.serve()
    api, api_runner = await start_api(tmp_path / "data", jwt_issuer=ISSUER, jwt_audience=AUDIENCE,
                                      jwks_url=jwks_url,
                                      jwks_min_refetch_seconds=0.5)
    try:
        Population(api.graph).patient("p1", "Ann")
        me = "{ me { __typename ... on Patient { id } } }"
        # Without a link, an external subject is nobody: `sub` is an id only for the development issuer.
        unlinked = await api.post(me, token=jwks.token(first_key, "p1", "patients"))
        assert unlinked.status == 401 and "linkIdentity" in unlinked.errors[0]["message"]
        with_claim = await api.post(me, token=jwks.token(first_key, "u-1", "patients", **{"custom:p360_id": "p1"}))
        assert with_claim.data == {"me": {"__typename": "Patient", "id": "p1"}}
        assert jwks.fetches == 1  # cached since

        admin = jwks.token(first_key, "ops", "admins")
        linked = await api.post('mutation { linkIdentity(issuer: "%s", subject: "u-2", entityId: "p1") }' % ISSUER,
                                token=admin)
        assert linked.data == {"linkIdentity": True}
        assert (await api.post(me, token=jwks.token(first_key, "u-2", "patients"))).data["me"]["id"] == "p1"

        # The pool rotates its key: an unknown kid makes the server fetch the JWKS again.
        second_key = jwks.add_key()
        await asyncio.sleep(0.6)
        rotated = await api.post(me, token=jwks.token(second_key, "u-2", "patients"))
        assert rotated.data["me"]["id"] == "p1"
        fetches = jwks.fetches
        # A flood of tokens with unknown kids does not turn into a flood of JWKS fetches.
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for _ in range(3):
            refused = await api.post(me, token=jwks.token(stranger, "u-2", "patients"))
            assert refused.status == 401
        assert jwks.fetches <= fetches + 1

        # The development issuer is off: no JWKS of its own, and `p360 token` refuses.
        assert api.session is not None
        async with api.session.get(f"{api.base}/.well-known/jwks.json") as response:
            assert response.status == 404
        result = subprocess.run(
            [sys.executable, "-m", "p360.cli", "token", "--data-dir", str(tmp_path / "data"), "--sub", "x",
             "--group", "patients"], capture_output=True, text=True,
            env={"P360_JWT_ISSUER": ISSUER, "P360_JWT_AUDIENCE": AUDIENCE, "P360_JWKS_URL": "http://127.0.0.1:1/"})
        assert result.returncode != 0 and "external issuer" in result.stderr
    finally:
        await stop_api(api, api_runner)
        await runner.cleanup()
