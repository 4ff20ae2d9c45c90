"""Amazon Neptune IAM authentication: the WebSocket handshake of every connection is signed
with AWS Signature Version 4 for the service ``neptune-db``.

Credentials come from botocore's standard chain (environment, shared config and credentials
files, SSO, web identity, container and instance roles) and are read again for every
handshake, so rotated or refreshed credentials are picked up by the next connection. botocore
is an optional dependency: ``pip install 'p360[neptune-iam]'``.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any, Callable, Optional
from urllib.parse import urlsplit, urlunsplit

from graphdb.errors import GraphUnavailable

SERVICE = "neptune-db"
_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.neptune\.amazonaws\.com(?:\.cn)?$")

Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def region_from_host(url: str) -> Optional[str]:
    """``my-db.cluster-abc.us-east-1.neptune.amazonaws.com`` → ``us-east-1``."""
    host = urlsplit(url).hostname or ""
    match = _REGION_IN_HOST.search(host)
    return match.group(1) if match else None


def handshake_url(url: str) -> tuple[str, str]:
    """(the URL to sign, the Host header to send). SigV4 signs the Host header, so it must be
    exactly what the WebSocket client sends: the port only when it is not the default one of
    the scheme (``wss`` ↔ 443, ``ws`` ↔ 80), as aiohttp writes it."""
    parts = urlsplit(url)
    scheme = {"wss": "https", "ws": "http"}.get(parts.scheme, parts.scheme)
    default_port = {"https": 443, "http": 80}.get(scheme)
    host = parts.hostname or ""
    if parts.port is not None and parts.port != default_port:
        host = f"{host}:{parts.port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, "")), host


def _configured_region() -> Optional[str]:
    try:
        from botocore.session import get_session
    except ImportError:  # pragma: no cover - depends on the installed extras
        return None
    return get_session().get_config_variable("region") or os.environ.get("AWS_REGION")


class NeptuneSigner:
    """Produces the headers of one signed handshake: ``Host``, ``X-Amz-Date``, ``Authorization``
    and, with temporary credentials, ``X-Amz-Security-Token``."""

    def __init__(self, region: str, credentials: Any = None, clock: Clock = _utcnow,
                 service: str = SERVICE):
        """``credentials``: a botocore ``Credentials`` (anything with ``get_frozen_credentials``)
        or ``None`` for the default chain, looked up once here and refreshed by botocore."""
        try:
            from botocore.session import get_session
        except ImportError as err:  # pragma: no cover - depends on the installed extras
            raise GraphUnavailable(
                "Neptune IAM authentication needs botocore: pip install 'p360[neptune-iam]'") from err
        self.region = region
        self.service = service
        self._clock = clock
        self._credentials = credentials if credentials is not None else get_session().get_credentials()
        if self._credentials is None:
            raise GraphUnavailable("Neptune IAM authentication is on, but no AWS credentials were found "
                                   "(environment, shared files, or an instance/container role)")

    @classmethod
    def for_endpoint(cls, url: str, region: Optional[str] = None) -> "NeptuneSigner":
        """The region: as configured, else from a Neptune host name, else botocore's own
        (``AWS_REGION``/``AWS_DEFAULT_REGION``, the shared config file)."""
        region = region or region_from_host(url) or _configured_region()
        if not region:
            raise GraphUnavailable("Neptune IAM authentication needs the cluster's region: "
                                   "set P360_NEPTUNE_REGION (or AWS_REGION)")
        return cls(region)

    def headers(self, url: str) -> dict[str, str]:
        from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
        from botocore.awsrequest import AWSRequest

        signed_url, host = handshake_url(url)
        request = AWSRequest(method="GET", url=signed_url, headers={"Host": host}, data=None)
        frozen = self._credentials.get_frozen_credentials()
        signer = SigV4Auth(frozen, self.service, self.region)
        # SigV4Auth.add_auth stamps the request with botocore's own clock; these are its steps
        # with ours, so the signature of a given instant can be checked.
        request.context["timestamp"] = self._clock().astimezone(dt.timezone.utc).strftime(SIGV4_TIMESTAMP)
        signer._modify_request_before_signing(request)
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signer._inject_signature_to_request(request, signature)
        return {name: value for name, value in request.headers.items()}
