"""The benchmark suite keeps working: every benchmark runs at a tiny size (``--quick``) and
prints its figures. Structure and correctness only — nothing here looks at a time."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import RESULTS
from bench.import_rate import QUICK_FILES
from bench.bench_import import DEFAULT_INPUT

REPO = Path(__file__).resolve().parents[1]
TITLES = (
    "== 1. Round trips (graph traversals per request, audit writes included) ==",
    "== 2. The floor (graphql-core over preloaded dicts, same process and run) ==",
    "== 3. Throughput and latency (p360 serve and a separate load generator on 127.0.0.1) ==",
    "== 4. Scale (seeded patients x 5 records) ==",
    "== 5. FHIR import against parsing alone ==",
)


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())


def test_every_benchmark_of_the_api_runs_at_a_tiny_size(tmp_path):
    results, figures_path = tmp_path / "results.md", tmp_path / "figures.json"
    shared_results = RESULTS.read_bytes() if RESULTS.exists() else None

    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "round_trips", "floor", "load", "scale",
         "--results", str(results), "--figures", str(figures_path), "--work-dir", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for title in TITLES[:-1]:
        assert title in done.stdout
    assert "FAILED" not in done.stdout
    # Tiny sizes judge no goal: a 'not met' there would read as a failure.
    assert "-> not judged (--quick sizes are too small to judge a goal)" in done.stdout
    assert " met" not in done.stdout
    # The figures went to the file asked for, with the machine's facts; the shared one is untouched.
    written = results.read_text()
    assert "quick (smoke) run: figures meaningless" in written
    assert "| git commit |" in written and "| cpu |" in written
    assert [line for line in written.splitlines() if line.startswith("### ")] == [
        "### " + t.strip("= ") for t in TITLES[:-1]]
    assert (RESULTS.read_bytes() if RESULTS.exists() else None) == shared_results

    figures = json.loads(figures_path.read_text())
    # Round trips: the provider view costs the same for 1 and 3 granted patients.
    trips = figures["round_trips"]
    assert trips["equal"] is True
    assert len(trips["provider_view"]["1"]) == 1
    assert trips["provider_view"]["1"] == trips["provider_view"]["3"]
    # The floor answered exactly what the API answered, for both views.
    assert {view: t["identical"] for view, t in figures["floor"].items()} == {
        "patient 360": True, "provider view (3 patients)": True}
    assert {view: t["samples"] for view, t in figures["floor"].items()} == {
        "patient 360": 3, "provider view (3 patients)": 3}
    # Load: every operation at both concurrencies, every request answered without errors.
    load = figures["load"]
    assert sorted(load) == ["grantAccess", "patient 360 view", "provider view (3 patients)"]
    for operation in load.values():
        assert sorted(operation) == ["1", "16"]
        assert [(r["requests"], r["errors"]) for r in operation.values()] == [(12, 0), (12, 0)]
    # Scale: both sizes measured, nothing skipped.
    scale = figures["scale"]
    assert sorted(scale["measured"]) == ["3", "6"] and scale["skipped"] == {}
    assert [(m["records"], m["requests"]) for m in scale["measured"].values()] == [(15, 5), (30, 5)]


@pytest.mark.skipif(not DEFAULT_INPUT.is_dir(),
                    reason=f"the shared Synthea sample export is not at {DEFAULT_INPUT} (../shared beside the repo)")
def test_the_import_benchmark_runs_at_a_tiny_size(tmp_path):
    figures_path = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "import", "--figures", str(figures_path),
         "--work-dir", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert TITLES[-1] in done.stdout
    # Every resource of the two files written, none rejected.
    expected = sum(_lines(DEFAULT_INPUT / name) for name in QUICK_FILES)
    imported = json.loads(figures_path.read_text())["import"]
    assert (imported["resources"], imported["written"], imported["rejected"]) == (expected, expected, 0)


def test_a_quick_run_leaves_the_committed_results_alone(tmp_path):
    shared_results = RESULTS.read_bytes() if RESULTS.exists() else None
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "round_trips", "--work-dir", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "figures not appended anywhere (--results PATH keeps them)" in done.stdout.splitlines()[-1]
    assert (RESULTS.read_bytes() if RESULTS.exists() else None) == shared_results
