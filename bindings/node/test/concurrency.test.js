'use strict';
// Many calls at once on one client, and an event loop that keeps running
// while calls are in flight (the work is on the libuv pool).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('..');
const { startEmulator } = require('../test-support/emulator');

let emu;
before(async () => {
  emu = await startEmulator();
  await emu.admin('POST', 'directories', {
    directory_id: 'd-concurrent',
    users: Array.from({ length: 8 }, (_, i) => `u-user${i}`),
  });
});
after(() => emu?.stop());

test('8 concurrent calls on one client all succeed with their own passwords', async () => {
  const client = new Client(emu.clientOptions());
  const before = (await emu.stats()).resets;
  const users = Array.from({ length: 8 }, (_, i) => `u-user${i}`);
  const results = await Promise.all(
    users.map((userId) =>
      client.resetUserPassword({ directoryId: 'd-concurrent', userId, generateRandomPassword: true }),
    ),
  );
  assert.equal(new Set(results.map((r) => r.requestId)).size, 8);
  assert.equal(new Set(results.map((r) => r.newPassword)).size, 8);
  for (const [i, userId] of users.entries()) {
    assert.equal(await emu.passwordMatches('d-concurrent', userId, results[i].newPassword), true, userId);
  }
  assert.equal((await emu.stats()).resets, before + 8);
});

test('the event loop keeps running during a slow call', async () => {
  await emu.fault({ count: 1, action: 'delay', delay_ms: 500 });
  const client = new Client(emu.clientOptions());
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const started = Date.now();
  let ticksAtEnd;
  try {
    const res = await client.resetUserPassword({
      directoryId: emu.directoryId,
      userId: emu.userId,
      generateRandomPassword: true,
    });
    ticksAtEnd = ticks;
    assert.ok(res.newPassword);
  } finally {
    clearInterval(timer);
  }
  assert.ok(Date.now() - started >= 450, 'the delay fault did not apply');
  assert.ok(ticksAtEnd >= 10, `only ${ticksAtEnd} ticks of 20 ms in a 500 ms call`);
});

test('the sync variant blocks the event loop, as documented', async () => {
  await emu.fault({ count: 1, action: 'delay', delay_ms: 300 });
  const client = new Client(emu.clientOptions());
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  try {
    client.resetUserPasswordSync({ directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true });
    assert.equal(ticks, 0);
  } finally {
    clearInterval(timer);
  }
});

test('a client shared by sync and async calls stays consistent', async () => {
  const client = new Client(emu.clientOptions());
  const pending = client.resetUserPassword({ directoryId: 'd-concurrent', userId: 'u-user0', password: 'Shared-Async-1!' });
  const sync = client.resetUserPasswordSync({ directoryId: 'd-concurrent', userId: 'u-user1', password: 'Shared-Sync-1!' });
  const async = await pending;
  assert.notEqual(sync.requestId, async.requestId);
  assert.equal(await emu.passwordMatches('d-concurrent', 'u-user0', 'Shared-Async-1!'), true);
  assert.equal(await emu.passwordMatches('d-concurrent', 'u-user1', 'Shared-Sync-1!'), true);
});
