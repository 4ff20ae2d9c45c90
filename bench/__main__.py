"""The benchmark suite.

    python -m bench [--only NAME ...] [--quick] [--sizes N ...] [--scale-sizes N ...]
                    [--scale-budget-minutes M] [--results PATH] [--figures PATH] [--work-dir DIR]

Runs the selected benchmarks (all by default: round_trips, floor, load, scale, import), prints
each one's figures as it finishes, and appends them with the machine's facts to
``bench/results.md``. ``--quick`` runs everything at a tiny size (what the smoke test does): it
checks that the benchmarks work, its figures mean nothing, so they are appended only where
``--results`` says.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, Optional, Sequence

from bench import floor, import_rate, load, machine, round_trips, scale
from bench.population import RECORDS_PER_PATIENT, BenchPopulation, build, copy_store, describe
from bench.report import Report

BENCHMARKS = ("round_trips", "floor", "load", "scale", "import")
RESULTS = Path(__file__).resolve().parent / "results.md"
HEADER = """# Benchmark results

Appended by `make bench` (`python -m bench`), newest last: each run with the machine it ran on.
What each benchmark measures, and the goals, are in the docstrings of `bench/*.py`.

"""


@dataclasses.dataclass(frozen=True)
class Plan:
    """How big and how long: the full suite, or ``--quick``."""

    sizes: Sequence[int]                 # round trips: patients granted to the provider
    provider_size: int                   # floor and load: the provider view over this many
    records_per_patient: int
    floor_iterations: int
    floor_warmup: int
    load_limits: load.LoadLimits
    scale_sizes: Sequence[int]
    scale_records_per_patient: int
    scale_requests: int
    scale_budget_seconds: float
    import_quick: bool                   # a small subset of the FHIR files


FULL = Plan(sizes=(1, 10, 100), provider_size=50, records_per_patient=RECORDS_PER_PATIENT,
            floor_iterations=40, floor_warmup=5,
            load_limits=load.LoadLimits(requests=400, max_seconds=20, warmup=10),
            scale_sizes=(1_000, 10_000, 100_000), scale_records_per_patient=RECORDS_PER_PATIENT,
            scale_requests=200, scale_budget_seconds=30 * 60, import_quick=False)
QUICK = Plan(sizes=(1, 3), provider_size=3, records_per_patient=5, floor_iterations=3, floor_warmup=1,
             load_limits=load.LoadLimits(requests=12, max_seconds=60, warmup=2),
             scale_sizes=(3, 6), scale_records_per_patient=5, scale_requests=5,
             scale_budget_seconds=10 * 60, import_quick=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, metavar="NAME",
                        help=f"run only these ({', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the benchmarks run")
    parser.add_argument("--sizes", nargs="+", type=int, metavar="N",
                        help="round trips: patients granted to the provider (default 1 10 100)")
    parser.add_argument("--scale-sizes", nargs="+", type=int, metavar="N",
                        help="scale: patients seeded (default 1000 10000 100000)")
    parser.add_argument("--scale-budget-minutes", type=float,
                        help="scale: seeding time allowed in all; a size that would not fit is skipped (default 30)")
    parser.add_argument("--results", type=Path,
                        help=f"where to append the figures (default {RESULTS}; with --quick, nowhere)")
    parser.add_argument("--figures", type=Path, help="also write every benchmark's figures there as JSON")
    parser.add_argument("--work-dir", type=Path,
                        help="where the stores go (kept afterwards); default a temporary directory, removed")
    return parser


def _plan(args: argparse.Namespace) -> Plan:
    plan = QUICK if args.quick else FULL
    if args.sizes:
        plan = dataclasses.replace(plan, sizes=tuple(sorted(set(args.sizes))))
    if args.scale_sizes:
        plan = dataclasses.replace(plan, scale_sizes=tuple(sorted(set(args.scale_sizes))))
    if args.scale_budget_minutes is not None:
        plan = dataclasses.replace(plan, scale_budget_seconds=args.scale_budget_minutes * 60)
    return plan


class Suite:
    def __init__(self, plan: Plan, work_dir: Path):
        self.plan = plan
        self.work_dir = work_dir
        self._base: Optional[BenchPopulation] = None

    def population(self, name: str) -> BenchPopulation:
        """A private copy of the shared population (built on first use)."""
        if self._base is None:
            plan = self.plan
            patients = max(*plan.sizes, plan.provider_size)
            print(f"building the population: {patients} patients x {plan.records_per_patient} records ...",
                  flush=True)
            self._base = build(self.work_dir / "population", patients, (*plan.sizes, plan.provider_size),
                               records_per_patient=plan.records_per_patient)
            print(describe(self._base), flush=True)
        return copy_store(self._base, self.work_dir / name)

    def round_trips(self) -> Report:
        return asyncio.run(round_trips.run(self.population("round_trips"), self.plan.sizes))

    def floor(self) -> Report:
        plan = self.plan
        return asyncio.run(floor.run(self.population("floor"), plan.provider_size,
                                     plan.floor_iterations, plan.floor_warmup))

    def load(self) -> Report:
        return load.run(self.population("load"), self.plan.provider_size, self.plan.load_limits, self.work_dir)

    def scale(self) -> Report:
        plan = self.plan
        return scale.run(self.work_dir, plan.scale_sizes, plan.scale_records_per_patient,
                         plan.scale_budget_seconds, plan.scale_requests)

    def import_(self) -> Report:
        return import_rate.run(import_rate.inputs(self.plan.import_quick), self.work_dir / "import")

    def runner(self, name: str) -> Callable[[], Report]:
        return {"round_trips": self.round_trips, "floor": self.floor, "load": self.load,
                "scale": self.scale, "import": self.import_}[name]


def _failed(name: str, error: BaseException) -> Report:
    report = Report(name, f"{name}: FAILED")
    report.notes.append(f"{type(error).__name__}: {error}")
    return report


def _markdown(facts: dict[str, str], command: str, quick: bool, only: Optional[Sequence[str]],
              reports: list[Report], seconds: float) -> str:
    kind = ("quick (smoke) run: figures meaningless" if quick
            else f"partial run ({', '.join(only)})" if only else "full run")
    lines = [f"## {facts['date']} — {kind}", "",
             f"`{command}` — {seconds / 60:.1f} min", "", "| machine | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    return "\n".join(lines) + "\n\n" + "\n".join(r.markdown() for r in reports) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    plan = _plan(args)
    selected = [b for b in BENCHMARKS if not args.only or b in args.only]
    facts = machine.facts()
    print("\n".join(f"{key}: {value}" for key, value in facts.items()), flush=True)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="p360-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    suite = Suite(plan, work_dir)
    reports: list[Report] = []
    started = time.perf_counter()
    try:
        for name in selected:
            print(f"\n-- {name} ...", flush=True)
            try:
                report = suite.runner(name)()
            except Exception as error:  # one broken benchmark must not hide the others' figures
                traceback.print_exc()
                report = _failed(name, error)
            if args.quick:
                report.unjudged("--quick sizes are too small to judge a goal")
            reports.append(report)
            print(report.text(), flush=True)
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    seconds = time.perf_counter() - started
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else list(argv))
    results_path = args.results or (None if args.quick else RESULTS)
    if results_path is not None:
        results_path.parent.mkdir(parents=True, exist_ok=True)
        if not results_path.exists():
            results_path.write_text(HEADER)
        with results_path.open("a") as results:
            results.write(_markdown(facts, command.strip(), args.quick, args.only, reports, seconds))
    if args.figures:
        args.figures.write_text(json.dumps({r.name: r.figures for r in reports}, indent=1, default=str))
    print(f"figures appended to {results_path} ({seconds / 60:.1f} min)" if results_path is not None else
          f"quick run ({seconds / 60:.1f} min): figures not appended anywhere (--results PATH keeps them)")
    return 1 if any(r.title.endswith("FAILED") for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
