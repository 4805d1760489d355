"""The core's log records reach Python's logging under the "cloudsso" logger."""

from __future__ import annotations

import logging
import sys
from typing import Any, List

import pytest

from emulator_process import Emulator


def test_attempts_successes_and_retries_are_logged(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cloudsso")
    emulator.fault("respond", status=503, code="ServiceUnavailable")
    res = emulator.client(max_attempts=2).reset_user_password(
        emulator.directory_id, emulator.user_id, generate_random_password=True
    )
    ours = [r for r in caplog.records if r.name == "cloudsso"]
    levels = [r.levelno for r in ours]
    assert levels.count(logging.DEBUG) == 2  # one per attempt
    assert levels.count(logging.WARNING) == 1  # the retry
    assert levels.count(logging.INFO) == 1  # the success
    info = next(r for r in ours if r.levelno == logging.INFO)
    assert res.request_id in info.getMessage()
    assert "ServiceUnavailable" in next(r for r in ours if r.levelno == logging.WARNING).getMessage()


def test_level_filter_is_respected(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cloudsso")
    emulator.client().reset_user_password(emulator.directory_id, emulator.user_id, generate_random_password=True)
    assert not [r for r in caplog.records if r.name == "cloudsso"]


def test_a_failing_handler_does_not_fail_the_call(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            raise RuntimeError("handler broke")

        def handleError(self, record: logging.LogRecord) -> None:
            raise RuntimeError("handler broke again")

    unraisable: List[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    logger = logging.getLogger("cloudsso")
    broken = Broken()
    logger.addHandler(broken)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        res = emulator.client().reset_user_password(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
        assert res.new_password is not None
        # The handler's failure is reported as unraisable, once per record.
        assert [str(u.exc_value) for u in unraisable] == ["handler broke"] * 2
    finally:
        logger.removeHandler(broken)
        logger.setLevel(old)


def test_async_calls_are_logged_at_the_level_set_before_they_start(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    client = emulator.client()

    async def one() -> str:
        res = await client.reset_user_password_async(emulator.directory_id, emulator.user_id, generate_random_password=True)
        return res.request_id

    caplog.set_level(logging.WARNING, logger="cloudsso")
    asyncio.run(one())
    assert not [r for r in caplog.records if r.name == "cloudsso"]
    caplog.set_level(logging.INFO, logger="cloudsso")
    request_id = asyncio.run(one())
    ours = [r for r in caplog.records if r.name == "cloudsso"]
    assert [r.levelno for r in ours] == [logging.INFO]
    assert request_id in ours[0].getMessage()
