"""GraphiQL in development mode, served offline: our small page (p360/static/graphiql.html)
and GraphiQL's built assets, which ``npm ci --prefix clients`` copies from npm packages into
p360/static/vendor/ (not committed). No CDN: without the assets the page says how to install
them."""
from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE = STATIC_DIR / "graphiql.html"
VENDOR_DIR = STATIC_DIR / "vendor"
MANIFEST = VENDOR_DIR / "manifest.json"  # written last by clients/scripts/vendor-graphiql.mjs
ASSET_ROUTE = "/graphql/static/{name}"

INSTALL_HINT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>GraphiQL's assets are not installed</h1>
<p>This server serves GraphiQL from files installed from npm, never from a CDN. Install them with
<code>make install</code> (or <code>npm ci --prefix clients</code>), then reload this page.</p>
<p>The API itself works: <code>POST /graphql</code> with <code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>
"""

_CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css"}


def installed_assets() -> frozenset[str]:
    """The asset names the install step copied, or none when it has not run."""
    try:
        return frozenset(json.loads(MANIFEST.read_text())["assets"])
    except (OSError, ValueError, KeyError):
        return frozenset()


async def page(request: web.Request) -> web.Response:
    if not installed_assets():
        return web.Response(text=INSTALL_HINT, status=503, content_type="text/html")
    return web.Response(text=PAGE.read_text(), content_type="text/html",
                        headers={"Cache-Control": "no-store"})


async def asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    # Only names the manifest lists: nothing else under the package is reachable.
    if name not in installed_assets():
        raise web.HTTPNotFound()
    path = VENDOR_DIR / name
    return web.FileResponse(path, headers={"Content-Type": _CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                                           "Cache-Control": "public, max-age=86400"})
