'use strict';
// No secret, token or password in what a program prints or serialises:
// util.inspect, console.log, JSON.stringify, error messages and stacks.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const { Client, CloudSSOError } = require('..');
const { startEmulator } = require('../test-support/emulator');
const { assertNoLeak } = require('../test-support/leaks');

const KEY_ID = 'LTAIredactionkey';
const SECRET = 'Sekr3t-ZQXJ-8842-distinct';
const TOKEN = 'T0ken-VWYK-5531-distinct';
const CALLER_PASSWORD = 'Pw-QQRT-7719-x!';
const WRONG_SECRET = 'Wr0ng-MMNP-4410-distinct';
const SECRETS = [SECRET, TOKEN, CALLER_PASSWORD, WRONG_SECRET];

let emu;
before(async () => {
  emu = await startEmulator();
  await emu.admin('POST', 'access-keys', {
    access_key_id: KEY_ID,
    access_key_secret: SECRET,
    security_token: TOKEN,
  });
});
after(() => emu?.stop());

/** What console.log prints for `values`, captured from stdout. */
function consoleLogged(...values) {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = (chunk, ...rest) => {
    out += chunk;
    const callback = rest.find((r) => typeof r === 'function');
    if (callback) callback();
    return true;
  };
  try {
    console.log(...values);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

/** Every rendering of `value` a program might print or log. */
function renderings(value) {
  const texts = [
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    consoleLogged(value),
    consoleLogged('%o', value),
    JSON.stringify(value) ?? '',
    String(value),
  ];
  if (value instanceof Error) texts.push(value.message, value.stack ?? '');
  return texts.join('\n');
}

/** No secret in `text`, in any agreed encoding (test-support/leaks.js). */
function assertNoSecret(text, secrets = SECRETS, where = 'rendering') {
  assertNoLeak(text, secrets, where);
}

function client(extra = {}) {
  return new Client({
    endpoint: emu.endpoint,
    accessKeyId: KEY_ID,
    accessKeySecret: SECRET,
    securityToken: TOKEN,
    ...extra,
  });
}

test('a client shows its endpoint and nothing secret, and has no secret property', async () => {
  const c = client();
  const text = renderings(c);
  assertNoSecret(text);
  assert.ok(text.includes(emu.endpoint), text);
  assert.deepEqual(Object.keys(c), []);
  assert.deepEqual(Object.getOwnPropertyNames(c), []);
  for (const key in c) assert.fail(`enumerable property ${key}`);
  // The client does work with these keys (the STS token is checked by the emulator).
  const res = await c.resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true });
  assert.ok(res.newPassword);
});

test('a result redacts the generated password in inspect and leaves it out of JSON', async () => {
  const res = await client().resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  const generated = res.newPassword;
  assert.equal(typeof generated, 'string');
  const text = renderings(res);
  assertNoSecret(text, [...SECRETS, generated]);
  assert.ok(inspect(res).includes('<redacted>'), inspect(res));
  assert.ok(text.includes(res.requestId));
  assert.deepEqual(JSON.parse(JSON.stringify(res)), { requestId: res.requestId });
  assert.deepEqual(Object.keys(res), ['requestId']);
  assert.deepEqual({ ...res }, { requestId: res.requestId });
  // ... while the program can still read it on purpose.
  assert.equal(await emu.passwordMatches(emu.directoryId, emu.userId, generated), true);
});

test("a service error that echoes the secret, token and password shows none of them", async () => {
  await emu.fault({
    count: 1,
    action: 'respond',
    status: 400,
    code: 'InvalidParameter',
    message: `rejected ${CALLER_PASSWORD} for key ${SECRET} with token ${TOKEN}`,
  });
  let error;
  try {
    await client({ maxAttempts: 1 }).resetUserPassword({
      directoryId: emu.directoryId,
      userId: emu.userId,
      password: CALLER_PASSWORD,
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CloudSSOError);
  assert.equal(error.code, 'InvalidParameter');
  assert.match(error.message, /rejected/);
  assertNoSecret(renderings(error));
});

test('a wrong secret is named in the error without being shown', async () => {
  let error;
  try {
    client({ accessKeySecret: WRONG_SECRET }).resetUserPasswordSync({
      directoryId: emu.directoryId,
      userId: emu.userId,
      password: CALLER_PASSWORD,
    });
  } catch (e) {
    error = e;
  }
  assert.equal(error.code, 'SignatureDoesNotMatch');
  assertNoSecret(renderings(error));
});

test('a password of the wrong type is not echoed in the validation error', async () => {
  const numeric = 98765432123;
  const error = await client()
    .resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, password: numeric })
    .catch((e) => e);
  assert.equal(error.field, 'password');
  assertNoSecret(renderings(error), [String(numeric)]);
});

test('the password never travels in the URL', async () => {
  await emu.admin('POST', 'requests/reset');
  await client().resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, password: CALLER_PASSWORD });
  const log = await emu.requests();
  const entries = Array.isArray(log) ? log : log.requests;
  assert.equal(entries.length, 1);
  assert.ok(!entries[0].query_names.includes('Password'), JSON.stringify(entries[0]));
  assert.ok(entries[0].body_names.includes('Password'), JSON.stringify(entries[0]));
  assertNoSecret(JSON.stringify(log));
});

// Last in this file (node:test runs a file's tests in order): everything the
// emulator printed while serving the tests above.
test("the emulator's own output holds no secret in any encoding", () => {
  assertNoSecret(emu.output(), SECRETS, "the emulator process's output");
});
