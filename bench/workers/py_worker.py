"""One Python benchmark row in a process of its own; prints one JSON line.

Every row does the same thing: cold start (import + construct, then the first
call), a short warm-up, then as many calls as fit in `--seconds`, counting
calls, wall time and this process's CPU time (all threads, getrusage).
"""

import argparse
import json
import os
import resource
import sys
import threading
import time

DIRECTORY = "d-00fc2p61abcd"
USER = "u-00q8wbq42wiltcrkabcd"


def peak_rss_kb():
    """VmHWM: the peak RSS of this process's own memory. getrusage's ru_maxrss
    would start from the parent's peak, which Linux carries across fork and exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the rows: each returns (call, make_call_for_thread) after its cold start ---


def raw_http_client(endpoint):
    """http.client with one keep-alive connection per thread, the same body
    and headers as our client sends; reads the whole answer."""
    import http.client

    host, port = endpoint.removeprefix("http://").rsplit(":", 1)
    body = os.environ["BENCH_BODY"].encode()
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "accept": "application/json",
        "user-agent": "bench-raw/1.0",
    }

    def new_call():
        conn = http.client.HTTPConnection(host, int(port))

        def call():
            conn.request("POST", "/", body, headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or not data:
                raise RuntimeError(f"unexpected answer {resp.status}")

        return call

    return new_call


def vendor(endpoint, algorithm):
    """The vendor SDK (alibabacloud-cloudsso20210515), one client shared."""
    from alibabacloud_cloudsso20210515 import models
    from alibabacloud_cloudsso20210515.client import Client
    from alibabacloud_tea_openapi import utils_models

    config = utils_models.Config(
        access_key_id="testid",
        access_key_secret="testsecret",
        endpoint=endpoint.removeprefix("http://"),
        protocol="http",
    )
    if algorithm:
        config.signature_algorithm = algorithm
    client = Client(config)
    request = models.ResetUserPasswordRequest(
        directory_id=DIRECTORY, user_id=USER, generate_random_password=True
    )

    def new_call():
        def call():
            if not client.reset_user_password(request).body.new_password:
                raise RuntimeError("no NewPassword")

        return call

    return new_call


def ours(endpoint):
    """Our module, one client shared by every thread, client rate limit off."""
    import cloudsso

    client = cloudsso.Client(
        endpoint=endpoint,
        access_key_id="testid",
        access_key_secret="testsecret",
        rate_limit_per_second=0,
    )

    def new_call():
        def call():
            if not client.reset_user_password(
                DIRECTORY, USER, generate_random_password=True
            ).new_password:
                raise RuntimeError("no new_password")

        return call

    new_call.client = client
    return new_call


# --- drivers ---


def run_threads(new_call, threads, seconds):
    calls = [0] * threads
    errors = []
    barrier = threading.Barrier(threads + 1)
    state = {"deadline": 0.0}

    def worker(i):
        try:
            call = new_call()
            warm_until = time.perf_counter() + min(0.3, seconds / 10)
            while time.perf_counter() < warm_until:
                call()
            barrier.wait()
            barrier.wait()
            n = 0
            deadline = state["deadline"]
            while time.perf_counter() < deadline:
                call()
                n += 1
            calls[i] = n
        except BaseException as e:  # reported by the main thread
            errors.append(repr(e))
            barrier.abort()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    try:
        barrier.wait()  # all warmed up
    except threading.BrokenBarrierError:
        pass
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    state["deadline"] = t0 + seconds
    try:
        barrier.wait()  # go
    except threading.BrokenBarrierError:
        pass
    for t in pool:
        t.join()
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    if errors:
        raise RuntimeError(errors[0])
    return sum(calls), wall, cpu


def run_async(client, in_flight, seconds):
    import asyncio

    async def main():
        async def one():
            res = await client.reset_user_password_async(
                DIRECTORY, USER, generate_random_password=True
            )
            if not res.new_password:
                raise RuntimeError("no new_password")

        async def worker(deadline, counter):
            while time.perf_counter() < deadline:
                await one()
                counter[0] += 1

        warm = [0]
        await asyncio.gather(
            *(worker(time.perf_counter() + min(0.3, seconds / 10), warm) for _ in range(in_flight))
        )
        counter = [0]
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(worker(t0 + seconds, counter) for _ in range(in_flight)))
        return counter[0], time.perf_counter() - t0, cpu_seconds() - cpu0

    return asyncio.run(main())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    kind, _, shape = args.mode.partition(":")  # e.g. "ours:threads4"

    t0 = time.perf_counter()
    if kind == "raw":
        new_call = raw_http_client(args.endpoint)
    elif kind == "vendor-v3":
        new_call = vendor(args.endpoint, None)
    elif kind == "vendor-v2":
        new_call = vendor(args.endpoint, "v2")
    elif kind == "ours":
        new_call = ours(args.endpoint)
    else:
        sys.exit(f"unknown mode {args.mode}")
    cold_ms = (time.perf_counter() - t0) * 1000
    t1 = time.perf_counter()
    first = new_call()
    first()
    first_ms = (time.perf_counter() - t1) * 1000
    del first

    if shape == "seq":
        calls, wall, cpu = run_threads(new_call, 1, args.seconds)
    elif shape.startswith("threads"):
        calls, wall, cpu = run_threads(new_call, int(shape[len("threads"):]), args.seconds)
    elif shape.startswith("async"):
        calls, wall, cpu = run_async(new_call.client, int(shape[len("async"):]), args.seconds)
    else:
        sys.exit(f"unknown shape {shape}")
    print(
        json.dumps(
            {
                "calls": calls,
                "seconds": wall,
                "cpu_s": cpu,
                "maxrss_kb": peak_rss_kb(),
                "cold_ms": cold_ms,
                "first_ms": first_ms,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
