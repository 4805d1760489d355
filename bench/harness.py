"""Runs every benchmark row against one loopback nginx, interleaved in rounds, and
prints a Markdown table of medians. Standard library only; started by run.sh,
which installs and builds what the rows need first.

Each row runs in a fresh process per round (bench/workers/*), so cold start is
measured every round and one row's garbage cannot slow the next. Rows whose
front door is not built are listed as "not built"; a row that is built but
fails makes the whole run fail.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKERS = HERE / "workers"
SUCCESS_BODY = '{"RequestId":"8F2A6D3C-6E0B-4F57-9A3B-0C1D2E3F4A5B","NewPassword":"Xy7#kP2!mQ9@vR4s"}'


@dataclass
class Row:
    id: str
    runtime: str
    label: str
    baseline: str | None = None  # row id whose calls/s this row is divided by
    targets: list[tuple[str, str, float]] = field(default_factory=list)  # (text, ref row, min ratio)
    command: list[str] | None = None  # None: not built
    why_missing: str = ""
    results: list[dict] = field(default_factory=list)
    error: str = ""


def v1_body() -> str:
    """A V1 form body exactly like the one our client sends for a generated
    password (same parameters, nonce and timestamp shapes, a real signature), so
    the raw rows move the same bytes."""
    params = {
        "AccessKeyId": "testid",
        "Action": "ResetUserPassword",
        "DirectoryId": "d-00fc2p61abcd",
        "Format": "JSON",
        "GenerateRandomPassword": "true",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "UserId": "u-00q8wbq42wiltcrkabcd",
        "Version": "2021-05-15",
    }

    def enc(s: str) -> str:
        return urllib.parse.quote(s, safe="-_.~")

    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "POST&%2F&" + enc(canonical)
    mac = hmac.new(b"testsecret&", to_sign.encode(), hashlib.sha1).digest()
    return canonical + "&Signature=" + enc(base64.b64encode(mac).decode())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """A loopback nginx of our own (own config, prefix and pid file in a temp
    dir, `daemon off`), answering the success body with keep-alive to any POST /."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cloudsso-bench-nginx-"))
        self.port = free_port()
        conf = self.dir / "nginx.conf"
        conf.write_text(
            f"""
daemon off;
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            default_type application/json;
            add_header x-acs-request-id 8F2A6D3C-6E0B-4F57-9A3B-0C1D2E3F4A5B;
            return 200 '{SUCCESS_BODY}';
        }}
    }}
}}
"""
        )
        self.proc = subprocess.Popen(
            ["nginx", "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                    self.stop()
                    raise RuntimeError(f"nginx did not start: {err.strip()}")
                time.sleep(0.05)
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def probe(command: list[str]) -> str:
    """'' when `command` succeeds, else the last line it printed."""
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    if out.returncode == 0:
        return ""
    lines = (out.stderr or out.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {out.returncode}"


def define_rows(args: argparse.Namespace) -> list[Row]:
    py = [args.python, str(WORKERS / "py_worker.py")]
    node = ["node", str(WORKERS / "node_worker.js")]
    node_pkg = str(Path(args.node_package).resolve()) if args.node_package else ""

    def pyrow(id, label, mode, **kw):
        return Row(id, "Python", label, command=py + ["--mode", mode], **kw)

    def noderow(id, label, mode, **kw):
        return Row(id, "Node", label, command=node + [mode, "{endpoint}", "{seconds}", node_pkg], **kw)

    rows = [
        pyrow("py-raw-seq", "raw `http.client`, keep-alive, sequential", "raw:seq"),
        pyrow("py-raw-t4", "raw `http.client`, 4 threads (4 connections)", "raw:threads4", baseline="py-raw-seq"),
        pyrow("py-vendor-v3", "vendor SDK 1.7.0, default V3, sequential", "vendor-v3:seq", baseline="py-raw-seq"),
        pyrow("py-vendor-v2", "vendor SDK 1.7.0, `signature_algorithm='v2'`, sequential", "vendor-v2:seq",
              baseline="py-raw-seq"),
        pyrow("py-ours-seq", "**cloudsso**, sequential", "ours:seq", baseline="py-raw-seq",
              targets=[("≥ 1.0x raw seq", "py-raw-seq", 1.0)]),
        pyrow("py-ours-t4", "**cloudsso**, 4 threads, one client", "ours:threads4", baseline="py-raw-t4",
              targets=[("≥ 1.8x own seq", "py-ours-seq", 1.8)]),
        pyrow("py-ours-async8", "**cloudsso**, asyncio, 8 in flight", "ours:async8", baseline="py-raw-seq"),
        noderow("node-raw-seq", "raw `http`, keep-alive agent, sequential", "raw:seq"),
        noderow("node-raw-8", "raw `http`, keep-alive agent, 8 in flight", "raw:inflight8", baseline="node-raw-seq"),
        noderow("node-ours-seq", "**cloudsso**, `await` one at a time", "ours:seq", baseline="node-raw-seq",
                targets=[("≥ 1.0x raw seq", "node-raw-seq", 1.0)]),
        noderow("node-ours-sync", "**cloudsso**, `resetUserPasswordSync` loop", "ours:sync", baseline="node-raw-seq"),
        noderow("node-ours-8", "**cloudsso**, 8 in flight", "ours:inflight8", baseline="node-raw-8",
                targets=[("≥ 1.0x raw 8 in flight", "node-raw-8", 1.0)]),
        Row("c-ours-seq", "C", "**libcloudsso**, sequential loop", baseline="wrk-c1",
            targets=[("≥ 0.75x wrk -c1", "wrk-c1", 0.75)],
            command=[args.c_worker, "{endpoint}", "{seconds}"] if args.c_worker else None),
        Row("c-ours-t4", "C", "**libcloudsso**, 4 threads, one client", baseline="wrk-c1",
            command=[args.c_worker, "{endpoint}", "{seconds}", "4"] if args.c_worker else None),
        Row("wrk-c1", "wrk", "`wrk -t1 -c1`, Lua POST of the same body", command=["wrk"]),
    ]
    for row in rows:
        if row.runtime == "Python":
            if not Path(args.python).exists():
                row.command, row.why_missing = None, "no Python venv"
            module = {"raw": "http.client", "vendor-v3": "alibabacloud_cloudsso20210515",
                      "vendor-v2": "alibabacloud_cloudsso20210515", "ours": "cloudsso"}[row.command[3].split(":")[0]] \
                if row.command else ""
            if row.command and (why := probe([args.python, "-c", f"import {module}"])):
                row.command, row.why_missing = None, why
        elif row.runtime == "Node":
            if shutil.which("node") is None:
                row.command, row.why_missing = None, "no node"
            elif row.id.startswith("node-ours"):
                if not node_pkg:
                    row.command, row.why_missing = None, "package not built"
                elif why := probe(["node", "-e", f"require({json.dumps(node_pkg)}).Client"]):
                    row.command, row.why_missing = None, why
        elif row.runtime == "C" and row.command is None:
            row.why_missing = "libcloudsso or the worker not built"
        elif row.runtime == "wrk" and shutil.which("wrk") is None:
            row.command, row.why_missing = None, "wrk not installed"
    if args.only:
        wanted = set(args.only.split(","))
        rows = [r for r in rows if r.id in wanted]
    return rows


def vm_hwm_kb(pid: int) -> int | None:
    """A process's peak RSS of its own memory (ru_maxrss would include the
    parent's peak, which Linux carries across fork and exec)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_wrk(endpoint: str, seconds: float, env: dict) -> dict:
    """wrk -t1 -c1; its CPU comes from wait4, its peak RSS from polling VmHWM."""
    proc = subprocess.Popen(
        ["wrk", "-t1", "-c1", f"-d{max(1, round(seconds))}s", "-s", str(WORKERS / "post.lua"), endpoint + "/"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    t0 = time.perf_counter()
    peak_kb = None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_kb = vm_hwm_kb(proc.pid) or peak_kb
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    out = proc.stdout.read().decode()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed: {proc.stderr.read().decode().strip()}")
    calls = None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[1] == "requests" and parts[2] == "in":
            calls = int(parts[0])
            measured = parts[3].rstrip(",")
            seconds = float(measured[:-2]) / 1000 if measured.endswith("ms") else float(measured.rstrip("s"))
        if "Non-2xx" in line or "Socket errors" in line:
            raise RuntimeError(f"wrk saw errors: {line.strip()}")
    if calls is None:
        raise RuntimeError(f"could not read wrk output: {out!r}")
    return {
        "calls": calls,
        "seconds": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": peak_kb,
        "cold_ms": None,
        "first_ms": None,
        "wall_s": wall,
    }


def run_row(row: Row, endpoint: str, seconds: float, env: dict) -> dict:
    if row.id == "wrk-c1":
        return run_wrk(endpoint, seconds, env)
    command = [c.format(endpoint=endpoint, seconds=seconds) for c in row.command]
    if row.runtime == "Python":
        command += ["--endpoint", endpoint, "--seconds", str(seconds)]
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 120)
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()
        raise RuntimeError(tail[-1] if tail else f"exit {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rate(result: dict) -> float:
    return result["calls"] / result["seconds"]


def ratio_to(row: Row, ref: Row | None) -> float | None:
    """Median over rounds of this row's rate divided by the reference's rate in
    the same round: rounds interleave rows, so drift in machine load cancels."""
    if ref is None or not row.results or not ref.results:
        return None
    pairs = [rate(a) / rate(b) for a, b in zip(row.results, ref.results) if a and b]
    return median(pairs)


def fmt(value, spec, none="—"):
    return none if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    by_id = {r.id: r for r in rows}
    lines = [
        "| runtime | row | calls/s | CPU µs/call | peak RSS MiB | import+construct ms | first call ms | vs raw HTTP of its runtime | target |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if row.command is None:
            lines.append(f"| {row.runtime} | {row.label} | not built | | | | | | {row.why_missing} |")
            continue
        if row.error:
            lines.append(f"| {row.runtime} | {row.label} | FAILED | | | | | | {row.error} |")
            continue
        res = [r for r in row.results if r]
        calls_s = median([rate(r) for r in res])
        cpu_us = median([r["cpu_s"] * 1e6 / r["calls"] for r in res if r["calls"]])
        rss = median([r["maxrss_kb"] / 1024 if r["maxrss_kb"] else None for r in res])
        cold = median([r["cold_ms"] for r in res])
        first = median([r["first_ms"] for r in res])
        ref = by_id.get(row.baseline) if row.baseline else None
        vs = ratio_to(row, ref)
        vs_text = "1.00x (reference)" if row.baseline is None else (
            f"{vs:.2f}x {ref.id}" if vs is not None else f"— ({row.baseline} missing)")
        target_texts = []
        for text, ref_id, minimum in row.targets:
            r = ratio_to(row, by_id.get(ref_id))
            if r is None:
                target_texts.append(f"{text}: n/a")
            else:
                target_texts.append(f"{text}: {r:.2f}x {'met' if r >= minimum else '**missed**'}")
        if row.id == "py-ours-seq" and cold is not None:
            target_texts.append(f"import+construct ≤ 10 ms: {cold:.1f} ms {'met' if cold <= 10 else '**missed**'}")
        lines.append(
            f"| {row.runtime} | {row.label} | {fmt(calls_s, ',.0f')} | {fmt(cpu_us, '.1f')} | {fmt(rss, '.1f')} "
            f"| {fmt(cold, '.1f')} | {fmt(first, '.2f')} | {vs_text} | {'; '.join(target_texts)} |"
        )
    return "\n".join(lines)


def first_line(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    text = (out.stdout + out.stderr).strip()
    return text.splitlines()[0] if text else "?"


def machine(args: argparse.Namespace) -> str:
    """What the numbers were measured on."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {
        "rustc": first_line(["rustc", "--version"]),
        "Python": first_line([args.python or sys.executable, "--version"]),
        "Node": first_line(["node", "--version"]),
        "gcc": first_line(["gcc", "--version"]),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "-v"]).split(" Copyright")[0],
    }
    lines = [
        f"- CPU: {os.cpu_count()} × {model}; kernel {os.uname().release}",
        "- " + "; ".join(f"{k}: {v}" for k, v in versions.items()),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--python", default="", help="the venv python with the vendor SDK and cloudsso")
    parser.add_argument("--node-package", default="", help="bindings/node, when built")
    parser.add_argument("--c-worker", default="", help="the compiled c_worker, when built")
    parser.add_argument("--only", default="", help="comma-separated row ids")
    parser.add_argument("--out", default="", help="also write the Markdown here")
    parser.add_argument("--json", default="", help="write every round's raw numbers here")
    args = parser.parse_args()

    rows = define_rows(args)
    env = dict(os.environ, BENCH_BODY=v1_body())
    load_before = os.getloadavg()
    print(f"body {len(env['BENCH_BODY'])} bytes; load before: {load_before}", file=sys.stderr)
    nginx = Nginx()
    try:
        for n in range(args.rounds):
            runnable = [r for r in rows if r.command is not None and not r.error]
            # Rotate the order each round so no row always follows the same neighbour.
            shift = n % max(1, len(runnable))
            for row in runnable[shift:] + runnable[:shift]:
                try:
                    result = run_row(row, nginx.endpoint, args.seconds, env)
                    row.results.append(result)
                    print(f"round {n + 1}/{args.rounds} {row.id}: {rate(result):,.0f} calls/s", file=sys.stderr)
                except Exception as e:  # the row is reported, the run fails at the end
                    row.error = str(e)[:200]
                    print(f"round {n + 1}/{args.rounds} {row.id}: FAILED {row.error}", file=sys.stderr)
            # Pair rounds for ratios: a row that failed this round gets a hole.
            for row in runnable:
                while len(row.results) < n + 1:
                    row.results.append(None)
    finally:
        nginx.stop()
    load_after = os.getloadavg()
    md = table(rows)
    md += (
        f"\n\n{args.rounds} rounds of {args.seconds:g} s per row, medians; POST body "
        f"{len(env['BENCH_BODY'])} bytes; load average (1, 5, 15 min) before the run "
        f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after it "
        f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}.\n\n{machine(args)}\n"
    )
    print(md)
    if args.out:
        Path(args.out).write_text(md)
    if args.json:
        Path(args.json).write_text(json.dumps({r.id: r.results for r in rows}, indent=1))
    failed = [r.id for r in rows if r.error]
    if failed:
        print(f"failed rows: {', '.join(failed)}", file=sys.stderr)
        return 1
    if not any(r.results for r in rows):
        print("no row ran", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
