'use strict';
// One Node benchmark row in a process of its own; prints one JSON line.
// Same protocol as py_worker.py: cold start (require + construct, first call),
// a short warm-up, then calls for --seconds; CPU from process.cpuUsage()
// (every thread of the process), peak RSS from /proc/self/status (VmHWM).
//   node node_worker.js MODE ENDPOINT SECONDS PACKAGE_DIR
// MODE: raw:seq | raw:inflight8 | ours:seq | ours:sync | ours:inflight8

const [mode, endpoint, secondsArg, packageDir] = process.argv.slice(2);
const seconds = Number(secondsArg);
const DIRECTORY = 'd-00fc2p61abcd';
const USER = 'u-00q8wbq42wiltcrkabcd';

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// VmHWM: the peak RSS of this process's own memory (resourceUsage().maxRSS would
// start from the parent's peak, which Linux carries across fork and exec).
function peakRssKb() {
  const m = /^VmHWM:\s+(\d+)/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

// Raw `http` with a keep-alive agent, same body and headers as our client.
function rawRow() {
  const http = require('http');
  const url = new URL(endpoint);
  const body = Buffer.from(process.env.BENCH_BODY);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const options = {
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: '/',
    agent,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': body.length,
      accept: 'application/json',
      'user-agent': 'bench-raw/1.0',
    },
  };
  return {
    call: () =>
      new Promise((resolve, reject) => {
        const req = http.request(options, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200 && chunks.length ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
  };
}

// Our package, one client, client-side rate limit off.
function oursRow() {
  const { Client } = require(packageDir);
  const client = new Client({
    endpoint,
    accessKeyId: 'testid',
    accessKeySecret: 'testsecret',
    rateLimitPerSecond: 0,
  });
  const request = { directoryId: DIRECTORY, userId: USER, generateRandomPassword: true };
  return {
    call: async () => {
      const res = await client.resetUserPassword(request);
      if (!res.newPassword) throw new Error('no newPassword');
    },
    callSync: () => {
      const res = client.resetUserPasswordSync(request);
      if (!res.newPassword) throw new Error('no newPassword');
    },
  };
}

async function inFlight(row, n, until) {
  let calls = 0;
  async function worker() {
    while (now() < until) {
      await row.call();
      calls++;
    }
  }
  await Promise.all(Array.from({ length: n }, worker));
  return calls;
}

function syncLoop(row, until) {
  let calls = 0;
  while (now() < until) {
    row.callSync();
    calls++;
  }
  return calls;
}

async function main() {
  const [kind, shape] = mode.split(':');
  const t0 = now();
  const row = kind === 'raw' ? rawRow() : oursRow();
  const coldMs = (now() - t0) * 1000;
  const t1 = now();
  if (shape === 'sync') row.callSync();
  else await row.call();
  const firstMs = (now() - t1) * 1000;

  const n = shape.startsWith('inflight') ? Number(shape.slice('inflight'.length)) : 1;
  const warm = now() + Math.min(0.3, seconds / 10);
  if (shape === 'sync') syncLoop(row, warm);
  else await inFlight(row, n, warm);

  const cpu0 = cpuSeconds();
  const start = now();
  const calls = shape === 'sync' ? syncLoop(row, start + seconds) : await inFlight(row, n, start + seconds);
  const wall = now() - start;
  const cpu = cpuSeconds() - cpu0;
  process.stdout.write(
    JSON.stringify({
      calls,
      seconds: wall,
      cpu_s: cpu,
      maxrss_kb: peakRssKb(),
      cold_ms: coldMs,
      first_ms: firstMs,
    }) + '\n',
  );
  process.exit(0); // keep-alive sockets would otherwise hold the loop open
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
