'use strict';
// Details read through Node and options checked for their effect, as the
// emulator saw them (HostId and Recommend are in errors.test.js): the measured clock skew, a
// connect-phase timeout (a loopback port whose accept queue is full), the user
// agent in the request log, and maxAttempts in the number of requests.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client, CloudSSOError } = require('..');
const { startEmulator } = require('../test-support/emulator');

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu?.stop());

const generate = () => ({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true });

async function rejection(promise) {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e) => e,
  );
  assert.ok(error instanceof CloudSSOError, `not a CloudSSOError: ${error}`);
  return error;
}

test('a persistent clock skew is reported with its size', async () => {
  await emu.admin('POST', 'clock', { offset_seconds: -7200 });
  try {
    await emu.fault({
      count: 3,
      action: 'respond',
      status: 400,
      code: 'InvalidTimeStamp.Expired',
      message: 'Specified time stamp or date value is expired.',
    });
    const error = await rejection(new Client(emu.clientOptions()).resetUserPassword(generate()));
    assert.equal(error.code, 'InvalidTimeStamp.Expired');
    assert.equal(typeof error.clockSkewMs, 'number');
    // Two hours, to the emulator's Date header's one-second resolution.
    const skew = Math.abs(error.clockSkewMs);
    assert.ok(skew >= 7_195_000 && skew <= 7_205_000, String(error.clockSkewMs));
  } finally {
    await emu.admin('POST', 'clock', { offset_seconds: 0 });
    // The client may need fewer attempts than faults were queued.
    await emu.clearFaults();
  }
});

test('a full accept queue is a connect timeout with nothing sent', async () => {
  const port = await emu.admin('POST', 'full-backlog');
  const before = (await emu.stats()).requests;
  const client = new Client(
    emu.clientOptions({ endpoint: port.endpoint, connectTimeoutMs: 200, readTimeoutMs: 30000, maxAttempts: 1 }),
  );
  const error = await rejection(client.resetUserPassword(generate()));
  assert.equal(error.kind, 'timeout');
  assert.equal(error.outcomeUnknown, false, 'nothing was sent');
  assert.match(error.message, /connect/);
  assert.equal((await emu.stats()).requests, before);
});

test('userAgent reaches the wire (the request log shows it)', async () => {
  await emu.admin('POST', 'requests/reset');
  await new Client(emu.clientOptions({ userAgent: 'i19-agent/2.5' })).resetUserPassword(generate());
  await new Client(emu.clientOptions()).resetUserPassword(generate());
  const [custom, plain] = await emu.requests();
  assert.ok(custom.user_agent.includes('i19-agent/2.5'), custom.user_agent);
  assert.ok(!plain.user_agent.includes('i19-agent'), plain.user_agent);
});

test('maxAttempts is the number of requests the emulator receives', async () => {
  for (const maxAttempts of [1, 2, 4]) {
    await emu.admin('DELETE', 'faults');
    await emu.fault({ count: 10, action: 'respond', status: 503, code: 'ServiceUnavailable' });
    const before = (await emu.stats()).requests;
    const client = new Client(emu.clientOptions({ maxAttempts, rateLimitPerSecond: 0 }));
    const error = await rejection(client.resetUserPassword(generate()));
    assert.equal(error.code, 'ServiceUnavailable');
    assert.equal(error.attempts, maxAttempts);
    assert.equal((await emu.stats()).requests - before, maxAttempts, `maxAttempts ${maxAttempts}`);
  }
  await emu.admin('DELETE', 'faults');
});
