'use strict';
// Successful calls, async and sync, against the real emulator.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client, ResetUserPasswordResult } = require('..');
const { startEmulator } = require('../test-support/emulator');

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu?.stop());

test('a generated password is returned and really set', async () => {
  const client = new Client(emu.clientOptions());
  const res = await client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.ok(res instanceof ResetUserPasswordResult);
  assert.match(res.requestId, /^[0-9A-F-]{36}$/);
  assert.equal(typeof res.newPassword, 'string');
  assert.ok(res.newPassword.length >= 8);
  assert.equal(await emu.passwordMatches(emu.directoryId, emu.userId, res.newPassword), true);
});

test("the caller's password is set and no password is returned", async () => {
  const client = new Client(emu.clientOptions());
  const password = 'Caller-Chosen-9!';
  const res = await client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    password,
    requirePasswordResetForNextLogin: true,
  });
  assert.equal(res.newPassword, undefined);
  assert.ok(res.requestId.length > 0);
  const check = await emu.admin('POST', 'check-password', {
    directory_id: emu.directoryId,
    user_id: emu.userId,
    password,
  });
  assert.deepEqual(check, { matches: true, require_password_reset_for_next_login: true });
});

test('the sync variant sets the password and returns the same result shape', async () => {
  const client = new Client(emu.clientOptions({ signatureVersion: 'v3' }));
  const res = client.resetUserPasswordSync({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.ok(res instanceof ResetUserPasswordResult);
  assert.equal(await emu.passwordMatches(emu.directoryId, emu.userId, res.newPassword), true);
  const caller = client.resetUserPasswordSync({
    directoryId: emu.directoryId,
    userId: emu.userId,
    password: 'Sync-Chosen-42?',
  });
  assert.equal(caller.newPassword, undefined);
  assert.equal(await emu.passwordMatches(emu.directoryId, emu.userId, 'Sync-Chosen-42?'), true);
});

test('every client option is accepted and the endpoint is reported', async () => {
  const before = (await emu.stats()).requests;
  const client = new Client({
    ...emu.clientOptions(),
    region: 'cn-hangzhou',
    connectTimeoutMs: 2000,
    readTimeoutMs: 3000,
    maxAttempts: 2,
    userAgent: 'node-test/1',
    allowInsecureHttp: false,
    signatureVersion: 'v1',
    rateLimitPerSecond: 0,
    retryUnknownOutcomeForGenerated: false,
    securityToken: undefined,
  });
  assert.equal(client.endpoint, `${emu.endpoint}/`);
  const res = await client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.ok(res.newPassword);
  assert.equal((await emu.stats()).requests, before + 1);
});

test('credentials come from the environment when no keys are given', async (t) => {
  const saved = { ...process.env };
  t.after(() => {
    for (const name of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = emu.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = emu.accessKeySecret;
  const client = new Client({ endpoint: emu.endpoint });
  const res = await client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.equal(await emu.passwordMatches(emu.directoryId, emu.userId, res.newPassword), true);
});

test('the ES module entry exports the same classes', async () => {
  const esm = await import('../index.mjs');
  assert.equal(esm.Client, Client);
  assert.equal(typeof esm.CloudSSOError, 'function');
  const client = new esm.Client(emu.clientOptions());
  const res = await client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.ok(res.newPassword);
});
