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

/** Polls the emulator until `count` requests are held at once (a bound, not a timed assertion). */
async function heldReaches(count) {
  for (let i = 0; i < 10000; i++) {
    if ((await emu.inFlight()).held >= count) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

test('the event loop keeps running during a call the emulator holds', async () => {
  // The emulator holds the call until this test, on the same event loop, sees it
  // held and releases it: that can only happen while the call is in flight if
  // the loop is free. No clock is read.
  const expiredBefore = (await emu.inFlight()).hold_expired;
  await emu.fault({ count: 1, action: 'hold' });
  const client = new Client(emu.clientOptions());
  const pending = client.resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  const held = await heldReaches(1);
  await emu.release();
  const res = await pending;
  assert.ok(held, 'the loop never saw the call held');
  assert.ok(res.newPassword);
  assert.equal((await emu.inFlight()).hold_expired, expiredBefore);
});

test('async calls run in parallel on the libuv pool (the emulator sees them together)', async () => {
  const together = Math.min(4, Number(process.env.UV_THREADPOOL_SIZE || 4));
  await emu.resetPeak();
  const expiredBefore = (await emu.inFlight()).hold_expired;
  await emu.fault({ count: together, action: 'hold' });
  const client = new Client(emu.clientOptions({ rateLimitPerSecond: 0 }));
  const pending = Promise.all(
    Array.from({ length: together }, (_, i) =>
      client.resetUserPassword({ directoryId: 'd-concurrent', userId: `u-user${i}`, generateRandomPassword: true }),
    ),
  );
  const held = await heldReaches(together);
  await emu.release();
  const results = await pending;
  const seen = await emu.inFlight();
  assert.ok(held, `never ${together} calls in flight together: ${JSON.stringify(seen)}`);
  assert.equal(results.length, together);
  assert.equal(seen.peak_in_flight, together, JSON.stringify(seen));
  assert.equal(seen.hold_expired, expiredBefore);
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
