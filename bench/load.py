"""3. Throughput and latency: requests per second and p50/p99 latency at concurrency 1 and 16
for the patient 360 view, the provider view over 50 patients, and ``grantAccess``.

The real server (``p360 serve --port 0``, a subprocess) and the load generator
(``bench.loadgen``, another process) talk over 127.0.0.1. Every run is bounded in requests
and in seconds.
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from authz.tokens import DevelopmentIssuer
from bench import operations
from bench.population import SEED, SEED_PROVIDERS, BenchPopulation
from bench.report import Report
from ingest.seed.population import entity_id

URL_LINE = re.compile(r"(http://127\.0\.0\.1:\d+)/graphql")
START_TIMEOUT_SECONDS = 120
TOKEN_TTL_SECONDS = 6 * 3600
PATIENTS_SAMPLED = 200
REPO = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class LoadLimits:
    requests: int
    max_seconds: float
    warmup: int
    concurrencies: Sequence[int] = (1, 16)


class Server:
    """``p360 serve`` in a child process; stopped with SIGTERM, as an operator would."""

    def __init__(self, data_dir: Path, log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "p360.cli", "serve", "--data-dir", str(data_dir), "--port", "0"],
            stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            match = URL_LINE.search(self.log_path.read_text())
            if match:
                return f"{match.group(1)}/graphql"
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"p360 serve printed no URL: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def load(spec: dict[str, Any]) -> dict[str, Any]:
    """One run of the load generator in its own process."""
    done = subprocess.run([sys.executable, "-m", "bench.loadgen"], input=json.dumps(spec),
                          capture_output=True, text=True, check=False, cwd=REPO,
                          timeout=float(spec["max_seconds"]) + 300)
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _workloads(population: BenchPopulation, issuer: DevelopmentIssuer,
               provider_size: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(7)
    ids = list(population.patient_ids)
    sample = rng.sample(ids, min(PATIENTS_SAMPLED, len(ids)))
    tokens = {pid: issuer.mint(pid, "patients", TOKEN_TTL_SECONDS) for pid in sample}
    provider = population.provider_for(provider_size)
    seeded_providers = [entity_id(SEED, "provider", i) for i in range(SEED_PROVIDERS)]
    return {
        "patient 360 view": [
            {"token": tokens[pid], "body": {"query": operations.PATIENT_360,
                                            "variables": operations.patient_360_variables(pid)}}
            for pid in sample],
        f"provider view ({provider_size} patients)": [
            {"token": issuer.mint(provider, "providers", TOKEN_TTL_SECONDS),
             "body": {"query": operations.PROVIDER_VIEW}}],
        "grantAccess": [
            {"token": tokens[pid], "body": {"query": operations.GRANT_ACCESS,
                                            "variables": operations.grant_access_variables(rng.choice(seeded_providers))}}
            for pid in sample],
    }


def run(population: BenchPopulation, provider_size: int, limits: LoadLimits, log_dir: Path) -> Report:
    report = Report("load", "3. Throughput and latency (p360 serve and a separate load generator on 127.0.0.1)")
    table = report.table("operation", "concurrency", "requests", "errors", "requests/s", "p50", "p99")
    server = Server(population.data_dir, log_dir / "p360-serve.log")
    results: dict[str, dict[int, dict[str, Any]]] = {}
    try:
        workloads = _workloads(population, DevelopmentIssuer(population.data_dir), provider_size)
        for name, bodies in workloads.items():
            for concurrency in limits.concurrencies:
                stats = load({"url": server.url, "concurrency": concurrency, "requests": limits.requests,
                              "max_seconds": limits.max_seconds, "warmup": limits.warmup, "bodies": bodies})
                results.setdefault(name, {})[concurrency] = stats
                table.add(name, concurrency, stats["requests"], stats["errors"], f"{stats['rps']:.1f}",
                          f"{stats['p50_ms']:.1f} ms", f"{stats['p99_ms']:.1f} ms")
    finally:
        server.stop()
    report.notes.append(f"each run: at most {limits.requests} requests or {limits.max_seconds:g} s after "
                        f"{limits.warmup} warm-up requests; patient 360 over {PATIENTS_SAMPLED} random patients "
                        "(each with their own token); grantAccess: those patients granting LAB and VITAL_SIGN "
                        "for 30 days to a random provider")
    report.notes.append("server and load generator share this machine's cores")
    if operations.WELLNESS_NOTE:
        report.notes.append(operations.WELLNESS_NOTE)
    report.figures = results
    return report
