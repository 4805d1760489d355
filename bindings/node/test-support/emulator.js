'use strict';
// Starts the real CloudSSO emulator (`cloudsso emulator`) for a test file and
// talks to its admin API. Kept outside test/ so `node --test` does not run it.

const { execFileSync, spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..', '..');

/**
 * Keeps the credentials chain of `npm test` on this machine and out of the
 * developer's own files, as scripts/isolate-credentials.sh does for the test
 * scripts (keep the two lists alike): the ECS metadata service is never asked,
 * the aliyun config files are empty fixtures, and no key, profile, role or URI
 * of the caller's environment is inherited. Runs when a test file loads this.
 */
function isolateCredentials() {
  const fixtures = path.join(REPO, 'tests', 'fixtures', 'no-credentials');
  process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
  process.env.ALIBABA_CLOUD_CONFIG_FILE = path.join(fixtures, 'config.json');
  process.env.ALIBABA_CLOUD_CREDENTIALS_FILE = path.join(fixtures, 'credentials.ini');
  for (const name of [
    'ALIBABA_CLOUD_PROFILE',
    'ALIBABA_CLOUD_CREDENTIALS_URI',
    'ALIBABA_CLOUD_ECS_METADATA',
    'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT',
    'ALIBABA_CLOUD_ROLE_ARN',
    'ALIBABA_CLOUD_OIDC_PROVIDER_ARN',
    'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
    'ALIBABA_CLOUD_STS_ENDPOINT',
    'ALIBABA_CLOUD_ACCESS_KEY_ID',
    'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    'ALIBABA_CLOUD_SECURITY_TOKEN',
    'ALIBABA_CLOUD_CLI_PROFILE_DISABLED',
  ]) {
    delete process.env[name];
  }
}
isolateCredentials();

/**
 * The `cloudsso` binary that serves the emulator: `CLOUDSSO_BIN` when set, else
 * the workspace's debug build, built here with cargo when it is missing (so
 * `npm run build && npm test` is enough in a fresh clone).
 */
function cliBinary() {
  if (process.env.CLOUDSSO_BIN) return process.env.CLOUDSSO_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(REPO, 'target');
  const bin = path.join(targetDir, 'debug', 'cloudsso');
  if (!existsSync(bin)) {
    console.error(`cloudsso tests: ${bin} is missing; building it (cargo build -p cloudsso-cli)`);
    execFileSync('cargo', ['build', '-p', 'cloudsso-cli'], { cwd: REPO, stdio: ['ignore', 2, 2] });
  }
  return bin;
}

/** Resolves with the first stdout line of `child`, or rejects after `ms`. */
function firstLine(child, ms) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`emulator printed no line within ${ms} ms`)), ms);
    const fail = (error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}; stderr: ${err.trim()}`));
    };
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, end));
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`emulator exited with ${code}`)));
  });
}

/**
 * Starts an emulator on a free loopback port. The result holds the announced
 * `endpoint`, demo keys and ids, and admin helpers; call `stop()` at the end.
 */
async function startEmulator() {
  const child = spawn(cliBinary(), ['emulator', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let info;
  try {
    info = JSON.parse(await firstLine(child, 15000));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Keep what the emulator prints from here on (both pipes keep draining), so the
  // leak tests can search the emulator's own output too.
  let printed = '';
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.on('data', (chunk) => (printed += chunk));
  child.stderr.on('data', (chunk) => (printed += chunk));
  child.removeAllListeners('exit');

  async function admin(method, route, body) {
    const response = await fetch(`${info.endpoint}/_emulator/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      throw new Error(`admin ${method} ${route}: HTTP ${response.status} ${JSON.stringify(answer)}`);
    }
    return answer;
  }

  return {
    endpoint: info.endpoint,
    accessKeyId: info.access_key_id,
    accessKeySecret: info.access_key_secret,
    directoryId: info.directory_id,
    userId: info.user_id,
    /** Options for a client of this emulator with the demo keys. */
    clientOptions(extra = {}) {
      return {
        endpoint: info.endpoint,
        accessKeyId: info.access_key_id,
        accessKeySecret: info.access_key_secret,
        ...extra,
      };
    },
    admin,
    /** What the emulator process printed after its first line (stdout and stderr). */
    output: () => printed,
    stats: () => admin('GET', 'stats'),
    /** Requests in flight now, their peak, held ones and expired holds, as the emulator saw them. */
    inFlight: () => admin('GET', 'in-flight'),
    resetPeak: () => admin('POST', 'in-flight/reset'),
    /** Lets every request held by a `hold` fault go on. */
    release: () => admin('POST', 'release'),
    requests: () => admin('GET', 'requests'),
    fault: (fault) => admin('POST', 'faults', fault),
    clearFaults: () => admin('DELETE', 'faults'),
    passwordMatches: async (directoryId, userId, password) =>
      (await admin('POST', 'check-password', { directory_id: directoryId, user_id: userId, password }))
        .matches,
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

module.exports = { startEmulator };
