'use strict';
// `{ profile }`: the default credentials chain's profile, from a config.json the test writes and
// names through ALIBABA_CLOUD_CONFIG_FILE (never the developer's own).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, CloudSSOError } = require('..');
const { startEmulator } = require('../test-support/emulator');

let emu;
let dir;
const saved = {};
const VARS = [
  'ALIBABA_CLOUD_CONFIG_FILE',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
];

before(async () => {
  emu = await startEmulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsso-profile-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      current: 'broken',
      profiles: [
        { name: 'broken', mode: 'AK', access_key_id: 'nope', access_key_secret: 'nope' },
        { name: 'ci', mode: 'AK', access_key_id: emu.accessKeyId, access_key_secret: emu.accessKeySecret },
      ],
    }),
  );
  for (const name of VARS) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  process.env.ALIBABA_CLOUD_CONFIG_FILE = file;
});

after(() => {
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  fs.rmSync(dir, { recursive: true, force: true });
  emu?.stop();
});

test('profile picks a config.json profile', async () => {
  const client = new Client({ endpoint: emu.endpoint, profile: 'ci' });
  const res = await client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.ok(res.requestId);
});

test('a profile that exists nowhere is a credentials error', () => {
  try {
    new Client({ endpoint: emu.endpoint, profile: 'nowhere' });
  } catch (error) {
    assert.ok(error instanceof CloudSSOError);
    assert.equal(error.kind, 'credentials');
    assert.match(error.message, /profile "nowhere"/);
    return;
  }
  assert.fail('expected a throw');
});
