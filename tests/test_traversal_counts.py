"""Round trips depend on an operation's shape, never on how many nodes it returns."""
from __future__ import annotations

from model.categories import RecordCategory as C
from tests.support import Api, Population

PROVIDER_VIEW = """
query ProviderView {
  myPatients {
    id name birthDate
    grantsToMe { id expiresAt categories }
    records(first: 20) { totalCount edges { node { id code value effectiveAt author { id name } } } }
  }
}"""


def _populate(population: Population, patients: int) -> None:
    for a in range(3):
        population.provider(f"author-{a}")
    population.provider("viewer")
    for i in range(patients):
        pid = f"p{i:03d}"
        population.patient(pid)
        # Each patient grants a different set of categories: one traversal must still do.
        granted = [C.LAB] if i % 2 else [C.LAB, C.VITAL_SIGN]
        population.grant(pid, "viewer", granted)
        for j in range(4):
            population.record(pid, [C.LAB, C.VITAL_SIGN, C.CONDITION][j % 3], days_ago=j + 1,
                              author_id=f"author-{(i + j) % 3}")


async def _count(api: Api) -> tuple[int, dict]:
    before = api.traversal_count()
    response = await api.as_provider("viewer", PROVIDER_VIEW)
    assert response.errors == []
    return api.traversal_count() - before, response.data


async def test_provider_view_costs_the_same_for_1_and_20_patients(tmp_path):
    from tests.support import start_api, stop_api

    counts = {}
    for size in (1, 20):
        api, runner = await start_api(tmp_path / f"data-{size}")
        try:
            _populate(Population(api.graph), size)
            counts[size], data = await _count(api)
            assert len(data["myPatients"]) == size
            odd = [p for p in data["myPatients"] if int(p["id"][1:]) % 2]
            for patient in odd:  # only LAB granted: no vital signs, and totals say so
                assert {e["node"]["code"] for e in patient["records"]["edges"]} == {"4548-4"}
                assert patient["records"]["totalCount"] == 2
            assert all(e["node"]["author"]["name"].startswith("Dr. author-")
                       for p in data["myPatients"] for e in p["records"]["edges"])
        finally:
            await stop_api(api, runner)
    assert counts[1] == counts[20], counts
    # identity (1), myPatients (1), access scope with the patients' vertices (1), records (1),
    # authors (1), the audit write (1)
    assert counts[1] == 6


async def test_authors_come_with_the_page_only_when_the_query_asks_for_them(api: Api, population: Population):
    """The page loader fetches the records' authors when the selection (AppSync's
    selectionSetList, fragments included) has edges/node/author; then every record's author
    resolves at once, in one traversal for the whole page."""
    _populate(population, 3)
    as_fragment = PROVIDER_VIEW.replace("author { id name }", "...Who").replace(
        "query ProviderView {", "fragment Who on Record { author { id name } }\nquery ProviderView {")
    without = PROVIDER_VIEW.replace(" author { id name }", "")
    costs = {}
    for name, query in (("inline", PROVIDER_VIEW), ("fragment", as_fragment), ("without", without)):
        before = api.traversal_count()
        response = await api.as_provider("viewer", query)
        assert response.errors == [], name
        costs[name] = api.traversal_count() - before
        authors = [e["node"].get("author") for p in response.data["myPatients"] for e in p["records"]["edges"]]
        assert len(authors) == 8 and (all(a["name"].startswith("Dr. author-") for a in authors)
                                      if name != "without" else authors == [None] * 8), name
    assert costs == {"inline": 6, "fragment": 6, "without": 5}
