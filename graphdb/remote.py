"""A remote Gremlin endpoint (Amazon Neptune, JanusGraph, Gremlin Server) through
gremlinpython's own ``DriverRemoteConnection``."""
from __future__ import annotations

from typing import Any, Sequence

from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.process.traversal import Bytecode, Traverser

from graphdb.errors import GraphQueryError, GraphUnavailable


def _unroll(results: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for item in results:
        if isinstance(item, Traverser):
            out.extend([item.object] * int(item.bulk or 1))
        else:
            out.append(item)
    return out


class RemoteGraph:
    def __init__(self, url: str, *, pool_size: int = 8, **transport: Any):
        self.url = url
        self._pool_size = pool_size
        self._transport = transport
        self._conn: DriverRemoteConnection | None = None

    def _connection(self) -> DriverRemoteConnection:
        if self._conn is None:
            try:
                self._conn = DriverRemoteConnection(
                    self.url, "g", pool_size=self._pool_size, **self._transport
                )
            except Exception as err:  # the driver raises plain OSError/aiohttp errors
                raise GraphUnavailable(f"cannot reach the Gremlin endpoint: {type(err).__name__}") from err
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def execute(self, bytecode: Bytecode) -> list[Any]:
        # Reads and idempotent upserts may be retried once on a dropped connection.
        for attempt in (1, 2):
            try:
                return _unroll(self._connection().submit(bytecode).traversers)
            except GraphUnavailable:
                if attempt == 2:
                    raise
            except (OSError, ConnectionError, RuntimeError) as err:
                self._drop()
                if attempt == 2:
                    raise GraphUnavailable(f"the Gremlin endpoint failed: {type(err).__name__}") from err
            except Exception as err:
                raise GraphQueryError(str(err)) from err
        raise AssertionError("unreachable")

    def execute_atomic(self, bytecodes: Sequence[Bytecode]) -> list[list[Any]]:
        session = self._connection().create_session()
        try:
            results = [_unroll(session.submit(b).traversers) for b in bytecodes]
            session.commit()
            return results
        except Exception as err:
            try:
                session.rollback()
            except Exception:
                pass
            raise GraphQueryError(str(err)) from err
        finally:
            self._connection().remove_session(session)

    def health(self) -> None:
        from graphdb.client import traversal_source

        self.execute(traversal_source().V().limit(1).count().bytecode)

    def close(self) -> None:
        self._drop()
