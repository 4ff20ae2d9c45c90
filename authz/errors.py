"""Errors a client may see, each with the ``extensions.code`` of the contract."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    code = "INTERNAL_SERVER_ERROR"
    http_status = 200

    def __init__(self, message: str, **extensions: Any):
        super().__init__(message)
        self.message = message
        self.extensions = {"code": self.code, **extensions}


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(ApiError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "not found, or not visible to you"):
        super().__init__(message)


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, argument: str):
        super().__init__(message, argument=argument)


class PayloadTooLarge(ApiError):
    code = "PAYLOAD_TOO_LARGE"
    http_status = 413


class ServiceUnavailable(ApiError):
    code = "SERVICE_UNAVAILABLE"
    http_status = 503
