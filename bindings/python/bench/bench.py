"""Measures import time and calls per second against a local emulator.

Reported by scripts/test-python, never asserted: the numbers depend on the machine.
Run with the venv's python from the repository root.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import threading
import time
from typing import List

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))

from emulator_process import Emulator, start_emulator  # noqa: E402

SECONDS = 2.0


def import_ms() -> float:
    """Best of 5 fresh interpreters: `import cloudsso` plus building a client."""
    code = (
        "import time; t = time.perf_counter(); import cloudsso; "
        "cloudsso.Client(endpoint='http://127.0.0.1:1', access_key_id='i', access_key_secret='s'); "
        "print((time.perf_counter() - t) * 1000)"
    )
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(5)]
    return min(runs)


def calls_per_second(emulator: Emulator, threads: int) -> float:
    client = emulator.client(rate_limit_per_second=0)
    counts: List[int] = [0] * threads
    deadline = time.monotonic() + SECONDS

    def work(slot: int) -> None:
        while time.monotonic() < deadline:
            client.reset_user_password(emulator.directory_id, emulator.user_id, password="Bench-Pw-12345!")
            counts[slot] += 1

    began = time.monotonic()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.monotonic() - began)


def main() -> None:
    print(f"python: import cloudsso + Client(): {import_ms():.1f} ms (best of 5)")
    process, emulator = start_emulator()
    try:
        emulator.admin("POST", "throttle", {"per_account_per_second": 1_000_000, "global_per_second": 1_000_000})
        sequential = calls_per_second(emulator, 1)
        parallel = calls_per_second(emulator, 4)
        print(f"python: {sequential:.0f} calls/s sequential, {parallel:.0f} calls/s with 4 threads sharing a client")
    finally:
        process.kill()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
