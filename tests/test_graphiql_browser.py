"""GraphiQL in a real headless Chromium, driven over the DevTools protocol: the page loads with
no network beyond the server, the Authorization header is set in the page's header editor,
`{ me { __typename } }` runs, and the result is read from the page."""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from p360 import graphiql
from p360.app import SERVICES
from tests.support import Api, Population

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags the project runs Chromium with (issue 7), plus a DevTools port of its choosing.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--remote-debugging-port=0", "--no-first-run", "--no-default-browser-check"]
WAIT = 60  # a bound for a stuck browser, never a timing check

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                    "(apt-get install chromium; .ci/run installs it)")


class Page:
    """One browser tab over the Chrome DevTools protocol."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws
        self._ids = itertools.count(1)
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            if "id" in data:
                future = self._replies.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
            elif data.get("method") == "Network.requestWillBeSent":
                self.requests.append(data["params"]["request"]["url"])
            elif data.get("method") == "Runtime.exceptionThrown":
                self.console_errors.append(json.dumps(data["params"]["exceptionDetails"])[:500])

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[message_id] = future
        await self.ws.send_json({"id": message_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, WAIT)
        assert "error" not in reply, reply
        return reply["result"]

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    async def wait_for(self, expression: str) -> Any:
        """Polls a page expression until it is truthy (bounded)."""
        for _ in range(WAIT * 10):
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"the page never satisfied: {expression}")

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


class Browser:
    def __init__(self, process: asyncio.subprocess.Process, profile: Path, port: int):
        self.process = process
        self.profile = profile
        self.port = port

    @classmethod
    async def start(cls) -> "Browser":
        assert CHROMIUM is not None
        profile = Path(tempfile.mkdtemp(prefix="p360-chromium-"))
        process = await asyncio.create_subprocess_exec(
            CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"  # Chromium writes the port it chose here
        for _ in range(WAIT * 10):
            if port_file.exists() and port_file.read_text().strip():
                return cls(process, profile, int(port_file.read_text().split()[0]))
            if process.returncode is not None:
                break
            await asyncio.sleep(0.1)
        process.kill()
        raise AssertionError("chromium did not open its DevTools port")

    async def open_tab(self, session: aiohttp.ClientSession) -> Page:
        async with session.get(f"http://127.0.0.1:{self.port}/json/list") as response:
            targets = await response.json()
        page = next(t for t in targets if t["type"] == "page")
        ws = await session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        tab = Page(ws)
        for domain in ("Page", "Runtime", "Network"):
            await tab.send(f"{domain}.enable")
        return tab

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), WAIT)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
async def browser():
    started = await Browser.start()
    try:
        yield started
    finally:
        await started.stop()


# The CodeMirror editors GraphiQL renders; each DOM node holds its editor instance.
QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
HEADER_EDITOR = "document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')"
RESULT = "document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"


@needs_chromium
async def test_graphiql_runs_a_query_with_the_token_set_in_the_page(api: Api, population: Population, browser):
    assert graphiql.installed_assets(), "GraphiQL's assets are missing: run `make install` (npm ci --prefix clients)"
    population.patient("p1", "Ann Lee")
    assert api.session is not None
    tab = await browser.open_tab(api.session)
    try:
        await tab.send("Page.navigate", url=api.url)
        await tab.wait_for("!!document.querySelector('.graphiql-execute-button')")
        # The Headers tab is open by default; type the header into its editor as a person would.
        await tab.wait_for(f"!!{HEADER_EDITOR}")
        token = api.token("p1", "patients")
        headers = json.dumps({"Authorization": f"Bearer {token}"})
        await tab.evaluate(f"{HEADER_EDITOR}.CodeMirror.setValue({json.dumps(headers)})")
        query = "{ me { __typename } }"
        await tab.evaluate(f"{QUERY_EDITOR}.setValue({json.dumps(query)})")
        # GraphiQL parses the editor's text a moment after an edit; run what it parsed.
        await tab.wait_for(f"{QUERY_EDITOR}.documentAST?.loc.source.body === {json.dumps(query)}")
        await tab.evaluate("document.querySelector('.graphiql-execute-button').click()")
        shown = await tab.wait_for(f"(() => {{ const t = {RESULT}; return t.includes('__typename') ? t : ''; }})()")
        assert json.loads(shown) == {"data": {"me": {"__typename": "Patient"}}}
        # Everything the page loaded came from the server: no CDN, no other host.
        assert tab.requests, "the browser reported no requests"
        outside = [u for u in tab.requests if not u.startswith(api.base + "/") and not u.startswith("data:")]
        assert outside == []
        assert {u.removeprefix(api.base) for u in tab.requests} >= {
            "/graphql", "/graphql/static/graphiql.min.js", "/graphql/static/graphiql.min.css",
            "/graphql/static/react.production.min.js", "/graphql/static/react-dom.production.min.js"}
        assert tab.console_errors == []
    finally:
        await tab.close()


@needs_chromium
async def test_graphiql_subscribes_with_the_same_header(api: Api, population: Population, browser):
    """The page's header becomes the connection_init payload of the subscription socket."""
    population.patient("p1", "Ann Lee")
    population.provider("doc", "Dr. Doc")
    population.grant("p1", "doc", grant_id="grant-1")
    assert api.session is not None
    tab = await browser.open_tab(api.session)
    try:
        await tab.send("Page.navigate", url=api.url)
        await tab.wait_for(f"!!document.querySelector('.graphiql-execute-button') && !!{HEADER_EDITOR}")
        headers = json.dumps({"Authorization": f"Bearer {api.token('p1', 'patients')}"})
        await tab.evaluate(f"{HEADER_EDITOR}.CodeMirror.setValue({json.dumps(headers)})")
        query = "subscription Watch { accessEvents { viewerId viewerName outcome grantIds } }"
        await tab.evaluate(f"{QUERY_EDITOR}.setValue({json.dumps(query)})")
        await tab.wait_for(f"{QUERY_EDITOR}.documentAST?.loc.source.body === {json.dumps(query)}")
        await tab.evaluate("document.querySelector('.graphiql-execute-button').click()")
        listeners = api.app[SERVICES].audit_log.listeners
        for _ in range(WAIT * 10):  # the subscription is live once it listens to the audit log
            if listeners:
                break
            await asyncio.sleep(0.1)
        assert len(listeners) == 1
        read = await api.as_provider("doc", "query Chart { patient(id: \"p1\") { name } }")
        assert read.data == {"patient": {"name": "Ann Lee"}}
        shown = await tab.wait_for(f"(() => {{ const t = {RESULT}; return t.includes('viewerId') ? t : ''; }})()")
        assert json.loads(shown) == {"data": {"accessEvents": {
            "viewerId": "doc", "viewerName": "Dr. Doc", "outcome": "ALLOWED", "grantIds": ["grant-1"]}}}
        assert tab.console_errors == []
    finally:
        await tab.close()


async def test_the_page_and_its_assets_come_from_the_server(api: Api):
    assert api.session is not None
    async with api.session.get(api.url, headers={"Accept": "text/html"}) as response:
        assert response.status == 200 and response.content_type == "text/html"
        page = await response.text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources == ["/graphql/static/graphiql.min.css", "/graphql/static/react.production.min.js",
                       "/graphql/static/react-dom.production.min.js", "/graphql/static/graphiql.min.js"]
    assert re.findall(r"https?://", page) == []
    for source, content_type in [(sources[0], "text/css"), (sources[1], "text/javascript"),
                                 (sources[3], "text/javascript")]:
        async with api.session.get(api.base + source) as response:
            assert (response.status, response.content_type) == (200, content_type)
    # Nothing but the listed assets is reachable under the static route.
    for name in ("manifest.json", "..%2Fgraphiql.html", "graphiql.js"):
        async with api.session.get(f"{api.base}/graphql/static/{name}") as response:
            assert response.status == 404, name


async def test_without_installed_assets_the_page_says_how_to_install_them(api: Api, monkeypatch, tmp_path):
    monkeypatch.setattr(graphiql, "MANIFEST", tmp_path / "not-installed.json")
    assert api.session is not None
    async with api.session.get(api.url, headers={"Accept": "text/html"}) as response:
        assert response.status == 503
        text = await response.text()
    assert "make install" in text and "npm ci --prefix clients" in text
    assert re.findall(r"https?://", text) == []
    async with api.session.get(f"{api.base}/graphql/static/graphiql.min.js") as response:
        assert response.status == 404
