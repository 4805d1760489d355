"""A real `cloudsso emulator` process and its admin API, for the tests and the benchmark."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import time
import urllib.request
from typing import IO, Any, Dict, List, Optional, Tuple

import cloudsso

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]


def emulator_binary() -> str:
    """`CLOUDSSO_BIN`, or the workspace's debug build."""
    return os.environ.get("CLOUDSSO_BIN", str(REPO_ROOT / "target" / "debug" / "cloudsso"))


def start_emulator() -> Tuple["subprocess.Popen[str]", "Emulator"]:
    """Starts the emulator on a free loopback port and reads its first (JSON) line."""
    binary = emulator_binary()
    if not os.path.exists(binary):
        raise RuntimeError(f"emulator binary not found at {binary}: run `cargo build -p cloudsso-cli` or set CLOUDSSO_BIN")
    process = subprocess.Popen(
        [binary, "emulator", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout = process.stdout
    assert stdout is not None
    first: Dict[str, str] = {}
    reader = threading.Thread(target=lambda: first.update(json.loads(stdout.readline())), daemon=True)
    reader.start()
    reader.join(timeout=30)
    if not first:
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError("the emulator did not print its JSON line within 30 s")
    # Keep draining both pipes (the emulator can never block on a full one), keeping what it
    # printed so the leak tests can search the emulator's own output too.
    emulator = Emulator(first)
    assert process.stderr is not None
    for pipe in (stdout, process.stderr):
        threading.Thread(target=emulator._collect, args=(pipe,), daemon=True).start()
    return process, emulator


class Emulator:
    """A running `cloudsso emulator` and its admin API."""

    def __init__(self, info: Dict[str, str]) -> None:
        self.info = info
        self.endpoint = info["endpoint"]
        self.access_key_id = info["access_key_id"]
        self.access_key_secret = info["access_key_secret"]
        self.directory_id = info["directory_id"]
        self.user_id = info["user_id"]
        self._printed: List[str] = []

    def _collect(self, pipe: IO[str]) -> None:
        for line in pipe:
            self._printed.append(line)

    def output(self) -> str:
        """What the emulator process printed after its first line (stdout and stderr)."""
        return "".join(self._printed)

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

    def in_flight(self) -> Dict[str, int]:
        """Requests in flight now, their peak, held ones and expired holds, as the emulator saw them."""
        return {k: int(v) for k, v in self.admin("GET", "in-flight").items()}

    def reset_peak(self) -> None:
        self.admin("POST", "in-flight/reset")

    def held_reaches(self, count: int, polls: int = 10_000) -> bool:
        """Whether `count` requests are held at once within `polls` looks (5 ms apart): a bound
        so a broken client fails instead of hanging, not a timed assertion."""
        for _ in range(polls):
            if self.in_flight()["held"] >= count:
                return True
            time.sleep(0.005)
        return False

    def release(self) -> int:
        """Lets every request held by a `hold` fault go on."""
        return int(self.admin("POST", "release")["released"])

    def client(self, **options: Any) -> cloudsso.Client:
        options.setdefault("endpoint", self.endpoint)
        options.setdefault("access_key_id", self.access_key_id)
        options.setdefault("access_key_secret", self.access_key_secret)
        return cloudsso.Client(**options)
