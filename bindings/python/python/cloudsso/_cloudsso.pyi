"""Type stubs for the native module ``cloudsso._cloudsso``."""

from typing import Any, Callable, Optional, final

from typing_extensions import Self

__all__ = ["ASYNC_WORKERS", "Completions", "NativeClient", "ResetUserPasswordResult", "__version__"]

__version__: str
ASYNC_WORKERS: int

class NativeClient:
    def __new__(
        cls,
        *,
        region: Optional[str] = None,
        endpoint: Optional[str] = None,
        access_key_id: Optional[str] = None,
        access_key_secret: Optional[str] = None,
        security_token: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        read_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        user_agent: Optional[str] = None,
        allow_insecure_http: bool = False,
        signature_version: str = "v1",
        rate_limit_per_second: Optional[int] = None,
        retry_unknown_outcome_for_generated: bool = False,
    ) -> Self: ...
    @property
    def endpoint(self) -> str: ...
    def reset_user_password(
        self,
        directory_id: str,
        user_id: str,
        *,
        password: Optional[str] = None,
        generate_random_password: Optional[bool] = None,
        require_password_reset_for_next_login: Optional[bool] = None,
    ) -> "ResetUserPasswordResult": ...
    def _start_reset(
        self,
        target: object,
        future: object,
        complete: Callable[[Any, Optional["ResetUserPasswordResult"], Optional[BaseException]], None],
        directory_id: str,
        user_id: str,
        password: Optional[str] = None,
        generate_random_password: Optional[bool] = None,
        require_password_reset_for_next_login: Optional[bool] = None,
    ) -> None: ...

@final
class ResetUserPasswordResult:
    @property
    def new_password(self) -> Optional[str]: ...
    @property
    def request_id(self) -> str: ...

@final
class Completions:
    """One event loop's completion channel (Unix only)."""

    def __new__(
        cls,
        complete: Callable[[Any, Optional[ResetUserPasswordResult], Optional[BaseException]], None],
    ) -> Self: ...
    def fileno(self) -> int: ...
    def drain(self) -> None: ...
