from __future__ import annotations

import pytest

from tests.support import Api, Population, start_api, stop_api


@pytest.fixture
async def api(tmp_path) -> Api:
    server, runner = await start_api(tmp_path / "data")
    try:
        yield server
    finally:
        await stop_api(server, runner)


@pytest.fixture
def population(api: Api) -> Population:
    return Population(api.graph)
