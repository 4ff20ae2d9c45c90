"""Configuration from the environment; a command-line flag of the same meaning wins."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Mapping, Optional


class ConfigError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Settings:
    mode: str = "development"
    data_dir: Path = Path(".p360-data")
    gremlin_url: Optional[str] = None
    gremlin_read_url: Optional[str] = None
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
        if self.mode == "production" and not self.external_issuer:
            raise ConfigError("production mode refuses to start with the development issuer: "
                              "set P360_JWT_ISSUER, P360_JWT_AUDIENCE and P360_JWKS_URL")
        return self


def from_environment(env: Mapping[str, str] = os.environ, **flags: object) -> Settings:
    values: dict[str, object] = {
        "mode": env.get("P360_MODE", "development"),
        "data_dir": Path(env.get("P360_DATA_DIR", ".p360-data")),
        "gremlin_url": env.get("P360_GREMLIN_URL") or None,
        "gremlin_read_url": env.get("P360_GREMLIN_READ_URL") or None,
        "jwt_issuer": env.get("P360_JWT_ISSUER") or None,
        "jwt_audience": env.get("P360_JWT_AUDIENCE") or None,
        "jwks_url": env.get("P360_JWKS_URL") or None,
        "payor_id": env.get("P360_PAYOR_ID", "payor"),
    }
    for key, value in flags.items():
        if value is not None:
            values[key] = Path(value) if key == "data_dir" else value
    return Settings(**values).check()  # type: ignore[arg-type]
