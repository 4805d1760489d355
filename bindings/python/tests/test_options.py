"""Client options come from the core's option table: every row is a keyword,
values are checked by the core with its words, and unknown keywords name Client."""

from __future__ import annotations

import warnings
from typing import Any, Dict

import pytest

import cloudsso
from emulator_process import Emulator


def test_every_option_is_accepted_and_the_client_works(emulator: Emulator) -> None:
    client = emulator.client(
        region="cn-hangzhou",  # an explicit endpoint wins over region and network
        network="vpc",
        security_token=None,
        connect_timeout=2.5,
        read_timeout=10,
        call_timeout=30.0,
        max_attempts=2,
        retry_unknown_outcome_for_generated=False,
        user_agent="options-test/1.0",
        allow_insecure_http=False,
        signature_version="v3",
        rate_limit_per_second=50,
        rate_limit_burst=5,
    )
    res = client.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert res.new_password is not None and emulator.password_matches(res.new_password)


def test_network_vpc_picks_the_vpc_endpoint(no_env_credentials: None) -> None:
    client = cloudsso.Client(region="cn-beijing", network="vpc", access_key_id="id", access_key_secret="s")
    assert client.endpoint == "https://cloudsso-vpc.cn-beijing.aliyuncs.com/"


def test_unknown_keyword_names_client() -> None:
    with pytest.raises(TypeError, match=r"^Client\(\) got an unexpected keyword argument 'conect_timeout'$"):
        cloudsso.Client(conect_timeout=1.0)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"Client\(\) got an unexpected keyword argument 'connect_timeout_ms'"):
        cloudsso.Client(connect_timeout_ms=1000)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_attempts": "3"}, "Client() argument 'max_attempts' must be int, not str"),
        ({"max_attempts": True}, "Client() argument 'max_attempts' must be int, not bool"),
        ({"allow_insecure_http": 1}, "Client() argument 'allow_insecure_http' must be bool, not int"),
        ({"read_timeout": "10"}, "Client() argument 'read_timeout' must be float, not str"),
        ({"region": 5}, "Client() argument 'region' must be str, not int"),
    ],
)
def test_wrong_types_are_type_errors_naming_client(options: Dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError) as caught:
        cloudsso.Client(**options)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("options", "field", "rule"),
    [
        ({"network": "intranet"}, "network", 'must be "public" or "vpc"'),
        ({"rate_limit_burst": 0}, "rate_limit_burst", "must be a whole number from 1 to 1000000"),
        ({"max_attempts": 11}, "max_attempts", "must be a whole number from 1 to 10"),
        ({"connect_timeout": 0.0001}, "connect_timeout", "must be a number of seconds from 0.001 to 3600"),
        ({"root_certificates_pem": "not pem"}, "root_certificates_pem", "must contain a PEM CERTIFICATE block"),
        ({"root_certificates_pem": b"\xff"}, "root_certificates_pem", "must be PEM text"),
    ],
)
def test_bad_values_name_the_option_and_the_rule(
    emulator: Emulator, options: Dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(cloudsso.ValidationError) as caught:
        emulator.client(**options)
    assert caught.value.field == field
    assert caught.value.message == rule


def test_a_persistent_clock_skew_is_reported_in_milliseconds(emulator: Emulator) -> None:
    emulator.admin("POST", "clock", {"offset_seconds": -7200})
    try:
        emulator.fault(
            "respond", count=3, status=400, code="InvalidTimeStamp.Expired", message="Specified time stamp is expired."
        )
        with pytest.raises(cloudsso.ServiceError) as caught:
            emulator.client().reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    finally:
        emulator.admin("POST", "clock", {"offset_seconds": 0})
    e = caught.value
    assert e.code == "InvalidTimeStamp.Expired"
    assert e.clock_skew_ms is not None and 7_195_000 <= e.clock_skew_ms <= 7_205_000
    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        assert e.clock_skew_seconds == e.clock_skew_ms / 1000
    assert [w.category for w in caught_warnings] == [DeprecationWarning]


def test_errors_without_a_measured_skew_have_none(emulator: Emulator) -> None:
    with pytest.raises(cloudsso.ServiceError) as caught:
        emulator.client().reset_user_password(emulator.directory_id, "u-00q8wbq42wiltcrkzzzz", generate_random_password=True)
    assert caught.value.clock_skew_ms is None
