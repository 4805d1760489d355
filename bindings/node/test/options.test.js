'use strict';
// Client options come from the core's option table: every row is a camelCase
// field, values are checked by the core with its own words, and the clock skew
// of timestamp errors is reported in milliseconds.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client, CloudSSOError } = require('..');
const { startEmulator } = require('../test-support/emulator');

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu?.stop());

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CloudSSOError, `not a CloudSSOError: ${error}`);
    return error;
  }
  assert.fail('expected a throw');
}

test('every option is accepted and the client works', async () => {
  const client = new Client(
    emu.clientOptions({
      region: 'cn-hangzhou', // an explicit endpoint wins over region and network
      network: 'vpc',
      securityToken: null,
      connectTimeoutMs: 2500,
      readTimeoutMs: 10000,
      callTimeoutMs: 30000,
      maxAttempts: 2,
      retryUnknownOutcomeForGenerated: false,
      userAgent: 'options-test/1.0',
      allowInsecureHttp: false,
      signatureVersion: 'v3',
      rateLimitPerSecond: 50,
      rateLimitBurst: 5,
    }),
  );
  const res = await client.resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true });
  assert.ok(await emu.passwordMatches(emu.directoryId, emu.userId, res.newPassword));
});

test('network vpc picks the VPC endpoint', () => {
  const client = new Client({ region: 'cn-beijing', network: 'vpc', accessKeyId: 'id', accessKeySecret: 's' });
  assert.equal(client.endpoint, 'https://cloudsso-vpc.cn-beijing.aliyuncs.com/');
});

test('bad values name the option and state the rule of the core', () => {
  const cases = [
    [{ network: 'intranet' }, 'network', 'must be "public" or "vpc"'],
    [{ rateLimitBurst: 0 }, 'rateLimitBurst', 'must be a whole number from 1 to 1000000'],
    [{ maxAttempts: 1.5 }, 'maxAttempts', 'must be a whole number from 1 to 10'],
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs', 'must be a whole number of milliseconds from 1 to 3600000'],
    [{ rootCertificatesPem: 'not pem' }, 'rootCertificatesPem', 'must contain a PEM CERTIFICATE block'],
    [{ network: 1 }, 'network', 'must be a string'],
    [{ rateLimitBurst: '5' }, 'rateLimitBurst', 'must be a number'],
  ];
  for (const [change, field, rule] of cases) {
    const error = thrown(() => new Client(emu.clientOptions(change)));
    assert.equal(error.kind, 'validation', field);
    assert.equal(error.field, field);
    assert.ok(error.message.endsWith(rule), error.message);
  }
});

test('a persistent clock skew is reported in milliseconds', async () => {
  await emu.admin('POST', 'clock', { offset_seconds: -7200 });
  let error;
  try {
    await emu.fault({
      count: 3,
      action: 'respond',
      status: 400,
      code: 'InvalidTimeStamp.Expired',
      message: 'Specified time stamp is expired.',
    });
    const client = new Client(emu.clientOptions());
    error = await client
      .resetUserPassword({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true })
      .then(() => assert.fail('expected a rejection'), (e) => e);
  } finally {
    await emu.admin('POST', 'clock', { offset_seconds: 0 });
    await emu.clearFaults();
  }
  assert.ok(error instanceof CloudSSOError);
  assert.equal(error.code, 'InvalidTimeStamp.Expired');
  assert.ok(error.clockSkewMs >= 7_195_000 && error.clockSkewMs <= 7_205_000, String(error.clockSkewMs));
});
