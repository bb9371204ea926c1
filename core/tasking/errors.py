"""Typed errors of the Tasking API client.

Every error carries a ``user_message`` in plain words (what the dock shows),
the HTTP ``status`` when there was an answer, and ``details`` (the server's own
words, already redacted, or the low-level cause). No message ever contains the
API key: the client redacts server text before it lands here.

This module imports neither QGIS nor Qt.
"""

from typing import Dict, List, Optional


class TaskingError(Exception):
    """Base of every error the client raises."""

    default_message = "The request to the Planet Tasking API failed."
    #: True when trying again later may well work (network, rate limit, 5xx).
    transient = False

    def __init__(
        self,
        user_message: Optional[str] = None,
        *,
        status: Optional[int] = None,
        details: Optional[str] = None,
        url: Optional[str] = None,
        method: Optional[str] = None,
    ):
        self.user_message = user_message or self.default_message
        self.status = status
        self.details = details
        self.url = url
        self.method = method
        super().__init__(self.user_message)

    def __str__(self) -> str:
        text = self.user_message
        if self.details and self.details not in text:
            text = f"{text} ({self.details})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.user_message!r})"


class AuthenticationError(TaskingError):
    """401: the key is missing or wrong."""

    default_message = "The API key is not valid: check it in the plugin settings."


class PermissionDeniedError(TaskingError):
    """403: the key is valid but may not do this (e.g. no tasking on the account)."""

    default_message = (
        "The API key is valid but is not allowed to task: "
        "tasking needs a Planet contract that includes it."
    )


class NotFoundError(TaskingError):
    """404: the bulk or order does not exist (or the base URL is wrong)."""

    default_message = "The server does not know this bulk or order (404)."


class RequestRejectedError(TaskingError):
    """400/422: the server refused the whole request; ``field_errors`` says why."""

    default_message = "The server refused the request."

    def __init__(self, user_message=None, *, field_errors=None, **kw):
        super().__init__(user_message, **kw)
        self.field_errors: Dict[str, List[str]] = dict(field_errors or {})


class ConflictError(TaskingError):
    """409 that is not our own bulk already accepted."""

    default_message = "The server reported a conflict (409)."


class PayloadTooLargeError(TaskingError):
    """413: the body is over the server's size limit (about 1 MB)."""

    default_message = (
        "The request is too large for the server (over about 1 MB): "
        "send fewer or simpler geometries per bulk."
    )


class RateLimitedError(TaskingError):
    """429 after every retry: too many requests."""

    default_message = "The Planet API is limiting the request rate: try again in a moment."
    transient = True

    def __init__(self, user_message=None, *, retry_after: Optional[float] = None, **kw):
        super().__init__(user_message, **kw)
        self.retry_after = retry_after


class ServerError(TaskingError):
    """5xx after every retry."""

    default_message = "The Planet server had a problem: try again later."
    transient = True


class UnexpectedResponseError(TaskingError):
    """An answer the client does not understand (not JSON, wrong shape, odd status)."""

    default_message = "The server's answer was not understood."


class ResponseTooLargeError(UnexpectedResponseError):
    """The answer's decoded body went over the client's cap (e.g. a gzip bomb)."""

    default_message = "The server's answer was far larger than any Tasking API answer."


class BadSummaryError(UnexpectedResponseError):
    """A bulk summary that is not a usable object (``[]``, ``null``, ``{}``...).

    Transient: the worker asks again a few times before it gives up."""

    default_message = "The server's answer about a bulk had no status and no counts."
    transient = True


class InvalidKeyError(AuthenticationError):
    """The key cannot be a key (a line break, an invisible character...): never sent."""

    default_message = "The API key contains characters a key cannot have: paste it again."


class InvalidRequestError(TaskingError, ValueError):
    """A request the client will not send (not a UUID, over 1000 payloads...).

    Also a ValueError, as the body builders' errors always were."""

    default_message = "The plugin refused to send an invalid request."


class WaitLimitError(TaskingError):
    """The server asked to wait (Retry-After, 5xx) longer in total than a job allows."""

    default_message = (
        "The server kept asking to wait, longer in total than a job waits: resume the job later."
    )


class NetworkError(TaskingError):
    """No usable answer: timeout, name not found, connection refused or dropped, proxy."""

    default_message = "The Planet API could not be reached: check the network connection."
    transient = True

    #: kind values
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    DROPPED = "dropped"
    PROXY = "proxy"
    OTHER = "other"

    def __init__(self, user_message=None, *, kind: str = "other", **kw):
        super().__init__(user_message, **kw)
        self.kind = kind


class TLSError(TaskingError):
    """The secure connection could not be verified. Verification is never turned off."""

    default_message = (
        "The secure connection to the server could not be verified "
        "(certificate problem or a network filter in the way)."
    )


class UnsafeUrlError(TaskingError):
    """A URL the client refuses to send the key to (other host, plain HTTP...)."""

    default_message = "The plugin refused to send the API key to this address."


class CancelledError(TaskingError):
    """The caller's stop event was set."""

    default_message = "Cancelled."


__all__ = [
    "TaskingError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RequestRejectedError",
    "ConflictError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "ServerError",
    "UnexpectedResponseError",
    "ResponseTooLargeError",
    "BadSummaryError",
    "InvalidKeyError",
    "InvalidRequestError",
    "WaitLimitError",
    "NetworkError",
    "TLSError",
    "UnsafeUrlError",
    "CancelledError",
]
