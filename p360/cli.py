"""The ``p360`` command."""
from __future__ import annotations

import argparse
import datetime as dt
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Optional, Sequence

from p360.config import ConfigError, Settings, from_environment


def _settings(args: argparse.Namespace) -> Settings:
    return from_environment(data_dir=getattr(args, "data_dir", None))


def _open_graph(settings: Settings):
    from graphdb.open import open_graph

    return open_graph(settings.data_dir, settings.gremlin_url, settings.gremlin_read_url,
                      settings.remote_options())


# -- serve ---------------------------------------------------------------------------------
class CannotListen(Exception):
    pass


async def _serve(settings: Settings, host: str, port: int, graph, banner: Sequence[str]) -> None:
    from aiohttp import web

    from p360.app import create_app

    app = create_app(settings, graph)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as err:
        await runner.cleanup()   # closes the graph store it opened
        reason = os.strerror(err.errno) if err.errno else str(err)
        raise CannotListen(f"cannot listen on {host}:{port}: {reason.lower()}; is another server "
                           "running there? Stop it or pass another --port") from None
    sockets = getattr(site._server, "sockets", None) or []  # the bound port when asked for 0
    bound = sockets[0].getsockname()[1] if sockets else port
    shown_host = f"[{host}]" if ":" in host else host
    print(f"p360 serving GraphQL at http://{shown_host}:{bound}/graphql "
          f"({settings.mode} mode, {'remote graph' if settings.gremlin_url else f'embedded store in {settings.data_dir}'})",
          flush=True)
    for line in banner:
        print(line, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("p360 shutting down: finishing requests, closing the graph", flush=True)
        await runner.cleanup()


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    graph = None
    banner: list[str] = []
    if args.demo:
        from p360.demo import prepare_demo

        graph = _open_graph(settings)
        banner = prepare_demo(graph, settings)
    asyncio.run(_serve(settings, args.host, args.port, graph, banner))
    return 0


# -- token ---------------------------------------------------------------------------------
def cmd_token(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.external_issuer:
        print("p360 token: an external issuer is configured (P360_JWT_ISSUER/P360_JWKS_URL); "
              "get tokens from it instead", file=sys.stderr)
        return 2
    from authz.tokens import DevelopmentIssuer
    from graphdb.embedded import STORE_DIRNAME

    if args.ttl <= 0:
        print("p360 token: --ttl must be a positive number of seconds", file=sys.stderr)
        return 2
    data_dir = Path(settings.data_dir)
    if not DevelopmentIssuer.key_path(data_dir).exists() and not (data_dir / STORE_DIRNAME).exists():
        # A key made here would be one no server trusts: most likely --data-dir is not the server's.
        print(f"p360 token: {data_dir} holds no development issuer key and no graph store, so no server "
              f"trusts a token signed there; pass the server's --data-dir, or start "
              f"`p360 serve --data-dir {data_dir}` once first", file=sys.stderr)
        return 2
    print(DevelopmentIssuer(data_dir).mint(args.sub, args.group, args.ttl))
    return 0


# -- export-schema -------------------------------------------------------------------------
def cmd_export_schema(args: argparse.Namespace) -> int:
    from schema.build import export_sdl

    sys.stdout.write(export_sdl())
    return 0


# -- seed ----------------------------------------------------------------------------------
def cmd_seed(args: argparse.Namespace) -> int:
    settings = _settings(args)
    graph = _open_graph(settings)
    try:
        from ingest.seed.command import seed_command

        from ingest.seed import SEED_ANCHOR

        anchor = SEED_ANCHOR if args.anchor is None else dt.datetime.combine(
            args.anchor, dt.time(), tzinfo=dt.timezone.utc)
        return seed_command(graph, settings.payor_id, patients=args.patients,
                            records_per_patient=args.records_per_patient, providers=args.providers,
                            seed=args.seed, out=sys.stderr, anchor=anchor)
    finally:
        graph.close()


# -- import-fhir ---------------------------------------------------------------------------
def cmd_import_fhir(args: argparse.Namespace) -> int:
    settings = _settings(args)
    graph = _open_graph(settings)
    try:
        from ingest.fhir.command import import_fhir

        return import_fhir(graph, list(args.paths), settings.payor_id, out=sys.stderr,
                           progress=sys.stderr.isatty())
    finally:
        graph.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="p360", description="Patient 360: one consent-governed medical record per patient, over GraphQL.")
    commands = parser.add_subparsers(dest="command", required=True)

    def data_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help="embedded store and development keys (default $P360_DATA_DIR or ./.p360-data)")

    serve = commands.add_parser("serve", help="serve the API")
    data_dir(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="seed the demo set into an empty graph and print demo accounts with tokens")
    serve.set_defaults(run=cmd_serve)

    imp = commands.add_parser("import-fhir", help="import FHIR R4 NDJSON files, Bundles, or folders of them")
    data_dir(imp)
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(run=cmd_import_fhir)

    token = commands.add_parser("token", help="print a token signed by the development issuer")
    data_dir(token)
    token.add_argument("--sub", required=True, help="subject; with the development issuer, the viewer's id")
    token.add_argument("--group", required=True, choices=["patients", "providers", "payors", "admins"])
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires (default 3600)")
    token.set_defaults(run=cmd_token)

    export = commands.add_parser("export-schema", help="print the SDL")
    export.set_defaults(run=cmd_export_schema)

    seed = commands.add_parser("seed", help="add a deterministic synthetic population")
    data_dir(seed)
    seed.add_argument("--patients", type=int, required=True)
    seed.add_argument("--records-per-patient", type=int, default=20)
    seed.add_argument("--providers", type=int, default=10)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--anchor", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                      help="the day the population's dates are relative to (default 2026-01-01, fixed so that "
                           "the same arguments give the same graph); pass today's date for grants active now")
    seed.set_defaults(run=cmd_seed)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except ConfigError as err:
        print(f"p360: configuration error: {err}", file=sys.stderr)
        return 2
    except CannotListen as err:
        print(f"p360: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        from graphdb.errors import GraphUnavailable

        if isinstance(err, GraphUnavailable):
            print(f"p360: {err}", file=sys.stderr)
            return 3
        raise


if __name__ == "__main__":
    sys.exit(main())
