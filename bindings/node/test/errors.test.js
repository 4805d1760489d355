'use strict';
// Every error kind with its properties, against the real emulator.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { Client, CloudSSOError } = require('..');
const { startEmulator } = require('../test-support/emulator');

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu?.stop());

/** Awaits a rejection and returns the error, checking it is a CloudSSOError. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CloudSSOError, `not a CloudSSOError: ${error}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'CloudSSOError');
    return error;
  }
  assert.fail('expected a rejection');
}

/** Runs `fn` and returns what it throws synchronously. */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CloudSSOError, `not a CloudSSOError: ${error}`);
    return error;
  }
  assert.fail('expected a throw');
}

test('an unknown user is a service error with the service metadata', async () => {
  const client = new Client(emu.clientOptions());
  const error = await rejection(
    client.resetUserPassword({ directoryId: emu.directoryId, userId: 'u-nosuchuser', generateRandomPassword: true }),
  );
  assert.equal(error.kind, 'service');
  assert.equal(error.code, 'EntityNotExists.User');
  assert.equal(error.httpStatus, 404);
  assert.match(error.requestId, /^[0-9A-F-]{36}$/);
  assert.equal(error.hostId, new URL(emu.endpoint).host);
  assert.ok(error.recommend.includes(error.requestId), error.recommend);
  assert.equal(error.attempts, 1);
  assert.equal(error.outcomeUnknown, false);
  assert.equal(error.field, undefined);
  assert.match(error.message, /EntityNotExists\.User/);
  assert.ok(error.message.includes(error.requestId), error.message);
});

test('the sync variant throws the same error', () => {
  const client = new Client(emu.clientOptions());
  const error = thrown(() =>
    client.resetUserPasswordSync({ directoryId: 'd-nosuchdir', userId: emu.userId, generateRandomPassword: true }),
  );
  assert.equal(error.kind, 'service');
  assert.equal(error.code, 'EntityNotExists.Directory');
  assert.equal(error.httpStatus, 404);
});

test('a throttled answer is kind throttled, not retried with maxAttempts 1', async () => {
  await emu.fault({ count: 1, action: 'respond', status: 400, code: 'Throttling.User', message: 'slow down' });
  const before = (await emu.stats()).requests;
  const client = new Client(emu.clientOptions({ maxAttempts: 1 }));
  const error = await rejection(
    client.resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true }),
  );
  assert.equal(error.kind, 'throttled');
  assert.equal(error.code, 'Throttling.User');
  assert.equal(error.httpStatus, 400);
  assert.equal(typeof error.requestId, 'string');
  assert.equal(error.attempts, 1);
  assert.equal((await emu.stats()).requests, before + 1);
});

test('a slow answer is a timeout with an unknown outcome', async () => {
  // The emulator holds the request and is never told to release it: the error
  // can only come from the client's read timeout. The emulator then sees the
  // client go away: the request leaves its queue unprocessed, and the hold
  // never ran out. No clock is read.
  const before = await emu.stats();
  const { hold_expired: expiredBefore } = await emu.inFlight();
  await emu.fault({ count: 1, action: 'hold' });
  const client = new Client(emu.clientOptions({ readTimeoutMs: 200, maxAttempts: 1 }));
  const error = await rejection(
    client.resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true }),
  );
  assert.equal(error.kind, 'timeout');
  assert.equal(error.outcomeUnknown, true);
  assert.equal(error.attempts, 1);
  assert.equal(error.code, undefined);
  let seen = await emu.inFlight();
  for (let i = 0; i < 2000 && seen.in_flight > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen = await emu.inFlight();
  }
  const after = await emu.stats();
  assert.equal(after.requests, before.requests + 1, 'the request reached the emulator');
  assert.equal(after.resets, before.resets, 'and was never processed: the client gave up first');
  assert.equal(seen.held, 0, JSON.stringify(seen));
  assert.equal(seen.hold_expired, expiredBefore, 'the hold did not have to run out');
});

test('a closed port is a transport error', async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  const client = new Client(emu.clientOptions({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }));
  const error = await rejection(
    client.resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true }),
  );
  assert.equal(error.kind, 'transport');
  assert.equal(error.outcomeUnknown, false);
  assert.equal(error.httpStatus, undefined);
});

test('a garbled success answer is a decode error with an unknown outcome', async () => {
  await emu.fault({ count: 1, action: 'garbage_body' });
  const client = new Client(emu.clientOptions({ maxAttempts: 1 }));
  const error = await rejection(
    client.resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true }),
  );
  assert.equal(error.kind, 'decode');
  assert.equal(error.httpStatus, 200);
  assert.equal(error.outcomeUnknown, true);
});

test('no keys and none in the environment is a credentials error', (t) => {
  const names = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'];
  const saved = names.map((name) => [name, process.env[name]]);
  t.after(() => {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  });
  for (const name of names) delete process.env[name];
  const error = thrown(() => new Client({ endpoint: emu.endpoint }));
  assert.equal(error.kind, 'credentials');
  assert.equal(error.attempts, 0);
  assert.match(error.message, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
});

const REQUEST_CASES = [
  ['a missing directory id', { userId: 'u-abc', generateRandomPassword: true }, 'directoryId'],
  ['an empty directory id', { directoryId: '', userId: 'u-abc', generateRandomPassword: true }, 'directoryId'],
  ['a malformed directory id', { directoryId: 'D-ABC', userId: 'u-abc', generateRandomPassword: true }, 'directoryId'],
  ['a missing user id', { directoryId: 'd-abc', generateRandomPassword: true }, 'userId'],
  ['a user id of the wrong type', { directoryId: 'd-abc', userId: 42, generateRandomPassword: true }, 'userId'],
  ['neither password nor generation', { directoryId: 'd-abc', userId: 'u-abc' }, 'password'],
  ['both password and generation', { directoryId: 'd-abc', userId: 'u-abc', password: 'Both-Given-1!', generateRandomPassword: true }, 'password'],
  ['a weak password', { directoryId: 'd-abc', userId: 'u-abc', password: 'weakweakweak' }, 'password'],
  ['a password that is not a string', { directoryId: 'd-abc', userId: 'u-abc', password: 12345678 }, 'password'],
  ['a flag that is not a boolean', { directoryId: 'd-abc', userId: 'u-abc', generateRandomPassword: 'yes' }, 'generateRandomPassword'],
  ['a reset flag that is not a boolean', { directoryId: 'd-abc', userId: 'u-abc', password: 'Fine-Pass-1!', requirePasswordResetForNextLogin: 1 }, 'requirePasswordResetForNextLogin'],
  ['a misspelt field', { directoryId: 'd-abc', userId: 'u-abc', generateRandomPasword: true }, 'generateRandomPasword'],
  ['no request object', undefined, 'request'],
  ['a string for the request', 'd-abc', 'request'],
];

test('bad requests are validation errors naming the field, and never reach the service', async () => {
  const client = new Client(emu.clientOptions());
  const before = (await emu.stats()).requests;
  for (const [what, request, field] of REQUEST_CASES) {
    const error = await rejection(client.resetUserPassword(request));
    assert.equal(error.kind, 'validation', what);
    assert.equal(error.field, field, what);
    assert.equal(error.attempts, 0, what);
    assert.equal(error.outcomeUnknown, false, what);
    assert.match(error.message, /^invalid request: /, what);
    const sync = thrown(() => client.resetUserPasswordSync(request));
    assert.equal(sync.field, field, what);
  }
  assert.equal((await emu.stats()).requests, before, 'a bad request reached the emulator');
});

const OPTION_CASES = [
  ['a plain-http remote endpoint', { endpoint: 'http://example.com' }, 'endpoint'],
  ['maxAttempts 0', { maxAttempts: 0 }, 'maxAttempts'],
  ['maxAttempts 11', { maxAttempts: 11 }, 'maxAttempts'],
  ['a fractional maxAttempts', { maxAttempts: 1.5 }, 'maxAttempts'],
  ['a zero read timeout', { readTimeoutMs: 0 }, 'readTimeoutMs'],
  ['a negative connect timeout', { connectTimeoutMs: -1 }, 'connectTimeoutMs'],
  ['an unknown signature version', { signatureVersion: 'v2' }, 'signatureVersion'],
  ['a user agent with a newline', { userAgent: 'a\nb' }, 'userAgent'],
  ['an endpoint that is not a string', { endpoint: 8080 }, 'endpoint'],
  ['allowInsecureHttp that is not a boolean', { allowInsecureHttp: 'true' }, 'allowInsecureHttp'],
  ['a misspelt option', { readTimeout: 200 }, 'readTimeout'],
  ['an access key id without its secret', { accessKeySecret: undefined }, 'accessKeySecret'],
];

test('bad client options are validation errors naming the option', () => {
  for (const [what, change, field] of OPTION_CASES) {
    const error = thrown(() => new Client({ ...emu.clientOptions(), ...change }));
    assert.equal(error.kind, 'validation', what);
    assert.equal(error.field, field, what);
  }
  const error = thrown(() => new Client('http://127.0.0.1:1'));
  assert.equal(error.field, 'options');
});

test('a plain-http remote endpoint is accepted with allowInsecureHttp', () => {
  const client = new Client({ ...emu.clientOptions(), endpoint: 'http://example.com', allowInsecureHttp: true });
  assert.equal(client.endpoint.startsWith('http://example.com'), true);
});

test('a throwing getter in the request passes its own error through', async () => {
  const client = new Client(emu.clientOptions());
  const request = {
    directoryId: emu.directoryId,
    get userId() {
      throw new RangeError('from the getter');
    },
  };
  await assert.rejects(client.resetUserPassword(request), (e) => e instanceof RangeError && !(e instanceof CloudSSOError));
  assert.throws(() => client.resetUserPasswordSync(request), RangeError);
});
