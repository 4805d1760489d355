"""A real `cloudsso emulator` process and its admin API, for the tests and the benchmark."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import urllib.request
from typing import Any, Dict, Optional, Tuple

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
        stderr=subprocess.DEVNULL,
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
    # Keep draining stdout so that the emulator can never block on a full pipe.
    threading.Thread(target=stdout.read, daemon=True).start()
    return process, Emulator(first)


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
