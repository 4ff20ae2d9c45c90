"""Production mode: an external issuer only, no introspection, no GraphiQL, no hints."""
from __future__ import annotations

from tests.support import Population, start_api, stop_api
from tests.test_external_issuer import AUDIENCE, ISSUER, JwksServer


async def test_production_hides_the_schema_and_its_hints(tmp_path):
    jwks = JwksServer()
    key = jwks.add_key()
    runner, jwks_url = await jwks.serve()
    api, api_runner = await start_api(tmp_path / "data", mode="production", jwt_issuer=ISSUER,
                                      jwt_audience=AUDIENCE, jwks_url=jwks_url)
    try:
        Population(api.graph).patient("p1", "Ann")
        token = jwks.token(key, "u1", "patients", **{"custom:p360_id": "p1"})
        works = await api.post("{ me { ... on Patient { name } } }", token=token)
        assert works.data == {"me": {"name": "Ann"}}

        introspection = await api.post("{ __schema { types { name } } }", token=token)
        assert introspection.data is None
        assert "introspection" in introspection.errors[0]["message"].lower()
        # Without a token, introspection is not even parsed.
        assert (await api.post("{ __schema { types { name } } }")).status == 401

        typo = await api.post("{ me { ... on Patient { nam } } }", token=token)
        message = typo.errors[0]["message"]
        assert "Cannot query field 'nam' on type 'Patient'" in message
        assert "Did you mean" not in message

        assert api.session is not None
        async with api.session.get(api.url, headers={"Accept": "text/html"}) as response:
            assert response.status == 404
    finally:
        await stop_api(api, api_runner)
        await runner.cleanup()


async def test_development_answers_introspection_without_a_token(tmp_path):
    api, runner = await start_api(tmp_path / "data")
    try:
        response = await api.post("{ __schema { queryType { name } } }")
        assert response.status == 200 and response.data == {"__schema": {"queryType": {"name": "Query"}}}
        # ...but nothing else.
        mixed = await api.post("{ __schema { queryType { name } } me { __typename } }")
        assert mixed.status == 401
    finally:
        await stop_api(api, runner)
