"""The `p360` command as an operator runs it: a real process, real signals."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jwt

from authz.tokens import DevelopmentIssuer
from graphdb.embedded import PID_FILENAME, STORE_DIRNAME

P360 = [sys.executable, "-m", "p360.cli"]


def start_server(data_dir: Path, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([*P360, "serve", "--data-dir", str(data_dir), "--port", "0", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"(http://127\.0\.0\.1:\d+)/graphql", line)
        if match:
            return process, match.group(1)
    process.kill()
    raise AssertionError(f"the server printed no URL: {process.stdout.read()}")


def post(url: str, query: str, token: str, variables: dict | None = None) -> dict:
    body = {"query": query, "variables": variables or {}}
    request = urllib.request.Request(f"{url}/graphql", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_serve_token_and_clean_shutdown_on_sigterm(tmp_path):
    data = tmp_path / "data"
    process, url = start_server(data)
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
            assert json.loads(response.read())["status"] == "ok"
        token = subprocess.run([*P360, "token", "--data-dir", str(data), "--sub", "payor", "--group", "payors",
                                "--ttl", "120"], capture_output=True, text=True, check=True).stdout.strip()
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["cognito:groups"] == ["payors"] and claims["token_use"] == "id"
        assert claims["exp"] - claims["iat"] == 120
        # The payor's node exists from the first start.
        assert post(url, "{ me { __typename ... on Payor { id } } }", token) == {
            "data": {"me": {"__typename": "Payor", "id": "payor"}}}
        assert (data / PID_FILENAME).read_text().strip() == str(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "shutting down" in output
    assert not (data / PID_FILENAME).exists()


def test_a_port_in_use_is_said_plainly_and_the_store_is_left_free(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*P360, "serve", "--data-dir", str(tmp_path), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"p360: cannot listen on 127.0.0.1:{port}: address already in use; is another server running there? "
        "Stop it or pass another --port")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / PID_FILENAME).exists()


def test_token_refuses_unknown_groups(tmp_path):
    result = subprocess.run([*P360, "token", "--data-dir", str(tmp_path), "--sub", "x", "--group", "doctors"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_token_refuses_a_data_dir_no_server_uses(tmp_path):
    # A key made on the spot would sign tokens that no server trusts (401 later, far from the cause).
    elsewhere = tmp_path / "not-the-data-dir"
    result = subprocess.run([*P360, "token", "--data-dir", str(elsewhere), "--sub", "p1", "--group", "patients"],
                            capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (2, "")
    assert f"{elsewhere} holds no development issuer key and no graph store" in result.stderr
    assert not elsewhere.exists()


def test_token_signs_with_the_key_of_a_data_dir_that_holds_a_graph(tmp_path):
    # Imported or seeded, not served yet: the key made now is the one the server will load.
    (tmp_path / STORE_DIRNAME).mkdir()
    result = subprocess.run([*P360, "token", "--data-dir", str(tmp_path), "--sub", "p1", "--group", "patients"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    key = DevelopmentIssuer(tmp_path)
    assert jwt.decode(result.stdout.strip(), jwt.PyJWK(key.jwk).key, algorithms=["RS256"],
                      audience=key.audience)["sub"] == "p1"


def test_production_mode_refuses_to_start_with_the_development_issuer(tmp_path):
    result = subprocess.run([*P360, "serve", "--data-dir", str(tmp_path), "--port", "0"], capture_output=True,
                            text=True, env={**os.environ, "P360_MODE": "production"}, timeout=60)
    assert result.returncode == 2
    assert "production mode refuses to start with the development issuer" in result.stderr


def test_export_schema_prints_the_committed_sdl():
    result = subprocess.run([*P360, "export-schema"], capture_output=True, text=True, check=True)
    assert result.stdout == (Path(__file__).resolve().parents[1] / "schema" / "schema.graphql").read_text()
