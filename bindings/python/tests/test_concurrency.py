"""The GIL is released during the call: threads and asyncio overlap their waits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from typing import List

import pytest

import cloudsso
from emulator_process import Emulator

# How many calls the concurrency tests hold in flight together: 8, or fewer if the
# async executor had fewer workers (it has 64).
TOGETHER = min(8, cloudsso.ASYNC_WORKERS)


def test_four_threads_sharing_one_client_run_in_parallel(emulator: Emulator) -> None:
    # The emulator holds each call until the main thread releases them all: the four are
    # in flight together (its peak counter shows it) and the main thread kept running
    # Python meanwhile (it polled and released). Serialised calls could not get there.
    client = emulator.client()
    emulator.reset_peak()
    expired_before = emulator.in_flight()["hold_expired"]
    emulator.fault("hold", count=4)
    results: List[cloudsso.ResetUserPasswordResult] = []
    errors: List[BaseException] = []
    start = threading.Barrier(5)

    def work() -> None:
        start.wait()
        try:
            results.append(
                client.reset_user_password(emulator.directory_id, emulator.user_id, password="Parallel-Pw-4x!")
            )
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    start.wait()
    all_held = emulator.held_reaches(4)
    emulator.release()
    for t in threads:
        t.join()
    seen = emulator.in_flight()
    assert all_held, f"the four calls were never in flight together: {seen}"
    assert not errors
    assert len(results) == 4
    assert seen["peak_in_flight"] == 4, seen
    assert seen["hold_expired"] == expired_before, seen


def test_asyncio_runs_many_calls_at_once_and_the_loop_stays_responsive(emulator: Emulator) -> None:
    # The calls are held by the emulator until a coroutine on the same loop sees them all
    # held and releases them: that coroutine only runs if the loop is free while the calls
    # wait, and the release only comes once TOGETHER calls are in flight at once.
    client = emulator.client(rate_limit_per_second=0)
    emulator.reset_peak()
    expired_before = emulator.in_flight()["hold_expired"]
    emulator.fault("hold", count=TOGETHER)

    async def release_when_all_held() -> bool:
        for _ in range(10_000):
            if emulator.in_flight()["held"] >= TOGETHER:
                emulator.release()
                return True
            await asyncio.sleep(0.005)
        return False

    async def scenario() -> None:
        releaser = asyncio.ensure_future(release_when_all_held())
        results = await asyncio.gather(
            *(
                client.reset_user_password_async(emulator.directory_id, emulator.user_id, password=f"Async-Pw-{i}-x!")
                for i in range(TOGETHER)
            )
        )
        released = await releaser
        seen = emulator.in_flight()
        assert released, f"the loop never saw {TOGETHER} calls held at once: {seen}"
        assert len({r.request_id for r in results}) == TOGETHER
        assert all(r.new_password is None for r in results)
        assert seen["peak_in_flight"] == TOGETHER, seen
        assert seen["hold_expired"] == expired_before, seen

    asyncio.run(scenario())


def test_async_errors_are_the_same_exceptions(emulator: Emulator) -> None:
    client = emulator.client()

    async def scenario() -> None:
        with pytest.raises(cloudsso.ServiceError) as caught:
            await client.reset_user_password_async(
                emulator.directory_id, "u-doesnotexist0000", generate_random_password=True
            )
        assert caught.value.http_status == 404
        with pytest.raises(cloudsso.ValidationError) as invalid:
            await client.reset_user_password_async(emulator.directory_id, "")
        assert invalid.value.field == "user_id"
        res = await client.reset_user_password_async(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
        assert res.new_password is not None and emulator.password_matches(res.new_password)

    asyncio.run(scenario())


def test_cancelled_async_call_does_not_break_the_loop(emulator: Emulator) -> None:
    client = emulator.client()
    emulator.fault("delay", count=1, delay_ms=400)

    async def scenario() -> None:
        task = asyncio.ensure_future(
            client.reset_user_password_async(emulator.directory_id, emulator.user_id, password="Cancelled-Pw-1!")
        )
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The loop and the client still work afterwards.
        res = await client.reset_user_password_async(
            emulator.directory_id, emulator.user_id, generate_random_password=True
        )
        assert res.request_id

    asyncio.run(scenario())


def test_more_async_calls_than_workers_all_complete(emulator: Emulator) -> None:
    client = emulator.client(rate_limit_per_second=0)

    async def scenario() -> List[cloudsso.ResetUserPasswordResult]:
        return await asyncio.gather(
            *(
                client.reset_user_password_async(emulator.directory_id, emulator.user_id, password=f"Queued-Pw-{i}-x!")
                for i in range(cloudsso.ASYNC_WORKERS * 2)
            )
        )

    results = asyncio.run(scenario())
    assert len(results) == cloudsso.ASYNC_WORKERS * 2
    assert all(r.request_id for r in results)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_async_calls_work_in_a_forked_child(emulator: Emulator) -> None:
    client = emulator.client()
    # Starts the parent's worker threads, which a forked child does not have.
    asyncio.run(client.reset_user_password_async(emulator.directory_id, emulator.user_id, generate_random_password=True))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        code = 3
        try:
            call = client.reset_user_password_async(emulator.directory_id, emulator.user_id, generate_random_password=True)
            result = asyncio.run(asyncio.wait_for(call, 10))
            code = 0 if result.new_password else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


EXIT_RIGHT_AFTER_ASYNC_CALLS = """
import asyncio, sys
import cloudsso
endpoint, key_id, secret, directory_id, user_id = sys.argv[1:]
client = cloudsso.Client(endpoint=endpoint, access_key_id=key_id, access_key_secret=secret, rate_limit_per_second=0)
async def main():
    await asyncio.gather(*(client.reset_user_password_async(directory_id, user_id, generate_random_password=True)
                           for _ in range(16)))
asyncio.run(main())
"""


def test_the_interpreter_exits_cleanly_right_after_async_calls(emulator: Emulator) -> None:
    # A worker thread can still be inside Python (waking the loop) when the last
    # future completes; exiting then used to abort the process now and then.
    args = [emulator.endpoint, emulator.access_key_id, emulator.access_key_secret, emulator.directory_id, emulator.user_id]
    for _ in range(25):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_RIGHT_AFTER_ASYNC_CALLS, *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
