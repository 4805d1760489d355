"""Fixtures: one real emulator per test session, its admin API, and clients for it."""

from __future__ import annotations

from typing import Iterator

import pytest

import cloudsso
from emulator_process import Emulator, start_emulator


CREDENTIAL_ENV = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    try:
        process, emu = start_emulator()
    except RuntimeError as e:
        pytest.fail(str(e))
    try:
        yield emu
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def no_pending_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts and ends with no queued fault (only for tests using the emulator)."""
    if "emulator" not in request.fixturenames:
        yield
        return
    emu: Emulator = request.getfixturevalue("emulator")
    emu.admin("DELETE", "faults")
    yield
    emu.admin("DELETE", "faults")


@pytest.fixture
def client(emulator: Emulator) -> cloudsso.Client:
    return emulator.client()


@pytest.fixture
def no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)
