"""The core API over HTTP: viewers, records pages, directories, health and metrics."""
from __future__ import annotations

import base64

from model.categories import RecordCategory as C
from tests.support import Api, Population

RECORDS = """
query Records($id: ID!, $first: Int, $after: String, $category: RecordCategory) {
  patient(id: $id) {
    records(first: $first, after: $after, category: $category) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id category value effectiveAt author { id name } } }
    }
  }
}"""


async def test_me_for_each_kind_of_viewer(api: Api, population: Population):
    population.patient("p1", "Ann Lee")
    population.provider("d1", "Dr. Who")
    query = "{ me { __typename ... on Patient { id name } ... on Provider { id name } ... on Payor { id } ... on Admin { id } } }"
    assert (await api.as_patient("p1", query)).data == {"me": {"__typename": "Patient", "id": "p1", "name": "Ann Lee"}}
    assert (await api.as_provider("d1", query)).data == {"me": {"__typename": "Provider", "id": "d1", "name": "Dr. Who"}}
    assert (await api.as_payor("payor", query)).data == {"me": {"__typename": "Payor", "id": "payor"}}
    assert (await api.as_admin(query)).data == {"me": {"__typename": "Admin", "id": "admin-1"}}


async def test_records_newest_first_undated_last_with_cursors(api: Api, population: Population):
    population.patient("p1")
    population.provider("d1", "Dr. One")
    ids = [population.record("p1", C.LAB, record_id=f"r{d}", days_ago=d, value=str(d), author_id="d1").id
           for d in (5, 1, 3)]
    population.record("p1", C.CONDITION, record_id="undated-b", days_ago=None)
    population.record("p1", C.CONDITION, record_id="undated-a", days_ago=None)
    assert ids == ["r5", "r1", "r3"]

    first = await api.as_patient("p1", RECORDS, {"id": "p1", "first": 2})
    connection = first.data["patient"]["records"]
    assert connection["totalCount"] == 5
    assert [e["node"]["id"] for e in connection["edges"]] == ["r1", "r3"]
    assert connection["edges"][0]["node"]["author"] == {"id": "d1", "name": "Dr. One"}
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["hasPreviousPage"] is False

    rest = await api.as_patient("p1", RECORDS, {"id": "p1", "first": 10,
                                                "after": connection["pageInfo"]["endCursor"]})
    nodes = [e["node"] for e in rest.data["patient"]["records"]["edges"]]
    assert [n["id"] for n in nodes] == ["r5", "undated-a", "undated-b"]
    assert nodes[1]["effectiveAt"] is None and nodes[1]["author"] is None
    assert rest.data["patient"]["records"]["pageInfo"]["hasNextPage"] is False
    assert rest.data["patient"]["records"]["pageInfo"]["hasPreviousPage"] is True

    only_conditions = await api.as_patient("p1", RECORDS, {"id": "p1", "category": "CONDITION"})
    assert only_conditions.data["patient"]["records"]["totalCount"] == 2


async def test_first_is_capped_at_100_and_bad_arguments_are_named(api: Api, population: Population):
    population.patient("p1")
    for i in range(105):
        population.record("p1", C.VITAL_SIGN, days_ago=i + 1)
    capped = await api.as_patient("p1", RECORDS, {"id": "p1", "first": 1000})
    assert len(capped.data["patient"]["records"]["edges"]) == 100
    assert capped.data["patient"]["records"]["totalCount"] == 105

    # Only the cursors the API wrote: int() alone read " 5", "1_0", "005" and Arabic-Indic digits.
    lookalikes = [base64.urlsafe_b64encode(f"p360:offset:{digits}".encode()).decode()
                  for digits in (" 5", "1_0", "005", "\u0665", "-1")]
    for cursor in ["not-a-cursor", *lookalikes]:
        bad_cursor = await api.as_patient("p1", RECORDS, {"id": "p1", "after": cursor})
        assert bad_cursor.codes() == ["BAD_USER_INPUT"], cursor
        assert bad_cursor.errors[0]["extensions"]["argument"] == "after"
    issued = base64.urlsafe_b64encode(b"p360:offset:5").decode()
    assert len((await api.as_patient("p1", RECORDS, {"id": "p1", "after": issued})).data["patient"]["records"]["edges"]) == 20
    negative = await api.as_patient("p1", RECORDS, {"id": "p1", "first": -1})
    assert negative.codes() == ["BAD_USER_INPUT"]
    assert negative.errors[0]["extensions"]["argument"] == "first"


async def test_provider_directory_search_and_paging(api: Api, population: Population):
    population.patient("p1")
    for i, name in enumerate(["Dr. Alice Smith", "Dr. Bob Smithers", "Dr. Carol Jones"]):
        population.provider(f"d{i}", name)
    query = "query($s: String, $first: Int) { providers(search: $s, first: $first) { totalCount edges { node { name } } } }"
    found = await api.as_patient("p1", query, {"s": "SMITH"})
    assert found.data["providers"]["totalCount"] == 2
    assert sorted(e["node"]["name"] for e in found.data["providers"]["edges"]) == ["Dr. Alice Smith", "Dr. Bob Smithers"]
    page = await api.as_patient("p1", query, {"first": 1})
    assert page.data["providers"]["totalCount"] == 3 and len(page.data["providers"]["edges"]) == 1


async def test_members_for_payor_and_admin_only(api: Api, population: Population):
    for pid in ("p1", "p2", "p3"):
        population.patient(pid)
    query = "{ members(first: 2) { totalCount edges { node { id name } } pageInfo { hasNextPage } } }"
    payor = await api.as_payor("payor", query)
    assert payor.data["members"]["totalCount"] == 3
    assert [e["node"]["id"] for e in payor.data["members"]["edges"]] == ["p1", "p2"]
    admin = await api.as_admin(query)
    assert admin.data["members"]["totalCount"] == 3
    patient = await api.as_patient("p1", query)
    assert patient.data is None and patient.codes() == ["FORBIDDEN"]


async def test_health_metrics_and_jwks(api: Api):
    assert api.session is not None
    async with api.session.get(f"{api.base}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"
    before = api.traversal_count()
    async with api.session.get(f"{api.base}/metrics") as response:
        text = await response.text()
    assert f"p360_graph_traversals_total {before}" in text
    async with api.session.get(f"{api.base}/.well-known/jwks.json") as response:
        keys = (await response.json())["keys"]
    assert keys == [api.issuer.jwk]


async def test_unexpected_errors_are_masked_with_a_request_id(api: Api, population: Population):
    population.patient("p1")
    # A record whose stored time is not a time cannot be decoded: an internal error, which
    # the client sees only as a code and a request id.
    from gremlin_python.process.traversal import Cardinality
    population.record("p1", C.LAB, record_id="broken")
    api.graph.run_sync(api.graph.g.V("Record/broken").property(Cardinality.single, "effectiveAt", "NOPE"))
    response = await api.as_patient("p1", RECORDS, {"id": "p1"})
    assert response.codes() == ["INTERNAL_SERVER_ERROR"]
    assert response.errors[0]["message"] == "Internal server error."
    assert len(response.errors[0]["extensions"]["requestId"]) == 32
    assert "NOPE" not in str(response.body)


async def test_graphiql_is_served_to_browsers_in_development(api: Api):
    assert api.session is not None
    async with api.session.get(api.url, headers={"Accept": "text/html"}) as response:
        assert response.status == 200
        assert "graphiql" in (await response.text()).lower()
