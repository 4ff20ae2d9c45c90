"""A Gremlin-protocol endpoint for the tests: a WebSocket server on 127.0.0.1 that speaks the
Gremlin Server protocol the way gremlinpython's ``DriverRemoteConnection`` expects, and hands
each traversal's bytecode to the embedded engine.

No Gremlin Server can be installed from the package registries here, so this stands in for
one (a test fixture, not a product feature):

- requests and responses are GraphBinary v1 (``application/vnd.graphbinary-v1.0``), read and
  written with gremlinpython's own GraphBinary reader and writer (plus readers for P, TextP,
  lambdas and strategies, which a client never has to read);
- op ``bytecode`` of processor ``traversal`` runs the traversal; results go back as
  Traversers with a bulk (equal neighbours bulked, as a server does), in batches of
  ``batchSize`` (206 partial content, then 200), or 204 when there are none; a failed
  traversal is status 597 with the engine's message;
- processor ``session``: a transaction per session. Each traversal answers with its results
  as they would be inside the transaction (the engine runs the session's traversals so far
  as one unit and rolls them back), ``g.tx().commit()`` runs them all as one atomic unit,
  ``rollback`` and op ``close`` forget them;
- it can stop and start again on the same port, drop connections or fail requests on
  demand, require a signed handshake, serve over TLS, and serve as a lagging read replica
  of another endpoint (replaying the writer's writes only when told to, and refusing writes
  as a Neptune reader does).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import io
import ssl
import struct
import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Optional

import aiohttp
import graphersal
from aiohttp import web
from gremlin_python.driver.serializer import GraphBinarySerializersV1
from gremlin_python.process.strategies import OptionsStrategy
from gremlin_python.process.traversal import Bytecode, P, TextP, Traverser
from gremlin_python.structure.io import graphbinaryV1
from gremlin_python.structure.io.graphbinaryV1 import DataType

from graphdb import bytecode as walk
from graphdb.embedded import EmbeddedConnection
from graphdb.errors import GraphError, GraphQueryError
from graphdb.remote import IntegerIO

MIME_TYPE = GraphBinarySerializersV1.DEFAULT_VERSION
DEFAULT_BATCH_SIZE = 64
_int32 = struct.Struct(">i")


# -- reading requests: the parts gremlinpython writes but never has to read ------------------
class _Lambda:
    def __init__(self, language: str, script: str):
        self.language, self.script = language, script


class _PReader:
    kind = P

    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: Any, nullable: bool = True) -> Any:
        if nullable and buff.read(1)[0] == 0x01:
            return None
        operator = reader.to_object(buff, DataType.string, False)
        count = _int32.unpack(buff.read(4))[0]
        args = [reader.read_object(buff) for _ in range(count)]
        if operator in ("within", "without"):
            return cls.kind(operator, args)
        return cls.kind(operator, *args) if len(args) <= 2 else cls.kind(operator, args)


class _TextPReader(_PReader):
    kind = TextP


class _LambdaReader:
    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: Any, nullable: bool = True) -> Any:
        if nullable and buff.read(1)[0] == 0x01:
            return None
        language = reader.to_object(buff, DataType.string, False)
        script = reader.to_object(buff, DataType.string, False)
        buff.read(4)  # arguments
        return _Lambda(language, script)


class _StrategyReader:
    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: Any, nullable: bool = True) -> Any:
        if nullable and buff.read(1)[0] == 0x01:
            return None
        fqcn = reader.to_object(buff, DataType.clazz, False)
        configuration = reader.to_object(buff, DataType.map, False)
        if not str(fqcn).endswith("OptionsStrategy"):
            raise ValueError(f"strategy {fqcn} is not supported")
        return OptionsStrategy(options=dict(configuration))


class _ClassReader:
    @classmethod
    def objectify(cls, buff: io.BytesIO, reader: Any, nullable: bool = True) -> Any:
        if nullable and buff.read(1)[0] == 0x01:
            return None
        return reader.to_object(buff, DataType.string, False)


_READER = graphbinaryV1.GraphBinaryReader({
    DataType.p: _PReader, DataType.textp: _TextPReader, DataType.lambda_: _LambdaReader,
    DataType.traversalstrategy: _StrategyReader, DataType.clazz: _ClassReader,
})
_WRITER = graphbinaryV1.GraphBinaryWriter({int: IntegerIO})


class Request:
    def __init__(self, request_id: uuid.UUID, op: str, processor: str, args: dict[str, Any]):
        self.request_id, self.op, self.processor, self.args = request_id, op, processor, args


def decode_request(data: bytes) -> Request:
    buff = io.BytesIO(data)
    mime = buff.read(buff.read(1)[0])
    if mime != MIME_TYPE:
        raise ValueError(f"unsupported serializer {mime!r}")
    buff.read(1)  # version 0x81
    request_id = uuid.UUID(bytes=buff.read(16))
    op = _READER.to_object(buff, DataType.string, False)
    processor = _READER.to_object(buff, DataType.string, False)
    count = _int32.unpack(buff.read(4))[0]
    args: dict[str, Any] = {}
    for _ in range(count):
        key = _READER.read_object(buff)
        args[key] = _READER.read_object(buff)
    return Request(request_id, op, processor, args)


def encode_response(request_id: uuid.UUID, code: int, message: str = "", data: Any = None) -> bytes:
    out = bytearray([0x81])
    graphbinaryV1.UuidIO.dictify(request_id, _WRITER, out, as_value=True, nullable=True)
    out.extend(_int32.pack(code))
    graphbinaryV1.StringIO.dictify(message, _WRITER, out, True, True)
    graphbinaryV1.MapIO.dictify({}, _WRITER, out, True, False)  # status attributes
    graphbinaryV1.MapIO.dictify({}, _WRITER, out, True, False)  # result meta
    if data is None:
        out.extend(graphbinaryV1.NULL_BYTES)
    else:
        _WRITER.to_dict(data, out)
    return bytes(out)


def bulked(results: list[Any]) -> list[Traverser]:
    """Equal neighbours as one Traverser with a bulk, as a Gremlin Server sends them."""
    traversers: list[Traverser] = []
    for value in results:
        last = traversers[-1] if traversers else None
        if last is not None and type(last.object) is type(value) and last.object == value:
            last.bulk += 1
        else:
            traversers.append(Traverser(value, 1))
    return traversers


# -- the engine behind it ----------------------------------------------------------------------
class TransactionalStore(EmbeddedConnection):
    """The embedded store, plus what a session needs: the results of a transaction's
    traversals so far, seen from inside it, without committing them."""

    def __init__(self, data_dir: Path):
        super().__init__(data_dir)
        self._preview = threading.local()

    def preview_atomic(self, bytecodes: list[Bytecode]) -> list[list[Any]]:
        self._preview.on = True
        try:
            return self.execute_atomic(bytecodes)
        finally:
            self._preview.on = False

    def _run(self, script: str, params: dict[str, Any], atomic: bool) -> Any:
        if not getattr(self._preview, "on", False):
            return super()._run(script, params, atomic)
        try:
            return self._graph.dry_run(script, params=params).result
        except graphersal.GraphersalError as err:
            raise GraphQueryError(str(err)) from err


class GremlinEndpoint:
    """``start()``/``stop()`` (same port again after a stop); ``url`` to connect to."""

    def __init__(self, data_dir: Path, *, replica_of: Optional["GremlinEndpoint"] = None,
                 require_signature: bool = False, tls: Optional[ssl.SSLContext] = None):
        self.store = TransactionalStore(data_dir)
        self.tls = tls
        self.replica_of = replica_of
        self.require_signature = require_signature
        self.port = 0
        self.handshake_headers: list[dict[str, str]] = []
        self.requests = 0
        self.statuses: list[int] = []  # the status of every response message sent, in order
        self.write_log: list[Bytecode] = []
        self._replayed = 0
        self._faults: list[Callable[[Request], Optional[str]]] = []
        self._sessions: dict[str, list[Bytecode]] = {}
        self._lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(8, thread_name_prefix="endpoint")
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}/gremlin"

    # -- lifecycle (the server runs on its own thread and loop, so that a test may block its
    # own loop on a synchronous graph call while this answers) ---------------------------------
    def start(self) -> "GremlinEndpoint":
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._open())
            except BaseException as err:  # reported to start()
                failure.append(err)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._close())
            loop.close()

        self._thread = threading.Thread(target=serve, name="gremlin-endpoint", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    async def _open(self) -> None:
        app = web.Application()
        app.router.add_get("/gremlin", self._websocket)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True, ssl_context=self.tls)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        assert self._runner is not None
        await self._runner.cleanup()

    def stop(self) -> None:
        """Close every connection and stop listening (the store stays open)."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop = self._thread = None

    def close(self) -> None:
        self.stop()
        self._pool.shutdown(wait=True)
        self.store.close()

    # -- what a test can ask of it ---------------------------------------------------------------
    def drop_next(self, *, after_running: bool = False, matching: Callable[[Request], bool] = lambda r: True) -> None:
        """Close the connection on the next matching request without answering it; with
        ``after_running`` the traversal runs first (its outcome is then unknown to the client)."""
        def fault(request: Request) -> Optional[str]:
            return ("drop-after" if after_running else "drop") if matching(request) else None
        self._faults.append(fault)

    def fail_next(self, message: str, *, matching: Callable[[Request], bool] = lambda r: True) -> None:
        """Answer the next matching request with a server error carrying ``message``."""
        def fault(request: Request) -> Optional[str]:
            return f"fail:{message}" if matching(request) else None
        self._faults.append(fault)

    def catch_up(self) -> int:
        """A replica applies the writer's writes made since its last catch-up; how many."""
        assert self.replica_of is not None, "only a replica catches up"
        with self.replica_of._lock:
            pending = self.replica_of.write_log[self._replayed:]
        for bytecode in pending:
            self.store.execute(bytecode)
        self._replayed += len(pending)
        return len(pending)

    # -- the protocol ------------------------------------------------------------------------
    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        self.handshake_headers.append(dict(request.headers))
        if self.require_signature and not request.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 "):
            return web.Response(status=403, text="missing or invalid authentication token")
        # A short close timeout: an idle client does not answer the close frame until it reads.
        socket = web.WebSocketResponse(max_msg_size=0, timeout=0.2)
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            async for message in socket:
                if message.type != aiohttp.WSMsgType.BINARY:
                    continue
                if not await self._answer(socket, message.data):
                    break
        finally:
            self._sockets.discard(socket)
        return socket

    def _fault_for(self, request: Request) -> Optional[str]:
        for index, fault in enumerate(self._faults):
            action = fault(request)
            if action is not None:
                del self._faults[index]
                return action
        return None

    async def _answer(self, socket: web.WebSocketResponse, data: bytes) -> bool:
        """Answer one request; False when the connection was dropped on purpose."""
        self.requests += 1
        request = decode_request(data)
        fault = self._fault_for(request)
        if fault == "drop":
            await socket.close()
            return False
        if fault is not None and fault.startswith("fail:"):
            await socket.send_bytes(encode_response(request.request_id, 500, fault[len("fail:"):]))
            return True
        loop = asyncio.get_running_loop()
        try:
            results = await loop.run_in_executor(self._pool, self._run, request)
        except Exception as err:  # a failed traversal is the client's error to read, as on a server
            code = 597 if isinstance(err, (GraphError, ValueError)) else 500
            await socket.send_bytes(encode_response(request.request_id, code, f"{type(err).__name__}: {err}"))
            return True
        if fault == "drop-after":
            await socket.close()
            return False
        for status, message in self._responses(request, results):
            self.statuses.append(status)
            await socket.send_bytes(message)
        return True

    def _responses(self, request: Request, results: Optional[list[Any]]) -> list[tuple[int, bytes]]:
        if not results:
            return [(204, encode_response(request.request_id, 204))]
        traversers = bulked(results)
        size = int(request.args.get("batchSize") or DEFAULT_BATCH_SIZE)
        batches = [traversers[i:i + size] for i in range(0, len(traversers), size)]
        statuses = [206] * (len(batches) - 1) + [200]
        return [(status, encode_response(request.request_id, status, "", batch))
                for status, batch in zip(statuses, batches)]

    def _run(self, request: Request) -> Optional[list[Any]]:
        """The work of one request, on a worker thread (the engine blocks)."""
        if request.processor == "session":
            return self._in_session(request)
        if request.op != "bytecode" or request.processor != "traversal":
            raise ValueError(f"op {request.op!r} of processor {request.processor!r} is not supported")
        bytecode = self._checked(request.args["gremlin"])
        results = self.store.execute(bytecode)
        if walk.mutates(bytecode):
            with self._lock:
                self.write_log.append(bytecode)
        return results

    def _in_session(self, request: Request) -> Optional[list[Any]]:
        session = str(request.args["session"])
        if request.op == "close":
            self._sessions.pop(session, None)
            return None
        if request.op != "bytecode":
            raise ValueError(f"op {request.op!r} of processor 'session' is not supported")
        bytecode: Bytecode = request.args["gremlin"]
        pending = self._sessions.setdefault(session, [])
        if walk.is_graph_operation(bytecode):
            action = bytecode.source_instructions[0][1]
            if action == "commit" and pending:
                self.store.execute_atomic(pending)
                with self._lock:
                    self.write_log.extend(b for b in pending if walk.mutates(b))
            self._sessions[session] = []
            return None
        bytecode = self._checked(bytecode)
        results = self.store.preview_atomic(pending + [bytecode])[-1]
        pending.append(bytecode)
        return results

    def _checked(self, bytecode: Bytecode) -> Bytecode:
        for value in (v for i in walk.instructions(bytecode) for v in walk.leaves(i.args)):
            if isinstance(value, _Lambda):
                raise ValueError("lambdas are not supported")
        if self.replica_of is not None and walk.mutates(bytecode):
            raise ValueError("ReadOnlyViolationException: this is a read replica; writes go to the writer")
        return bytecode
