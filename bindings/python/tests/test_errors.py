"""Every exception class, with its attributes, raised by real failures."""

from __future__ import annotations

import builtins
import socket
from typing import Any, Dict

import pytest

import cloudsso
from emulator_process import Emulator

ALL_ERRORS = [
    cloudsso.ValidationError,
    cloudsso.CredentialsError,
    cloudsso.ServiceError,
    cloudsso.ThrottlingError,
    cloudsso.TimeoutError,
    cloudsso.TransportError,
    cloudsso.DecodeError,
]


def test_hierarchy() -> None:
    for cls in ALL_ERRORS:
        assert issubclass(cls, cloudsso.CloudSSOError)
        assert cls.__module__ == "cloudsso"
    assert issubclass(cloudsso.ValidationError, ValueError)
    assert issubclass(cloudsso.ThrottlingError, cloudsso.ServiceError)
    assert issubclass(cloudsso.TimeoutError, builtins.TimeoutError)
    assert not issubclass(cloudsso.ServiceError, ValueError)


def test_unknown_user_is_a_service_error_with_the_services_metadata(emulator: Emulator) -> None:
    with pytest.raises(cloudsso.ServiceError) as caught:
        emulator.client().reset_user_password(
            emulator.directory_id, "u-doesnotexist0000", generate_random_password=True
        )
    e = caught.value
    assert type(e) is cloudsso.ServiceError
    assert e.kind == "service"
    assert e.code == "EntityNotExists.User"
    assert e.http_status == 404
    assert e.request_id
    assert e.message and e.message in str(e)
    assert "EntityNotExists.User" in str(e) and e.request_id in str(e)
    assert e.attempts == 1
    assert e.outcome_unknown is False
    assert e.field is None
    assert e.args == (str(e),)


def test_wrong_secret_is_a_signature_error(emulator: Emulator) -> None:
    with pytest.raises(cloudsso.ServiceError) as caught:
        emulator.client(access_key_secret="not-the-secret").reset_user_password(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.http_status == 400
    assert "check the access key secret" in str(caught.value)


def test_throttling_is_a_throttling_error(emulator: Emulator) -> None:
    emulator.fault("respond", status=400, code="Throttling.User", message="Request was denied due to user flow control.")
    before = emulator.requests_seen()
    with pytest.raises(cloudsso.ThrottlingError) as caught:
        emulator.client(max_attempts=1).reset_user_password(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
    e = caught.value
    assert isinstance(e, cloudsso.ServiceError)
    assert e.kind == "throttled"
    assert e.code == "Throttling.User"
    assert e.http_status == 400
    assert e.request_id
    assert e.attempts == 1
    assert emulator.requests_seen() == before + 1


def test_retryable_failure_is_retried_then_succeeds(emulator: Emulator) -> None:
    emulator.fault("respond", status=503, code="ServiceUnavailable")
    before = emulator.requests_seen()
    res = emulator.client(max_attempts=3).reset_user_password(
        emulator.directory_id, emulator.user_id, password="After-Retry-Pw-55!"
    )
    assert res.request_id
    assert emulator.requests_seen() == before + 2
    assert emulator.password_matches("After-Retry-Pw-55!")


def test_slow_answer_is_a_timeout_error(emulator: Emulator) -> None:
    emulator.fault("delay", delay_ms=2000)
    with pytest.raises(cloudsso.TimeoutError) as caught:
        emulator.client(read_timeout=0.3, max_attempts=1).reset_user_password(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
    e = caught.value
    assert isinstance(e, builtins.TimeoutError)
    assert e.kind == "timeout"
    assert e.attempts == 1
    # The request was sent and then processed: a generated password may have changed.
    assert e.outcome_unknown is True
    assert "unknown" in str(e)


def test_closed_port_is_a_transport_error(emulator: Emulator) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = emulator.client(endpoint=f"http://127.0.0.1:{port}", max_attempts=2)
    with pytest.raises(cloudsso.TransportError) as caught:
        client.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    e = caught.value
    assert e.kind == "transport"
    assert e.attempts == 2
    assert e.http_status is None and e.code is None
    assert e.outcome_unknown is False


def test_garbage_answer_is_a_decode_error(emulator: Emulator) -> None:
    emulator.fault("garbage_body")
    with pytest.raises(cloudsso.DecodeError) as caught:
        emulator.client(max_attempts=1).reset_user_password(
            emulator.directory_id, emulator.user_id, password="Garbage-Answer-Pw-1!"
        )
    assert caught.value.kind == "decode"
    assert caught.value.http_status == 200


@pytest.mark.parametrize(
    ("directory_id", "user_id", "options", "field"),
    [
        ("", "u-00q8wbq42wiltcrkabcd", {"generate_random_password": True}, "directory_id"),
        ("x-notadirectory", "u-00q8wbq42wiltcrkabcd", {"generate_random_password": True}, "directory_id"),
        ("d-00fc2p61abcd", "", {"generate_random_password": True}, "user_id"),
        ("d-00fc2p61abcd", "not-a-user", {"generate_random_password": True}, "user_id"),
        ("d-00fc2p61abcd", "u-00q8wbq42wiltcrkabcd", {}, "password"),
        ("d-00fc2p61abcd", "u-00q8wbq42wiltcrkabcd", {"password": "short"}, "password"),
    ],
)
def test_invalid_request_is_a_validation_error_and_never_sent(
    emulator: Emulator, directory_id: str, user_id: str, options: Dict[str, Any], field: str
) -> None:
    client = emulator.client()
    before = emulator.requests_seen()
    with pytest.raises(cloudsso.ValidationError) as caught:
        client.reset_user_password(directory_id, user_id, **options)
    e = caught.value
    assert isinstance(e, ValueError)
    assert e.kind == "validation"
    assert e.field == field
    assert str(e).startswith(f"invalid request: {field}: ")
    assert e.attempts == 0
    assert emulator.requests_seen() == before


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": 11}, "max_attempts"),
        ({"max_attempts": -1}, "max_attempts"),
        ({"read_timeout": -1.0}, "read_timeout"),
        ({"read_timeout": float("nan")}, "read_timeout"),
        ({"connect_timeout": 0.0}, "connect_timeout"),
        ({"connect_timeout": float("inf")}, "connect_timeout"),
        ({"signature_version": "v2"}, "signature_version"),
        ({"rate_limit_per_second": -5}, "rate_limit_per_second"),
        ({"endpoint": "http://example.com"}, "endpoint"),
        ({"user_agent": "bad\nagent"}, "user_agent"),
        ({"access_key_secret": None}, "access_key_secret"),
        ({"access_key_id": ""}, "access_key_id"),
    ],
)
def test_invalid_client_option_is_a_validation_error(
    emulator: Emulator, no_env_credentials: None, options: Dict[str, Any], field: str
) -> None:
    before = emulator.requests_seen()
    with pytest.raises(cloudsso.ValidationError) as caught:
        emulator.client(**options)
    assert caught.value.field == field
    assert field in str(caught.value)
    assert emulator.requests_seen() == before


def test_plain_http_to_another_host_needs_the_opt_in(no_env_credentials: None) -> None:
    client = cloudsso.Client(
        endpoint="http://example.com", access_key_id="id", access_key_secret="s", allow_insecure_http=True
    )
    assert client.endpoint.startswith("http://example.com")


def test_no_keys_and_no_environment_is_a_credentials_error(emulator: Emulator, no_env_credentials: None) -> None:
    before = emulator.requests_seen()
    with pytest.raises(cloudsso.CredentialsError) as caught:
        cloudsso.Client(endpoint=emulator.endpoint)
    e = caught.value
    assert e.kind == "credentials"
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in str(e)
    assert emulator.requests_seen() == before


def test_wrong_argument_types_raise_type_error(client: cloudsso.Client) -> None:
    with pytest.raises(TypeError):
        client.reset_user_password(1, "u-1", generate_random_password=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.reset_user_password("d-1", "u-1", "positional-password")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        cloudsso.Client("http://127.0.0.1:1")  # type: ignore[call-arg]


def test_lost_answer_after_processing_is_not_retried_for_a_generated_password(emulator: Emulator) -> None:
    emulator.fault("drop_after_process")
    before = emulator.requests_seen()
    with pytest.raises(cloudsso.CloudSSOError) as caught:
        emulator.client(max_attempts=3).reset_user_password(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
    e = caught.value
    assert isinstance(e, (cloudsso.TransportError, cloudsso.TimeoutError))
    assert e.outcome_unknown is True
    assert e.attempts == 1
    assert emulator.requests_seen() == before + 1


def test_lost_answer_is_retried_when_the_caller_opts_in(emulator: Emulator) -> None:
    emulator.fault("drop_after_process")
    before = emulator.requests_seen()
    res = emulator.client(max_attempts=3, retry_unknown_outcome_for_generated=True).reset_user_password(
        emulator.directory_id, emulator.user_id, generate_random_password=True
    )
    assert res.new_password is not None and emulator.password_matches(res.new_password)
    assert emulator.requests_seen() == before + 2
