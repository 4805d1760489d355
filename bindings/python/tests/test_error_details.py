"""Error details read through Python: the service's host id and recommend, the measured clock
skew, and a connect-phase timeout (a loopback port whose accept queue is full); options checked
for their effect as the emulator saw them (user agent, attempts)."""

from __future__ import annotations

from typing import Iterator, Optional

import pytest

import cloudsso
from emulator_process import Emulator


def skew_ms(error: cloudsso.CloudSSOError) -> Optional[float]:
    """The measured skew in ms, whichever attribute this version has (`clock_skew_ms`, or the
    older `clock_skew_seconds`)."""
    if "clock_skew_ms" in dir(error):
        value = getattr(error, "clock_skew_ms")
        return None if value is None else float(value)
    seconds = error.clock_skew_seconds
    return None if seconds is None else seconds * 1000


@pytest.fixture
def clock_back_two_hours(emulator: Emulator) -> Iterator[None]:
    emulator.admin("POST", "clock", {"offset_seconds": -7200})
    yield
    emulator.admin("POST", "clock", {"offset_seconds": 0})


def test_service_errors_carry_host_id_and_recommend(emulator: Emulator) -> None:
    with pytest.raises(cloudsso.ServiceError) as caught:
        emulator.client().reset_user_password(emulator.directory_id, "u-nosuchuser00", generate_random_password=True)
    error = caught.value
    assert error.code == "EntityNotExists.User"
    assert isinstance(error.host_id, str) and error.host_id
    assert isinstance(error.recommend, str)
    # The emulator's Recommend names the code and the request id, as the service's does.
    assert "EntityNotExists.User" in error.recommend and str(error.request_id) in error.recommend


def test_a_persistent_clock_skew_is_reported_with_its_size(emulator: Emulator, clock_back_two_hours: None) -> None:
    emulator.fault(
        "respond",
        count=3,
        status=400,
        code="InvalidTimeStamp.Expired",
        message="Specified time stamp or date value is expired.",
    )
    with pytest.raises(cloudsso.ServiceError) as caught:
        emulator.client().reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert caught.value.code == "InvalidTimeStamp.Expired"
    skew = skew_ms(caught.value)
    assert skew is not None, "no clock skew on a timestamp error"
    # The emulator's clock is two hours behind (its Date header has second resolution).
    assert 7_195_000 <= abs(skew) <= 7_205_000, skew


def test_a_full_accept_queue_is_a_connect_timeout_with_nothing_sent(emulator: Emulator) -> None:
    port = emulator.admin("POST", "full-backlog")
    before = emulator.requests_seen()
    client = emulator.client(endpoint=port["endpoint"], connect_timeout=0.2, read_timeout=30, max_attempts=1)
    with pytest.raises(cloudsso.TimeoutError) as caught:
        client.reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert caught.value.outcome_unknown is False, "nothing was sent"
    assert "connect" in str(caught.value)
    assert emulator.requests_seen() == before


def test_user_agent_and_max_attempts_take_effect(emulator: Emulator) -> None:
    # What the emulator saw: the User-Agent value in its request log, and one request
    # per attempt.
    emulator.admin("POST", "requests/reset")
    emulator.client(user_agent="i19-python/3.1").reset_user_password(
        emulator.directory_id, emulator.user_id, generate_random_password=True
    )
    emulator.client().reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    custom, plain = emulator.admin("GET", "requests")
    assert "i19-python/3.1" in custom["user_agent"], custom["user_agent"]
    assert "i19-python" not in plain["user_agent"], plain["user_agent"]
    for attempts in (1, 2, 4):
        emulator.admin("DELETE", "faults")
        emulator.fault("respond", count=10, status=503, code="ServiceUnavailable")
        before = emulator.requests_seen()
        with pytest.raises(cloudsso.ServiceError) as caught:
            emulator.client(max_attempts=attempts, rate_limit_per_second=0).reset_user_password(
                emulator.directory_id, emulator.user_id, generate_random_password=True
            )
        assert caught.value.attempts == attempts
        assert emulator.requests_seen() - before == attempts
