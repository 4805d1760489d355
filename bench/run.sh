#!/usr/bin/env bash
# The cross-language benchmark in one command:
#   bench/run.sh [--rounds N] [--seconds S] [--out FILE] [--only ROW,ROW]
# Installs what it needs (nginx, wrk, a Python venv with the vendor SDK and our
# module, the Node package, libcloudsso), starts a loopback nginx of its own and
# measures every row against it, interleaved in rounds (bench/harness.py).
# A front door that does not build yet is reported as "not built", not an error.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
logs=target/bench/logs
mkdir -p "$logs"

started=$(date +%s)
note() { printf '[bench %ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

# --- tools from apt, only when missing (apt-get update at most once) ---
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v gcc >/dev/null || missing+=(gcc)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  note "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >"$logs/apt.log" 2>&1 \
    || { apt-get update -q >>"$logs/apt.log" 2>&1 && apt-get install -y -q "${missing[@]}" >>"$logs/apt.log" 2>&1; } \
    || note "apt-get reported an error (see $logs/apt.log); checking the tools anyway"
  # Debian's nginx package tries to start a system nginx on port 80, which fails in some
  # containers and makes apt-get report an error although the binary is installed.
  for tool in nginx wrk gcc; do
    command -v "$tool" >/dev/null || { note "$tool is still missing, see $logs/apt.log"; exit 1; }
  done
fi

# --- C: libcloudsso and the worker ---
note "building libcloudsso"
c_worker=""
if cargo build --release -p cloudsso-ffi >"$logs/ffi.log" 2>&1 && [ -f target/release/libcloudsso.so ]; then
  # A copy under its SONAME (libcloudsso.so.0.1), found through the worker's rpath.
  libdir=$repo/target/bench/lib
  rm -rf "$libdir" && mkdir -p "$libdir"
  soname=$(readelf -d target/release/libcloudsso.so | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
  cp target/release/libcloudsso.so "$libdir/libcloudsso.so"
  [ -z "$soname" ] || ln -s libcloudsso.so "$libdir/$soname"
  if gcc -O2 -Wall -Wextra -Werror -I include bench/workers/c_worker.c -o target/bench/c_worker \
       -L "$libdir" -lcloudsso -lpthread -Wl,-rpath,"$libdir" >"$logs/c_worker.log" 2>&1; then
    c_worker=$repo/target/bench/c_worker
  else
    note "C worker did not compile (see $logs/c_worker.log): row 'not built'"
  fi
else
  note "libcloudsso did not build (see $logs/ffi.log): row 'not built'"
fi

# --- Python: one venv with the vendor SDK and our module ---
venv=target/bench/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
pip=("$venv/bin/pip" install -q --disable-pip-version-check)
"${pip[@]}" 'alibabacloud-cloudsso20210515==1.7.0' 'alibabacloud-tea-openapi==0.4.6' >"$logs/pip-vendor.log" 2>&1 \
  || note "vendor SDK did not install (see $logs/pip-vendor.log)"
if [ -f bindings/python/pyproject.toml ]; then
  # Reinstalled whenever a source it is built from is newer than the last install,
  # so the rows measure the checked-out code.
  stamp=$venv/.cloudsso-installed
  if [ ! -f "$stamp" ] || [ -n "$(find bindings/python crates/cloudsso/src crates/cloudsso/Cargo.toml Cargo.lock \
       -newer "$stamp" -type f -not -path '*/__pycache__/*' -print -quit)" ]; then
    note "installing ./bindings/python into $venv"
    rm -f "$stamp"
    "$venv/bin/pip" uninstall -q -y cloudsso >/dev/null 2>&1 || true
    if "${pip[@]}" ./bindings/python >"$logs/pip-cloudsso.log" 2>&1; then
      touch "$stamp"
    else
      note "bindings/python did not build (see $logs/pip-cloudsso.log): rows 'not built'"
    fi
  fi
fi

# --- Node: the package, built in place ---
node_pkg=""
if command -v node >/dev/null && [ -f bindings/node/package.json ]; then
  note "building bindings/node"
  if (cd bindings/node && npm install --no-audit --no-fund && npm run build) >"$logs/node.log" 2>&1; then
    node_pkg=$repo/bindings/node
  else
    note "bindings/node did not build (see $logs/node.log): rows 'not built'"
  fi
fi

note "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$venv/bin/python" bench/harness.py --python "$repo/$venv/bin/python" \
  --node-package "$node_pkg" --c-worker "$c_worker" --json target/bench/last-run.json "$@"
