"""The graph over a remote Gremlin endpoint (tests/gremlin_endpoint.py, reached through
gremlinpython's DriverRemoteConnection): the same results as the embedded engine, retries that
cannot duplicate, an endpoint that goes away and comes back, two API servers on one graph, a
lagging reader, TLS, and Neptune IAM signing."""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import signal
import ssl
import urllib.request
from pathlib import Path

import pytest
from botocore.credentials import Credentials
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import Order, P, Scope, T, TextP
from gremlin_python.structure.graph import Edge, Vertex

from authz.tokens import DevelopmentIssuer
from graphdb import model, writes
from graphdb.client import GraphClient, traversal_source
from graphdb.errors import GraphQueryError, GraphUnavailable
from graphdb.iam import NeptuneSigner, handshake_url, region_from_host
from graphdb.open import open_graph
from graphdb.remote import RemoteGraph, RemoteOptions
from model.categories import RecordCategory as C
from model.nodes import GrantNode, PatientNode, PayorNode
from model.timeutil import utcnow
from p360.config import ConfigError, from_environment
from tests.gremlin_endpoint import GremlinEndpoint
from tests.support import Population, start_api, stop_api
from tests.test_cli import post, start_server

GRANT = """mutation Grant($input: GrantAccessInput!) { grantAccess(input: $input) { id active } }"""
REVOKE = "mutation Revoke($id: ID!) { revokeGrant(id: $id) { id active } }"
CHART = """query Chart($id: ID!) { patient(id: $id) { name records { totalCount edges { node { category value } } } } }"""
UNAVAILABLE = [{"message": "the graph is unavailable; try again shortly",
                "extensions": {"code": "SERVICE_UNAVAILABLE"}}]
FIXED_CLOCK = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.timezone.utc)
FAKE_KEYS = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


@pytest.fixture
def endpoint(tmp_path):
    server = GremlinEndpoint(tmp_path / "endpoint").start()
    yield server
    server.close()


@pytest.fixture
def remote(endpoint):
    graph = GraphClient(RemoteGraph(endpoint.url))
    yield graph
    graph.close()


def _populate(graph: GraphClient, now: dt.datetime | None = None) -> Population:
    population = Population(graph)
    population.now = now or population.now
    graph.run_sync(writes.upsert_payor(graph.g, PayorNode("payor", "Payor")))
    population.patient("p1", "Ann Lee")
    # p2 has no name (nor birth date): ordering or projecting by one must not drop p2.
    graph.run_sync(writes.upsert_patient(graph.g, PatientNode("p2"), "payor"))
    population.provider("doc", "Dr. Doc")
    population.record("p1", C.LAB, record_id="r1", value="6.9", days_ago=2, author_id="doc")
    population.record("p1", C.VITAL_SIGN, record_id="r2", value="140", days_ago=None)
    population.grant("p1", "doc", [C.LAB], grant_id="g1")
    return population


def _edge_count(graph: GraphClient, label: str) -> int:
    return graph.run_sync(graph.g.E().has_label(label).count())[0]


# -- the same results as the embedded engine ------------------------------------------------
def test_remote_results_equal_the_embedded_engines(tmp_path, remote):
    embedded = open_graph(tmp_path / "embedded")
    try:
        now = utcnow()  # the same data on both graphs, timestamps included
        _populate(embedded, now)
        _populate(remote, now)
        g = traversal_source()
        traversals = [
            g.V("Patient/p1").element_map(),
            g.V().has_label("Record").order().by("sortKey", Order.desc).by(T.id).element_map(),
            g.V().has_label("Record").group().by("patientId").by(__.count()),
            g.V().has_label("Patient").order().by(T.id).project("id", "name")
            .by(T.id).by(__.coalesce(__.values("name"), __.constant(""))),
            g.V().has_label("Grant").values("expiresAtMs"),  # a Long, beyond 32 bits
            g.V().has_label("Record").values("sortKey").order(),  # -(2**53) for the undated one
            g.V().has_label("Record").has("patientId", P.within(["p1", "p9"])).id_(),
            g.V().has_label("Grant").has("expiresAtMs", P.gt(0).and_(P.lt(2**62))).id_(),
            g.V().has_label("Record").has("category", P.not_(P.within(["LAB"]))).id_(),
            g.V().has_label("Provider").has("nameLower", TextP.containing("doc")).values("name"),
            g.V().has_label("Record").has("sortKey", P.between(-(2**53), 0)).id_(),
            g.V("Patient/p1").out("HAS_RECORD").fold().project("total", "page")
            .by(__.count(Scope.local)).by(__.unfold().order().by(T.id).id_().fold()),
            g.V().has_label("Record").values("patientId"),  # equal results come back bulked
            g.V("Patient/p1"),
            g.V("Patient/p1").out_e("HAS_RECORD").order().by(T.id),
            g.V("Patient/nobody").element_map(),
        ]
        for traversal in traversals:
            assert remote.run_sync(traversal) == embedded.run_sync(traversal), traversal.bytecode
        assert remote.run_sync(g.V("Patient/p1").element_map()) == [
            {T.id: "Patient/p1", T.label: "Patient", "name": "Ann Lee", "birthDate": "1980-05-17",
             "gender": "female", "birthYear": 1980}]
        assert remote.run_sync(g.V().has_label("Record").group().by("patientId").by(__.count())) == [{"p1": 2}]
        assert remote.run_sync(g.V().has_label("Record").values("patientId")) == ["p1", "p1"]  # one Traverser, bulk 2
        vertex = remote.run_sync(g.V("Patient/p1"))[0]
        assert isinstance(vertex, Vertex) and (vertex.id, vertex.label) == ("Patient/p1", "Patient")
        edges = remote.run_sync(g.V("Patient/p1").out_e("HAS_RECORD").order().by(T.id))
        assert all(isinstance(e, Edge) for e in edges)
        assert [(e.outV.id, e.label) for e in edges] == [("Patient/p1", "HAS_RECORD")] * 2
    finally:
        embedded.close()


def test_results_come_in_batches_and_empty_results_are_no_content(remote, endpoint):
    g = remote.g
    remote.run_atomic_sync([g.V(f"n/{i:03d}").fold().coalesce(__.unfold(), __.add_v("N").property(T.id, f"n/{i:03d}"))
                            for i in range(150)])
    before = len(endpoint.statuses)
    assert remote.run_sync(g.V().has_label("N").order().by(T.id).id_()) == [f"n/{i:03d}" for i in range(150)]
    assert endpoint.statuses[before:] == [206, 206, 200]  # batches of 64
    assert remote.run_sync(g.V().has_label("Nothing")) == []
    assert endpoint.statuses[-1] == 204


async def test_a_synchronous_call_from_async_code_can_open_its_connection(endpoint):
    """The embedded store serves a synchronous call made while an event loop runs (the tests'
    Population does that); so does the remote graph, even when it must connect first."""
    graph = GraphClient(RemoteGraph(endpoint.url))
    try:
        assert graph.run_sync(graph.g.V().count()) == [0]
        assert graph.run_atomic_sync([graph.g.V().count()]) == [[0]]
    finally:
        graph.close()


# -- retries ----------------------------------------------------------------------------------
def test_a_read_is_sent_once_more_after_a_dropped_connection(remote, endpoint):
    _populate(remote)
    endpoint.drop_next()
    before = endpoint.requests
    assert remote.run_sync(remote.g.V("Patient/p1").values("name")) == ["Ann Lee"]
    assert endpoint.requests - before == 2


def test_a_read_dropped_twice_is_unavailable(remote, endpoint):
    endpoint.drop_next()
    endpoint.drop_next()
    with pytest.raises(GraphUnavailable, match="^the connection to the graph endpoint dropped$"):
        remote.run_sync(remote.g.V().count())
    assert remote.run_sync(remote.g.V().count()) == [0]  # and the next one simply works


def test_a_write_whose_answer_was_lost_is_sent_again_without_duplicating(remote, endpoint):
    _populate(remote)
    grant = GrantNode("g2", "p1", "doc", "Provider", frozenset({C.VITAL_SIGN}), False,
                      utcnow(), utcnow() + dt.timedelta(days=3))
    writes_before = len(endpoint.write_log)
    endpoint.drop_next(after_running=True)  # the grant lands, its answer never arrives
    remote.run_sync(writes.upsert_grant(remote.g, grant))
    assert len(endpoint.write_log) - writes_before == 2  # it ran twice ...
    g = remote.g
    assert remote.run_sync(g.V().has_label("Grant").id_().order()) == ["Grant/g1", "Grant/g2"]  # ... once in effect
    assert remote.run_sync(g.V("Grant/g2").in_e("GRANTED").count()) == [1]
    assert remote.run_sync(g.V("Grant/g2").out_e("TO").count()) == [1]
    assert remote.run_sync(g.V("Grant/g2").values("categories")) == ["VITAL_SIGN"]


def test_a_write_that_could_duplicate_is_never_sent_again(remote, endpoint):
    _populate(remote)
    g = remote.g
    endpoint.drop_next(after_running=True)
    plain_edge = g.V("Patient/p2").add_e("KNOWS").to(__.V("Patient/p1"))  # no key: a retry would duplicate
    with pytest.raises(GraphUnavailable, match="the write may not have landed"):
        remote.run_sync(plain_edge)
    assert _edge_count(remote, "KNOWS") == 1


def test_write_conflicts_are_retried_with_backoff(remote, endpoint):
    _populate(remote)
    endpoint.fail_next('{"code":"ConcurrentModificationException","detailedMessage":"Please retry"}')
    endpoint.fail_next('{"code":"ConcurrentModificationException","detailedMessage":"Please retry"}')
    before = endpoint.requests
    remote.run_sync(writes.set_record_status(remote.g, "r1", "amended"))
    assert endpoint.requests - before == 3
    assert remote.run_sync(remote.g.V("Record/r1").values("status")) == ["amended"]


def test_a_refused_traversal_is_not_retried_and_names_the_cause(remote, endpoint):
    _populate(remote)
    before = endpoint.requests
    with pytest.raises(GraphQueryError, match="^the graph refused the traversal: "):
        remote.run_sync(remote.g.add_v("Patient").property(T.id, "Patient/p1"))  # the id exists
    assert endpoint.requests - before == 1


def test_unsupported_traversals_never_leave_the_process(remote, endpoint, portable_traversals):
    g = remote.g
    with pytest.raises(GraphQueryError, match="a lambda in step 'map': Neptune does not run lambdas"):
        remote.run_sync(g.V().map(lambda: "it.get()"))
    with pytest.raises(GraphQueryError, match="step 'tree' is not supported"):
        remote.run_sync(g.V().local(__.out().tree()))
    with pytest.raises(GraphQueryError, match="TextP.regex in step 'has' is not supported"):
        remote.run_sync(g.V().has("name", TextP.regex("A.*")))
    assert endpoint.requests == 0
    # The suite-wide walk (tests/conftest.py) saw them too; they were sent on purpose here.
    assert [p.split(": ", 1)[1] for p in portable_traversals] == [
        "a lambda in step 'map': Neptune does not run lambdas",
        "step 'tree' is not supported",
        "TextP.regex in step 'has' is not supported"]
    portable_traversals.clear()


def test_atomic_writes_land_together_or_not_at_all(remote, endpoint):
    g = remote.g
    upsert = lambda vid: g.V(vid).fold().coalesce(__.unfold(), __.add_v("N").property(T.id, vid))  # noqa: E731
    assert remote.run_atomic_sync([upsert("n/1"), upsert("n/2"), g.V("n/1", "n/2").count()]) == [
        [Vertex("n/1")], [Vertex("n/2")], [2]]
    with pytest.raises(GraphQueryError):
        remote.run_atomic_sync([upsert("n/3"), g.add_v("N").property(T.id, "n/1")])  # the second fails
    assert remote.run_sync(g.V().has_label("N").id_().order()) == ["n/1", "n/2"]
    endpoint.drop_next(after_running=True, matching=lambda r: r.processor == "session")
    remote.run_atomic_sync([upsert("n/4"), upsert("n/5")])  # dropped mid-transaction: run again whole
    assert remote.run_sync(g.V().has_label("N").id_().order()) == ["n/1", "n/2", "n/4", "n/5"]


# -- the endpoint goes away, and comes back ------------------------------------------------------
async def test_endpoint_down_is_unavailable_and_service_resumes_by_itself(tmp_path):
    api, runner = await start_api(tmp_path / "data", backend="remote")
    try:
        _populate(api.graph)
        assert (await api.as_patient("p1", CHART, {"id": "p1"})).data["patient"]["name"] == "Ann Lee"
        api.endpoint.stop()

        assert api.session is not None
        async with api.session.get(f"{api.base}/healthz") as health:
            assert (health.status, await health.json()) == (
                503, {"status": "unavailable", "reason": "the graph endpoint cannot be reached"})
        down = await api.as_patient("p1", CHART, {"id": "p1"})
        assert (down.status, down.body) == (503, {"data": None, "errors": UNAVAILABLE})
        down = await api.as_provider("doc", CHART, {"id": "p1"})
        assert (down.status, down.body) == (503, {"data": None, "errors": UNAVAILABLE})

        api.endpoint.start()  # the same port, the same store
        async with api.session.get(f"{api.base}/healthz") as health:
            assert (health.status, (await health.json())["status"]) == (200, "ok")
        back = await api.as_provider("doc", CHART, {"id": "p1"})
        assert back.data == {"patient": {"name": "Ann Lee", "records": {
            "totalCount": 1, "edges": [{"node": {"category": "LAB", "value": "6.9"}}]}}}
    finally:
        await stop_api(api, runner)


# -- several API servers on one graph -------------------------------------------------------------
async def test_a_grant_and_its_revocation_made_through_one_server_hold_on_the_other(tmp_path, endpoint):
    # Two replicas of the API: the same graph, the same development keys.
    first, first_runner = await start_api(tmp_path / "data", gremlin_url=endpoint.url)
    second, second_runner = await start_api(tmp_path / "data", gremlin_url=endpoint.url)
    try:
        population = Population(first.graph)
        population.patient("p1", "Ann Lee")
        population.provider("doc", "Dr. Doc")
        population.record("p1", C.LAB, value="6.9")
        assert (await second.as_provider("doc", CHART, {"id": "p1"})).codes() == ["FORBIDDEN"]

        granted = await first.as_patient("p1", GRANT, {"input": {"granteeId": "doc", "durationDays": 30,
                                                                 "categories": ["LAB"]}})
        grant_id = granted.data["grantAccess"]["id"]
        seen = await second.as_provider("doc", CHART, {"id": "p1"})
        assert seen.data == {"patient": {"name": "Ann Lee", "records": {
            "totalCount": 1, "edges": [{"node": {"category": "LAB", "value": "6.9"}}]}}}

        revoked = await second.as_patient("p1", REVOKE, {"id": grant_id})
        assert revoked.data == {"revokeGrant": {"id": grant_id, "active": False}}
        after = await first.as_provider("doc", CHART, {"id": "p1"})
        assert (after.data, after.codes()) == ({"patient": None}, ["FORBIDDEN"])
    finally:
        await stop_api(second, second_runner)
        await stop_api(first, first_runner)


def test_two_p360_serve_processes_on_one_remote_graph(tmp_path, endpoint):
    graph = open_graph(tmp_path, endpoint.url)
    try:
        _populate(graph)
    finally:
        graph.close()
    data = tmp_path / "data"  # the development keys both processes trust
    env = {"P360_GREMLIN_URL": endpoint.url}
    first, first_url = start_server(data, env=env)
    second, second_url = start_server(data, env=env)
    try:
        issuer = DevelopmentIssuer(data)
        patient, doctor = issuer.mint("p2", "patients", 600), issuer.mint("doc", "providers", 600)
        with urllib.request.urlopen(f"{second_url}/healthz", timeout=10) as response:
            assert json.loads(response.read()) == {"status": "ok", "graph": "remote", "mode": "development"}
        assert post(second_url, CHART, doctor, {"id": "p2"})["data"] == {"patient": None}
        granted = post(first_url, GRANT, patient, {"input": {"granteeId": "doc", "durationDays": 1}})
        grant_id = granted["data"]["grantAccess"]["id"]
        assert post(second_url, CHART, doctor, {"id": "p2"})["data"] == {
            "patient": {"name": None, "records": {"totalCount": 0, "edges": []}}}
        assert post(second_url, REVOKE, patient, {"id": grant_id})["data"] == {
            "revokeGrant": {"id": grant_id, "active": False}}
        denied = post(first_url, CHART, doctor, {"id": "p2"})
        assert (denied["data"], [e["extensions"]["code"] for e in denied["errors"]]) == (
            {"patient": None}, ["FORBIDDEN"])
    finally:
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
    assert (first.returncode, second.returncode) == (0, 0)


async def test_a_lagging_reader_serves_records_but_never_decides_access(tmp_path):
    writer = GremlinEndpoint(tmp_path / "writer").start()
    reader = GremlinEndpoint(tmp_path / "reader", replica_of=writer).start()
    api, runner = await start_api(tmp_path / "data", gremlin_url=writer.url, gremlin_read_url=reader.url)
    try:
        population = Population(api.graph)  # writes go to the writer
        population.patient("p1", "Ann Lee")
        population.provider("doc", "Dr. Doc")
        population.record("p1", C.LAB, record_id="r1", value="6.9", days_ago=2)
        grant = population.grant("p1", "doc", [C.LAB])
        reader.catch_up()

        population.record("p1", C.LAB, record_id="r2", value="7.4", days_ago=1)  # not on the reader yet
        seen = await api.as_provider("doc", CHART, {"id": "p1"})
        assert seen.data["patient"]["records"] == {"totalCount": 1, "edges": [{"node": {"category": "LAB", "value": "6.9"}}]}
        assert reader.catch_up() == 2  # the record, and the access event the read left
        seen = await api.as_provider("doc", CHART, {"id": "p1"})
        assert [e["node"]["value"] for e in seen.data["patient"]["records"]["edges"]] == ["7.4", "6.9"]

        revoked = await api.as_patient("p1", REVOKE, {"id": grant.id})
        assert revoked.data == {"revokeGrant": {"id": grant.id, "active": False}}
        # The reader still has the grant active; the revocation holds on the next request.
        assert reader.store.execute(api.graph.g.V(model.vid(model.GRANT, grant.id)).has_not("revokedAtMs").count().bytecode) == [1]
        after = await api.as_provider("doc", CHART, {"id": "p1"})
        assert (after.data, after.codes()) == ({"patient": None}, ["FORBIDDEN"])
    finally:
        await stop_api(api, runner)
        reader.close()
        writer.close()


# -- TLS ------------------------------------------------------------------------------------------
def _self_signed(directory: Path) -> tuple[Path, ssl.SSLContext]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "endpoint.pem", directory / "endpoint.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return cert_path, context


def test_wss_with_the_endpoints_ca_or_without_verification_in_development(tmp_path):
    ca_file, server_tls = _self_signed(tmp_path)
    endpoint = GremlinEndpoint(tmp_path / "endpoint", tls=server_tls).start()
    g = traversal_source()
    try:
        assert endpoint.url.startswith("wss://127.0.0.1:")
        trusted = RemoteGraph(endpoint.url, RemoteOptions(ca_file=str(ca_file)))
        unverified = RemoteGraph(endpoint.url, RemoteOptions(tls_verify=False))
        system_store = RemoteGraph(endpoint.url)
        assert trusted.execute(g.V().count().bytecode) == [0]
        assert unverified.execute(g.V().count().bytecode) == [0]
        with pytest.raises(GraphUnavailable, match="^the graph endpoint cannot be reached$"):
            system_store.execute(g.V().count().bytecode)  # a certificate no trusted CA signed
        for graph in (trusted, unverified, system_store):
            graph.close()
    finally:
        endpoint.close()


# -- Neptune IAM ----------------------------------------------------------------------------------
def test_sigv4_signs_the_aws_test_suites_get_vanilla_request():
    signer = NeptuneSigner("us-east-1", Credentials(*FAKE_KEYS), clock=lambda: FIXED_CLOCK, service="service")
    assert signer.headers("https://example.amazonaws.com/") == {
        "Host": "example.amazonaws.com",
        "X-Amz-Date": "20150830T123600Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                         "SignedHeaders=host;x-amz-date, "
                         "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    }


def test_a_neptune_handshake_is_signed_for_neptune_db_with_the_session_token():
    url = "wss://db.cluster-abc.us-east-1.neptune.amazonaws.com:8182/gremlin"
    assert region_from_host(url) == "us-east-1"
    assert handshake_url(url) == ("https://db.cluster-abc.us-east-1.neptune.amazonaws.com:8182/gremlin",
                                  "db.cluster-abc.us-east-1.neptune.amazonaws.com:8182")
    assert handshake_url("wss://db.example:443/gremlin") == ("https://db.example/gremlin", "db.example")
    signer = NeptuneSigner("us-east-1", Credentials(*FAKE_KEYS, "SESSIONTOKEN"), clock=lambda: FIXED_CLOCK)
    assert signer.headers(url) == {
        "Host": "db.cluster-abc.us-east-1.neptune.amazonaws.com:8182",
        "X-Amz-Date": "20150830T123600Z",
        "X-Amz-Security-Token": "SESSIONTOKEN",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/neptune-db/aws4_request, "
                         "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                         "Signature=35152db9d3c8bbd57a28cc9ac80d035dd5c96e9a11161a4222766a9de56c8dfe",
    }


def test_iam_from_configuration_signs_every_handshake_with_the_credential_chain(tmp_path, monkeypatch):
    endpoint = GremlinEndpoint(tmp_path / "endpoint", require_signature=True).start()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEYS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_KEYS[1])
    monkeypatch.setenv("AWS_SESSION_TOKEN", "SESSIONTOKEN")
    settings = from_environment({"P360_GREMLIN_URL": endpoint.url, "P360_NEPTUNE_IAM": "true",
                                 "P360_NEPTUNE_REGION": "eu-west-1"})
    signed = open_graph(settings.data_dir, settings.gremlin_url, None, settings.remote_options())
    unsigned = open_graph(settings.data_dir, settings.gremlin_url)
    try:
        assert signed.run_sync(signed.g.V().count()) == [0]
        headers = endpoint.handshake_headers[-1]
        assert headers["Host"] == f"127.0.0.1:{endpoint.port}"
        assert headers["X-Amz-Security-Token"] == "SESSIONTOKEN"
        assert headers["Authorization"].startswith(
            f"AWS4-HMAC-SHA256 Credential={FAKE_KEYS[0]}/{headers['X-Amz-Date'][:8]}/eu-west-1/neptune-db/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=")
        with pytest.raises(GraphUnavailable, match=r"^the graph endpoint refused the connection \(HTTP 403\)$"):
            unsigned.run_sync(unsigned.g.V().count())
    finally:
        signed.close()
        unsigned.close()
        endpoint.close()


# -- configuration --------------------------------------------------------------------------------
def test_remote_settings_come_from_the_environment():
    settings = from_environment({
        "P360_GREMLIN_URL": "wss://writer.example:8182/gremlin", "P360_GREMLIN_READ_URL": "wss://reader.example:8182/gremlin",
        "P360_GREMLIN_POOL_SIZE": "16", "P360_GREMLIN_CONNECT_TIMEOUT": "1.5", "P360_GREMLIN_REQUEST_TIMEOUT": "10",
        "P360_GREMLIN_CA_FILE": "/etc/ssl/neptune.pem", "P360_GREMLIN_TLS_VERIFY": "true",
        "P360_NEPTUNE_IAM": "1", "P360_NEPTUNE_REGION": "us-west-2"})
    assert settings.remote_options() == RemoteOptions(
        pool_size=16, connect_timeout=1.5, request_timeout=10.0, ca_file="/etc/ssl/neptune.pem", tls_verify=True,
        iam=True, region="us-west-2")
    assert from_environment({}).remote_options() == RemoteOptions()


@pytest.mark.parametrize("env, message", [
    ({"P360_GREMLIN_URL": "http://db:8182/gremlin"}, "start with ws:// or wss://"),
    ({"P360_GREMLIN_READ_URL": "ws://reader:8182/gremlin"}, "P360_GREMLIN_READ_URL needs P360_GREMLIN_URL"),
    ({"P360_GREMLIN_POOL_SIZE": "eight"}, "P360_GREMLIN_POOL_SIZE must be a number, not 'eight'"),
    ({"P360_GREMLIN_POOL_SIZE": "0"}, "must be positive"),
    ({"P360_GREMLIN_TLS_VERIFY": "maybe"}, "P360_GREMLIN_TLS_VERIFY must be true or false, not 'maybe'"),
    ({"P360_MODE": "production", "P360_GREMLIN_TLS_VERIFY": "false", "P360_JWT_ISSUER": "https://i",
      "P360_JWT_AUDIENCE": "a", "P360_JWKS_URL": "https://i/jwks"}, "production mode refuses P360_GREMLIN_TLS_VERIFY=false"),
])
def test_bad_remote_settings_are_named(env, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        from_environment(env)


def test_a_transport_collected_inside_a_thread_pool_lock_does_not_hang():
    """The collector may finalize a dropped transport while this thread holds the lock that
    concurrent.futures takes to start a worker (seen: the suite hung in teardown). Closing it
    then must not go through a thread pool, which would wait for that lock forever."""
    import concurrent.futures.thread as pool_internals
    import threading

    from graphdb.remote import _Transport

    def drop_inside_the_lock() -> None:
        transport = _Transport(RemoteOptions(), None, None)
        with pool_internals._global_shutdown_lock:
            del transport  # the last reference: finalized here, inside the lock

    # On a thread whose event loop is running, as in a server (or the test endpoint).
    done = threading.Event()

    async def inside_a_running_loop() -> None:
        drop_inside_the_lock()

    def run() -> None:
        asyncio.run(inside_a_running_loop())
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert done.wait(10), "finalizing a transport inside the pool's lock hung"
