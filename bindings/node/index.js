'use strict';
// The public face of the npm package `cloudsso`: thin classes over the native
// addon that give errors a class for `instanceof` and keep secrets out of
// `util.inspect`, `console.log` and `JSON.stringify`. All logic is in Rust.

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { inspect } = require('node:util');

/**
 * The platforms with a prebuilt addon, as `<platform>-<arch>[-<abi>]`: each is
 * an npm package `cloudsso-<name>` (an optional dependency of this one, built by
 * scripts/dist) carrying `cloudsso.<name>.node`. Keep in step with
 * `napi.targets` in package.json.
 */
const SUPPORTED = ['linux-x64-gnu'];

/**
 * Whether this Linux runs on musl. glibc's `ldd` is a script that names no musl;
 * musl's names itself. Without `ldd`, the process report (slower, ~30 ms) says
 * whether a glibc runtime is present.
 */
function isMusl() {
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    return !process.report?.getReport?.()?.header?.glibcVersionRuntime;
  }
}

/** This process's platform in the same naming, the C library told apart on Linux. */
function platformName() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform === 'linux') return `${base}-${isMusl() ? 'musl' : 'gnu'}`;
  if (process.platform === 'win32') return `${base}-msvc`;
  return base;
}

/**
 * Loads the addon: first a local build next to this file (`npm run build` in
 * a clone), then the platform package npm installed. Otherwise fails naming
 * the platform and the supported list, with the platform package's error as `cause`.
 */
function loadNative() {
  const name = platformName();
  const local = join(__dirname, `cloudsso.${name}.node`);
  if (existsSync(local)) return require(local);
  let cause;
  try {
    return require(`cloudsso-${name}`);
  } catch (error) {
    cause = error;
  }
  const hint = SUPPORTED.includes(name)
    ? `the optional dependency cloudsso-${name} is missing (installed with --omit=optional or ` +
      'a lock file from another platform?); reinstall cloudsso, or build the addon from a clone ' +
      'with `npm run build` in bindings/node'
    : 'build the addon from a clone of the repository with `npm run build` in bindings/node';
  throw new Error(
    `cloudsso: no native addon for this platform (${name}); prebuilt for: ${SUPPORTED.join(', ')}. ` +
      hint,
    { cause },
  );
}

const native = loadNative();
const REDACTED = '<redacted>';

/**
 * Every failure of this package. `kind` says which: 'validation' (with
 * `field`), 'credentials', 'service' and 'throttled' (with `code`,
 * `requestId`, `httpStatus`, `hostId`, `recommend`), 'timeout', 'transport',
 * 'decode', or 'panic' (a bug in the addon; should never happen).
 */
class CloudSSOError extends Error {}
Object.defineProperty(CloudSSOError.prototype, 'name', {
  value: 'CloudSSOError',
  writable: true,
  configurable: true,
});

/**
 * Gives an error made by the addon the CloudSSOError prototype; others pass
 * untouched. An error settled from the libuv pool has no JS frames, so
 * `caller` asks for a stack from where it is rethrown (with the async frames
 * of whoever awaited the call).
 */
function adopt(error, caller) {
  if (error instanceof Error && typeof error.kind === 'string' && !(error instanceof CloudSSOError)) {
    Object.setPrototypeOf(error, CloudSSOError.prototype);
    if (caller) Error.captureStackTrace(error, caller);
  }
  return error;
}

/**
 * What a successful reset returns. `newPassword` (only when the service
 * generated it) is read through a getter, so it is not an own enumerable
 * property: `JSON.stringify` leaves it out, and `util.inspect` shows it
 * redacted. Read `result.newPassword` explicitly to use it.
 */
class ResetUserPasswordResult {
  #newPassword;

  /** @param {{ requestId: string, newPassword?: string | null }} raw */
  constructor(raw) {
    /** The service's request id, for audit logs and support cases. */
    this.requestId = raw.requestId;
    this.#newPassword = raw.newPassword ?? undefined;
    Object.freeze(this);
  }

  /** The password the service generated; undefined when the caller chose it. */
  get newPassword() {
    return this.#newPassword;
  }

  toJSON() {
    return { requestId: this.requestId };
  }

  [inspect.custom](depth, options, inspectFn) {
    const shown = { requestId: this.requestId };
    if (this.#newPassword !== undefined) shown.newPassword = REDACTED;
    return `ResetUserPasswordResult ${inspectFn(shown, options)}`;
  }
}

/**
 * A CloudSSO client. Cheap to share: one client serves many concurrent calls
 * over a shared connection pool, rate limit and retry budget. It keeps the
 * credentials inside the addon and exposes no property that holds them.
 */
class Client {
  #native;

  /** @param {import('./index').ClientOptions} [options] */
  constructor(options) {
    try {
      this.#native = new native.Client(options);
    } catch (error) {
      throw adopt(error);
    }
  }

  /** The URL requests go to. */
  get endpoint() {
    return this.#native.endpoint;
  }

  /** Resets a user's password; the network work runs on the libuv pool. */
  async resetUserPassword(request) {
    try {
      return new ResetUserPasswordResult(await this.#native.resetUserPassword(request));
    } catch (error) {
      throw adopt(error, Client.prototype.resetUserPassword);
    }
  }

  /** The same call, blocking the event loop until it is done. */
  resetUserPasswordSync(request) {
    try {
      return new ResetUserPasswordResult(this.#native.resetUserPasswordSync(request));
    } catch (error) {
      throw adopt(error);
    }
  }

  toJSON() {
    return { endpoint: this.endpoint };
  }

  [inspect.custom](depth, options, inspectFn) {
    return `Client ${inspectFn({ endpoint: this.endpoint }, options)}`;
  }
}

module.exports = {
  Client,
  CloudSSOError,
  ResetUserPasswordResult,
  version: require('./package.json').version,
  coreVersion: native.CORE_VERSION,
};
