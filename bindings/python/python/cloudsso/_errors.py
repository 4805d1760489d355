"""The exception hierarchy, declared once.

The native module raises these classes (picked by the error's kind) and sets the
attributes below on each instance. ``str(exc)`` is the full human message; no
attribute or message ever holds a password, secret or token.
"""

from __future__ import annotations

import builtins

# typing is not imported at run time (it costs more than the rest of the
# package); the annotations below are strings, read only by type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = [
    "CloudSSOError",
    "ValidationError",
    "CredentialsError",
    "ServiceError",
    "ThrottlingError",
    "TimeoutError",
    "TransportError",
    "DecodeError",
]


class CloudSSOError(Exception):
    """Base class of every error raised by cloudsso."""

    #: "validation", "credentials", "service", "throttled", "timeout", "transport" or "decode".
    kind: str = "unknown"
    #: The service's message for service errors; otherwise what went wrong, in words.
    message: str = ""
    #: Attempts made before giving up (0 when nothing was sent).
    attempts: int = 0
    #: True when the password may have been changed although no answer arrived:
    #: check the user before resetting again.
    outcome_unknown: bool = False
    #: For validation errors, the offending field ("directory_id", "password", ...).
    field: Optional[str] = None
    #: The service's error code ("EntityNotExists.User", ...).
    code: Optional[str] = None
    #: The service's request id, when an answer carried one.
    request_id: Optional[str] = None
    #: The HTTP status of the answer, when there was one.
    http_status: Optional[int] = None
    #: The service's HostId, when it sent one.
    host_id: Optional[str] = None
    #: The service's Recommend (usually a diagnosis link), when it sent one.
    recommend: Optional[str] = None
    #: For timestamp errors: how far this machine's clock is from the service's,
    #: in milliseconds, measured from the service's Date header.
    clock_skew_ms: Optional[int] = None

    @property
    def clock_skew_seconds(self) -> Optional[float]:
        """Deprecated: ``clock_skew_ms / 1000``; use ``clock_skew_ms``."""
        import warnings

        warnings.warn(
            "CloudSSOError.clock_skew_seconds is deprecated; use clock_skew_ms", DeprecationWarning, stacklevel=2
        )
        return None if self.clock_skew_ms is None else self.clock_skew_ms / 1000


class ValidationError(CloudSSOError, ValueError):
    """The request or a client option broke a rule; nothing was sent. See ``field``."""

    kind = "validation"


class CredentialsError(CloudSSOError):
    """No usable credentials were found; nothing was sent."""

    kind = "credentials"


class ServiceError(CloudSSOError):
    """The service answered with an error: see ``code``, ``request_id``, ``http_status``."""

    kind = "service"


class ThrottlingError(ServiceError):
    """The service refused the call because of its rate limit."""

    kind = "throttled"


class TimeoutError(CloudSSOError, builtins.TimeoutError):
    """The service did not answer in time (also a built-in ``TimeoutError``)."""

    kind = "timeout"


class TransportError(CloudSSOError):
    """The connection could not be made or broke (refused, reset, TLS, redirect)."""

    kind = "transport"


class DecodeError(CloudSSOError):
    """The service answered something this client cannot read."""

    kind = "decode"


# Tracebacks and reprs name the public module: ``cloudsso.ServiceError``.
for _cls in (
    CloudSSOError,
    ValidationError,
    CredentialsError,
    ServiceError,
    ThrottlingError,
    TimeoutError,
    TransportError,
    DecodeError,
):
    _cls.__module__ = "cloudsso"
del _cls
