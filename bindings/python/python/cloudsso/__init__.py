"""cloudsso: reset Alibaba Cloud CloudSSO user passwords, carefully.

>>> import cloudsso
>>> client = cloudsso.Client(endpoint="http://127.0.0.1:8080",
...                          access_key_id="testid", access_key_secret="testsecret")
>>> res = client.reset_user_password("d-00fc2p61abcd", "u-00q8wbq42wiltcrkabcd",
...                                  generate_random_password=True)  # doctest: +SKIP

Requests are validated before any network I/O; secrets never appear in a
``repr``, an exception or a log record (logger ``"cloudsso"``).
"""

from ._client import ASYNC_WORKERS, Client
from ._cloudsso import ResetUserPasswordResult, __version__
from ._errors import (
    CloudSSOError,
    CredentialsError,
    DecodeError,
    ServiceError,
    ThrottlingError,
    TimeoutError,
    TransportError,
    ValidationError,
)

__all__ = [
    "Client",
    "ResetUserPasswordResult",
    "CloudSSOError",
    "ValidationError",
    "CredentialsError",
    "ServiceError",
    "ThrottlingError",
    "TimeoutError",
    "TransportError",
    "DecodeError",
    "ASYNC_WORKERS",
    "__version__",
]
