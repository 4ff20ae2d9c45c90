"""Configuration from the environment; a command-line flag of the same meaning wins."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Mapping, Optional

from graphdb.remote_options import RemoteOptions

# One place holds the remote endpoint's defaults.
_REMOTE_DEFAULTS = RemoteOptions()


class ConfigError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Settings:
    mode: str = "development"
    data_dir: Path = Path(".p360-data")
    gremlin_url: Optional[str] = None
    gremlin_read_url: Optional[str] = None
    # The remote endpoint's connections (unused with the embedded store).
    gremlin_pool_size: int = _REMOTE_DEFAULTS.pool_size
    gremlin_connect_timeout: float = _REMOTE_DEFAULTS.connect_timeout
    gremlin_request_timeout: float = _REMOTE_DEFAULTS.request_timeout
    gremlin_ca_file: Optional[str] = _REMOTE_DEFAULTS.ca_file
    gremlin_tls_verify: bool = _REMOTE_DEFAULTS.tls_verify
    # Amazon Neptune IAM authentication: SigV4-signed handshakes with the AWS credential chain.
    neptune_iam: bool = _REMOTE_DEFAULTS.iam
    neptune_region: Optional[str] = _REMOTE_DEFAULTS.region
    jwt_issuer: Optional[str] = None
    jwt_audience: Optional[str] = None
    jwks_url: Optional[str] = None
    payor_id: str = "payor"
    upload_limit_bytes: int = 10 * 1024 * 1024
    # An unknown key id triggers a JWKS fetch at most this often.
    jwks_min_refetch_seconds: float = 30.0

    @property
    def development(self) -> bool:
        return self.mode == "development"

    @property
    def external_issuer(self) -> bool:
        return bool(self.jwt_issuer or self.jwks_url)

    def check(self) -> "Settings":
        if self.mode not in ("development", "production"):
            raise ConfigError("P360_MODE must be development or production")
        if self.external_issuer and not (self.jwt_issuer and self.jwt_audience and self.jwks_url):
            raise ConfigError("an external issuer needs P360_JWT_ISSUER, P360_JWT_AUDIENCE and P360_JWKS_URL")
        for url in (self.gremlin_url, self.gremlin_read_url):
            if url and not url.startswith(("ws://", "wss://")):
                raise ConfigError("P360_GREMLIN_URL and P360_GREMLIN_READ_URL start with ws:// or wss://")
        if self.gremlin_read_url and not self.gremlin_url:
            raise ConfigError("P360_GREMLIN_READ_URL needs P360_GREMLIN_URL (the writer)")
        if self.gremlin_pool_size < 1 or self.gremlin_connect_timeout <= 0 or self.gremlin_request_timeout <= 0:
            raise ConfigError("P360_GREMLIN_POOL_SIZE and the P360_GREMLIN_*_TIMEOUT settings must be positive")
        if self.mode == "production" and not self.gremlin_tls_verify:
            raise ConfigError("production mode refuses P360_GREMLIN_TLS_VERIFY=false")
        if self.mode == "production" and not self.external_issuer:
            raise ConfigError("production mode refuses to start with the development issuer: "
                              "set P360_JWT_ISSUER, P360_JWT_AUDIENCE and P360_JWKS_URL")
        return self

    def remote_options(self) -> RemoteOptions:
        return RemoteOptions(
            pool_size=self.gremlin_pool_size, connect_timeout=self.gremlin_connect_timeout,
            request_timeout=self.gremlin_request_timeout, ca_file=self.gremlin_ca_file,
            tls_verify=self.gremlin_tls_verify, iam=self.neptune_iam, region=self.neptune_region)


def _number(env: Mapping[str, str], name: str, default: float, kind: type = float) -> object:
    raw = env.get(name)
    if raw is None or raw == "":
        return kind(default)
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def from_environment(env: Mapping[str, str] = os.environ, **flags: object) -> Settings:
    values: dict[str, object] = {
        "mode": env.get("P360_MODE", "development"),
        "data_dir": Path(env.get("P360_DATA_DIR", ".p360-data")),
        "gremlin_url": env.get("P360_GREMLIN_URL") or None,
        "gremlin_read_url": env.get("P360_GREMLIN_READ_URL") or None,
        "gremlin_pool_size": _number(env, "P360_GREMLIN_POOL_SIZE", 8, int),
        "gremlin_connect_timeout": _number(env, "P360_GREMLIN_CONNECT_TIMEOUT", 2.0),
        "gremlin_request_timeout": _number(env, "P360_GREMLIN_REQUEST_TIMEOUT", 30.0),
        "gremlin_ca_file": env.get("P360_GREMLIN_CA_FILE") or None,
        "gremlin_tls_verify": _flag(env, "P360_GREMLIN_TLS_VERIFY", True),
        "neptune_iam": _flag(env, "P360_NEPTUNE_IAM", False),
        "neptune_region": env.get("P360_NEPTUNE_REGION") or None,
        "jwt_issuer": env.get("P360_JWT_ISSUER") or None,
        "jwt_audience": env.get("P360_JWT_AUDIENCE") or None,
        "jwks_url": env.get("P360_JWKS_URL") or None,
        "payor_id": env.get("P360_PAYOR_ID", "payor"),
    }
    for key, value in flags.items():
        if value is not None:
            values[key] = Path(value) if key == "data_dir" else value
    return Settings(**values).check()  # type: ignore[arg-type]
