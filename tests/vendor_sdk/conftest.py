"""Starts `cloudsso emulator` once for the session and hands its announcement to the tests."""

import json
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def emulator():
    binary = os.environ.get("CLOUDSSO_BIN", str(REPO / "target" / "debug" / "cloudsso"))
    proc = subprocess.Popen(
        [binary, "emulator", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.kill()
        proc.wait()


def admin(emulator, path, body=None):
    """Calls the emulator's admin API; returns the decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        emulator["endpoint"] + "/_emulator/" + path,
        data=data,
        headers={"content-type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"null")
