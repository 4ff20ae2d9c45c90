"""A remote Gremlin endpoint (Amazon Neptune, JanusGraph, Gremlin Server) through
gremlinpython's own ``DriverRemoteConnection``, over ``ws://`` or ``wss://``.

Connections. A pool of up to ``pool_size`` WebSocket connections, each its own
``DriverRemoteConnection`` (the driver's own pool loses a connection for good when connecting
fails, and one dead connection would then poison the others). A connection is opened on first
use with a short connect timeout, and one that fails is thrown away: when the endpoint comes
back, the next request simply opens a new one, so service resumes without a restart.

Failures. Reaching the endpoint fails fast with ``GraphUnavailable`` (the API answers
SERVICE_UNAVAILABLE and /healthz 503). A connection that drops after a traversal was sent
leaves its outcome unknown: a read is sent once more on a fresh connection; so is a write,
because every write of the application is an idempotent upsert keyed by id, which
``graphdb.retry_safety`` checks on the traversal itself before resending (a write that could
duplicate is never resent: the caller gets ``GraphUnavailable``). A write that lost a race
with a concurrent one (Neptune's ConcurrentModificationException, JanusGraph's locking
exceptions) is retried a few times with backoff, on the same condition.

Several writes that must land together (``execute_atomic``) run in one session transaction:
each is submitted in the session, then committed; on any error the transaction is rolled back.
Sessions are kept for the next transaction, as connections are.

Only steps of graphdb/steps.py's allowlist leave the process, and whole numbers of any size
are sent as Int, Long or BigInteger (gremlinpython 3.7's GraphBinary writer sends every
``int`` as a 32-bit Int and fails on a millisecond timestamp).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import queue
import random
import ssl
import threading
import time
import uuid
from typing import Any, Callable, Optional, Sequence
from urllib.parse import urlsplit

import aiohttp
from gremlin_python.driver.aiohttp.transport import AiohttpTransport
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.protocol import ConfigurationError, GremlinServerError
from gremlin_python.driver.serializer import GraphBinarySerializersV1
from gremlin_python.process.traversal import Bytecode, Traverser
from gremlin_python.structure.io import graphbinaryV1

from graphdb import bytecode as walk
from graphdb import steps
from graphdb.remote_options import RemoteOptions  # noqa: F401  (re-exported)
from graphdb.errors import GraphQueryError, GraphUnavailable
from graphdb.retry_safety import retry_safe

log = logging.getLogger("p360.graph.remote")

# Messages of write conflicts that the engine asks the client to retry.
_CONFLICT_MARKERS = ("ConcurrentModificationException", "TemporaryLockingException")
_CONFLICT_RETRIES = 3
_CONFLICT_BACKOFF_SECONDS = 0.05


class _ConnectFailed(GraphUnavailable):
    """Opening the WebSocket failed: nothing was sent."""


def _unroll(results: Sequence[Any]) -> list[Any]:
    """A server bulks equal results into one Traverser; the application wants them all."""
    out: list[Any] = []
    for item in results:
        if isinstance(item, Traverser):
            out.extend([item.object] * int(item.bulk or 1))
        else:
            out.append(item)
    return out


class IntegerIO:
    """GraphBinary for a Python ``int`` by its size: Int, Long, or BigInteger. gremlinpython
    3.7 writes every ``int`` as a 32-bit Int and fails on anything larger (a millisecond
    timestamp, say); a Java server keeps these as Integer or Long, as here."""

    @classmethod
    def dictify(cls, obj: int, writer: Any, to_extend: bytearray, as_value: bool = False,
                nullable: bool = True) -> bytearray:
        if -2**31 <= obj < 2**31:
            io_class: Any = graphbinaryV1.IntIO
        elif -2**63 <= obj < 2**63:
            io_class = graphbinaryV1.LongIO
        else:
            io_class = graphbinaryV1.BigIntIO
        return io_class.dictify(obj, writer, to_extend, as_value, nullable)


def graphbinary_serializer() -> GraphBinarySerializersV1:
    """gremlinpython's GraphBinary v1 message serializer, with whole numbers of any size."""
    return GraphBinarySerializersV1(writer=graphbinaryV1.GraphBinaryWriter({int: IntegerIO}))


def ssl_context(options: RemoteOptions) -> Optional[ssl.SSLContext]:
    """The TLS context for ``wss://``: the system's trust store, or ``ca_file``; verification
    off only when ``tls_verify`` is false (development against a self-signed endpoint)."""
    if options.ca_file is None and options.tls_verify:
        return None  # aiohttp's default: verify against the system trust store
    context = ssl.create_default_context(cafile=options.ca_file)
    if not options.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


HeaderSource = Callable[[str], dict[str, str]]


class _Transport(AiohttpTransport):
    """gremlinpython's aiohttp transport with a bounded connect, TLS options, and headers
    computed at each connect (an IAM signature is only valid for a few minutes)."""

    def __init__(self, options: RemoteOptions, tls: Optional[ssl.SSLContext],
                 extra_headers: Optional[HeaderSource]):
        kwargs: dict[str, Any] = {"max_msg_size": options.max_message_bytes}
        if tls is not None:
            kwargs["ssl"] = tls
        super().__init__(read_timeout=options.request_timeout, write_timeout=options.request_timeout, **kwargs)
        self._connect_timeout = options.connect_timeout
        self._extra_headers = extra_headers

    def connect(self, url: str, headers: Any = None) -> None:
        all_headers = dict(headers or {})
        if self._extra_headers is not None:
            try:
                all_headers.update(self._extra_headers(url))
            except Exception as err:  # e.g. the AWS credential chain failed to refresh
                self.close()
                log.warning("signing the connection to %s failed: %s", url, err)
                raise _ConnectFailed("the connection to the graph endpoint could not be signed") from err
        timeout = aiohttp.ClientTimeout(total=None, connect=self._connect_timeout,
                                        sock_connect=self._connect_timeout)

        async def open_websocket() -> None:
            session = aiohttp.ClientSession(timeout=timeout)
            try:
                self._websocket = await session.ws_connect(url, headers=all_headers, **self._aiohttp_kwargs)
            except BaseException:
                await session.close()
                raise
            self._client_session = session

        try:
            try:
                _complete(self._loop, asyncio.wait_for(open_websocket(), self._connect_timeout * 2))
            except BaseException:
                self.close()  # the driver never closes a transport that did not connect
                raise
        except aiohttp.WSServerHandshakeError as err:
            raise _ConnectFailed(f"the graph endpoint refused the connection (HTTP {err.status})") from err
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise _ConnectFailed("the graph endpoint did not accept a connection in time") from err
        except (aiohttp.ClientError, OSError) as err:
            raise _ConnectFailed("the graph endpoint cannot be reached") from err

    def close(self) -> None:
        if _loop_runs_here():
            _on_helper_thread(super().close)
        else:
            super().close()

    def __del__(self) -> None:
        # A finalizer runs wherever the collector happens to run, possibly inside a lock this
        # thread holds (concurrent.futures holds a global one while it starts a worker): it
        # must not submit to a thread pool, which takes that lock again and waits forever.
        if _loop_runs_here():
            threading.Thread(target=self._close_quietly, name="gremlin-close", daemon=True).start()
        else:
            self._close_quietly()

    def _close_quietly(self) -> None:
        try:
            super().close()
        except Exception:  # e.g. at interpreter shutdown; nothing is left to release then
            pass


def _loop_runs_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _on_helper_thread(work: Callable[[], Any]) -> Any:
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gremlin-connect") as helper:
        return helper.submit(work).result()


def _complete(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run a transport's coroutine to completion on the transport's own loop. The driver does
    this on the calling thread, which fails on a thread whose own event loop is running (a
    synchronous graph call made from async code, as the embedded store allows): such a call
    opens its connection on a helper thread instead."""
    if _loop_runs_here():
        return _on_helper_thread(lambda: loop.run_until_complete(coroutine))
    return loop.run_until_complete(coroutine)


class RemoteGraph:
    def __init__(self, url: str, options: RemoteOptions = RemoteOptions(), *,
                 extra_headers: Optional[HeaderSource] = None):
        scheme = urlsplit(url).scheme
        if scheme not in ("ws", "wss"):
            raise ValueError(f"a Gremlin endpoint URL starts with ws:// or wss://, not {scheme}://")
        if options.pool_size < 1:
            raise ValueError("the Gremlin connection pool needs at least one connection")
        self.url = url
        self.options = options
        self._tls = ssl_context(options) if scheme == "wss" else None
        self._extra_headers = extra_headers
        self._idle: queue.LifoQueue[DriverRemoteConnection] = queue.LifoQueue()
        self._idle_sessions: queue.LifoQueue[DriverRemoteConnection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(options.pool_size)
        self._closed = False

    # -- connections ---------------------------------------------------------------------
    def _new_connection(self, session: Optional[str] = None) -> DriverRemoteConnection:
        return DriverRemoteConnection(
            self.url, "g", pool_size=1, session=session, message_serializer=graphbinary_serializer(),
            transport_factory=lambda: _Transport(self.options, self._tls, self._extra_headers))

    def _acquire(self) -> None:
        if self._closed:
            raise GraphUnavailable("the graph connection is closed")
        if not self._slots.acquire(timeout=self.options.request_timeout):
            raise GraphUnavailable("every connection to the graph endpoint is busy")

    def _take_idle(self) -> DriverRemoteConnection:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return self._new_connection()

    def _discard(self, connection: DriverRemoteConnection, *, flush_idle: bool = False) -> None:
        """Throw away a connection that failed (closing may wait on a dead peer: not here).
        A dropped connection usually means the endpoint restarted, so the idle ones go too."""
        doomed = [connection] + (_drain(self._idle) if flush_idle else [])
        threading.Thread(target=_close_quietly, args=(doomed,), daemon=True,
                         name="gremlin-close").start()

    def _discard_all(self, pool: "queue.LifoQueue[DriverRemoteConnection]") -> None:
        doomed = _drain(pool)
        if doomed:
            threading.Thread(target=_close_quietly, args=(doomed,), daemon=True,
                             name="gremlin-close").start()

    # -- one traversal -----------------------------------------------------------------------
    def execute(self, bytecode: Bytecode) -> list[Any]:
        _refuse_unsupported([bytecode])

        def attempt(fresh: bool) -> list[Any]:
            connection = self._new_connection() if fresh else self._take_idle()
            try:
                results = _unroll(connection.submit(bytecode).traversers)
            except _ConnectFailed:
                self._discard(connection)
                raise
            except Exception as err:
                kind = _classify(err)
                if kind in ("query", "conflict"):
                    self._idle.put(connection)  # the endpoint answered: the connection is fine
                else:
                    self._discard(connection, flush_idle=kind == "dropped")
                raise
            self._idle.put(connection)
            return results

        return self._with_retries([bytecode], attempt)

    # -- several writes together -------------------------------------------------------------
    def execute_atomic(self, bytecodes: Sequence[Bytecode]) -> list[list[Any]]:
        """All of them land, or none: one transaction in a session (a connection of its own).
        A session outlives its transaction: after the commit it waits in a pool of its own for
        the next one, so a bulk import does not open a connection per batch. A dropped session
        is retried as a whole, on a new one (the writes are idempotent upserts, so a commit
        that did land is harmless to repeat)."""
        bytecodes = list(bytecodes)
        _refuse_unsupported(bytecodes)

        def attempt(fresh: bool) -> list[list[Any]]:
            session = self._new_session() if fresh else self._take_idle_session()
            try:
                results = [_unroll(session.submit(b).traversers) for b in bytecodes]
                session.commit().all().result()
            except _ConnectFailed:
                raise  # nothing was opened, so there is nothing to roll back or close
            except Exception as err:
                kind = _classify(err)
                if kind in ("query", "conflict") and _rollback_quietly(session):
                    self._idle_sessions.put(session)  # alive, and its transaction ended
                elif kind == "dropped":
                    # The server rolls a dropped session back itself, and there is nothing left
                    # to close (closing would try to talk to it); the idle sessions likely
                    # went down with it.
                    self._discard_all(self._idle_sessions)
                raise
            self._idle_sessions.put(session)
            return results

        return self._with_retries(bytecodes, attempt)

    def _new_session(self) -> DriverRemoteConnection:
        return self._new_connection(session=str(uuid.uuid4()))

    def _take_idle_session(self) -> DriverRemoteConnection:
        try:
            return self._idle_sessions.get_nowait()
        except queue.Empty:
            return self._new_session()

    def _with_retries(self, bytecodes: Sequence[Bytecode], attempt: Callable[[bool], Any]) -> Any:
        """``attempt(fresh)`` runs the work once; ``fresh`` asks it for a new connection."""
        writes = any(walk.mutates(b) for b in bytecodes)
        resendable = all(retry_safe(b) for b in bytecodes)
        self._acquire()
        try:
            fresh, dropped_once, conflicts = False, False, 0
            while True:
                try:
                    return attempt(fresh)
                except _ConnectFailed:
                    raise
                except Exception as err:  # classified: nothing leaves unnamed
                    kind = _classify(err)
                    if kind == "dropped" and not dropped_once and resendable:
                        log.warning("the connection to %s dropped (%s); sending the %s once more",
                                    self.url, type(err).__name__, "write" if writes else "read")
                        fresh, dropped_once = True, True
                        continue
                    if kind == "conflict" and conflicts < _CONFLICT_RETRIES and resendable:
                        conflicts += 1
                        time.sleep(_CONFLICT_BACKOFF_SECONDS * 2 ** conflicts * random.uniform(0.5, 1.5))
                        fresh = False
                        continue
                    raise _as_graph_error(kind, err, writes, self.url) from err
        finally:
            self._slots.release()

    def health(self) -> None:
        from graphdb.client import traversal_source

        self.execute(traversal_source().V().limit(1).count().bytecode)

    def close(self) -> None:
        self._closed = True
        _close_quietly(_drain(self._idle) + _drain(self._idle_sessions))


def _refuse_unsupported(bytecodes: Sequence[Bytecode]) -> None:
    """What no engine of the three runs never leaves this process (the embedded renderer
    refuses the same)."""
    problems = [p for b in bytecodes for p in steps.unsupported(b)]
    if problems:
        raise GraphQueryError("; ".join(problems))


def _classify(err: BaseException) -> str:
    if isinstance(err, (asyncio.TimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(err, GremlinServerError):
        message = str(err.status_message or "")
        if err.status_code == 500 and "Server disconnected" in message:
            return "dropped"
        if any(marker in message for marker in _CONFLICT_MARKERS):
            return "conflict"
        if err.status_code in (401, 403, 407):
            return "auth"
        return "query"
    if isinstance(err, ConfigurationError):
        return "auth"
    if isinstance(err, (RuntimeError, OSError, aiohttp.ClientError)):
        return "dropped"
    if type(err) is Exception and "closed" in str(err).lower():
        return "dropped"  # the driver's "Client is closed"
    return "query"


def _as_graph_error(kind: str, err: BaseException, writes: bool, url: str) -> Exception:
    if kind == "query":
        message = err.status_message if isinstance(err, GremlinServerError) else f"{type(err).__name__}: {err}"
        return GraphQueryError(f"the graph refused the traversal: {message}")
    log.warning("graph endpoint %s failed (%s): %s", url, kind, err)
    if kind == "timeout":
        return GraphUnavailable("the graph endpoint did not answer in time")
    if kind == "auth":
        return GraphUnavailable("the graph endpoint refused our credentials")
    if kind == "conflict":
        return GraphUnavailable("the graph endpoint kept reporting conflicting writes; try again")
    if writes:
        return GraphUnavailable("the connection to the graph endpoint dropped; the write may not have landed")
    return GraphUnavailable("the connection to the graph endpoint dropped")


def _drain(pool: "queue.LifoQueue[DriverRemoteConnection]") -> list[DriverRemoteConnection]:
    drained = []
    while True:
        try:
            drained.append(pool.get_nowait())
        except queue.Empty:
            return drained


def _rollback_quietly(session: DriverRemoteConnection) -> bool:
    """Whether the rollback went through (else the session is not fit for another use)."""
    try:
        session.rollback().all().result()
        return True
    except Exception:  # the session may be gone with its connection; the server rolls back then
        log.debug("rollback of a failed session did not complete", exc_info=True)
        return False


def _close_quietly(connections: list[DriverRemoteConnection]) -> None:
    for connection in connections:
        try:
            connection.close()
        except Exception:
            log.debug("closing a graph connection failed", exc_info=True)
