"""Type stubs for the native module ``cloudsso._cloudsso``."""

from typing import Optional, Union, final

from typing_extensions import Self

__all__ = ["NativeClient", "ResetUserPasswordResult", "__version__"]

__version__: str

class NativeClient:
    # One keyword per row of the core's option table (cloudsso::options::OPTIONS);
    # durations in float seconds, without `_ms`. None keeps the default.
    def __new__(
        cls,
        *,
        endpoint: Optional[str] = None,
        region: Optional[str] = None,
        network: Optional[str] = None,
        access_key_id: Optional[str] = None,
        access_key_secret: Optional[str] = None,
        security_token: Optional[str] = None,
        profile: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        read_timeout: Optional[float] = None,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_unknown_outcome_for_generated: Optional[bool] = None,
        user_agent: Optional[str] = None,
        allow_insecure_http: Optional[bool] = None,
        signature_version: Optional[str] = None,
        rate_limit_per_second: Optional[int] = None,
        rate_limit_burst: Optional[int] = None,
        root_certificates_pem: Optional[Union[str, bytes]] = None,
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

@final
class ResetUserPasswordResult:
    @property
    def new_password(self) -> Optional[str]: ...
    @property
    def request_id(self) -> str: ...
