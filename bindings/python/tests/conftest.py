"""Fixtures: one real emulator per test session, its admin API, and clients for it."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import urllib.request
from typing import Any, Dict, Iterator, Optional

import pytest

import cloudsso

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
CREDENTIAL_ENV = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)


class Emulator:
    """A running `cloudsso emulator` and its admin API."""

    def __init__(self, info: Dict[str, str]) -> None:
        self.info = info
        self.endpoint = info["endpoint"]
        self.access_key_id = info["access_key_id"]
        self.access_key_secret = info["access_key_secret"]
        self.directory_id = info["directory_id"]
        self.user_id = info["user_id"]

    def admin(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.endpoint.rstrip("/") + "/_emulator/" + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def fault(self, action: str, count: int = 1, **fields: Any) -> None:
        self.admin("POST", "faults", {"action": action, "count": count, **fields})

    def requests_seen(self) -> int:
        return int(self.admin("GET", "stats")["requests"])

    def password_matches(self, password: str, user_id: Optional[str] = None) -> bool:
        answer = self.admin(
            "POST",
            "check-password",
            {
                "directory_id": self.directory_id,
                "user_id": user_id or self.user_id,
                "password": password,
            },
        )
        return bool(answer["matches"])

    def client(self, **options: Any) -> cloudsso.Client:
        options.setdefault("endpoint", self.endpoint)
        options.setdefault("access_key_id", self.access_key_id)
        options.setdefault("access_key_secret", self.access_key_secret)
        return cloudsso.Client(**options)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    binary = os.environ.get("CLOUDSSO_BIN", str(REPO_ROOT / "target" / "debug" / "cloudsso"))
    if not os.path.exists(binary):
        pytest.fail(f"emulator binary not found at {binary}: run `cargo build -p cloudsso-cli` or set CLOUDSSO_BIN")
    process = subprocess.Popen(
        [binary, "emulator", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first: Dict[str, str] = {}
        reader = threading.Thread(target=lambda: first.update(json.loads(process.stdout.readline())))  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout=30)
        if not first:
            pytest.fail("the emulator did not print its JSON line within 30 s")
        # Keep draining stdout so that the emulator can never block on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield Emulator(first)
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
