"""``p360 seed``: a deterministic synthetic population (``generate``), written into the graph
(``seed_population``), and the demo set with its accounts (``demo_population``,
``demo_accounts``).

The command line would do::

    population = generate(n, records_per_patient, providers, seed, SEED_ANCHOR, payor_id=payor_id)
    summary = seed_population(client, population, payor_id, progress)
"""
from ingest.seed.demo import (
    DEMO_SEED,
    DemoAccounts,
    demo_accounts,
    demo_anchor,
    demo_population,
    seed_demo,
)
from ingest.seed.population import (
    SEED_ANCHOR,
    PatientChart,
    Population,
    SeedArgs,
    generate,
)
from ingest.seed.writer import SeedSummary, seed_population

__all__ = [
    "DEMO_SEED", "DemoAccounts", "PatientChart", "Population", "SEED_ANCHOR", "SeedArgs",
    "SeedSummary", "demo_accounts", "demo_anchor", "demo_population", "generate", "seed_demo",
    "seed_population",
]
