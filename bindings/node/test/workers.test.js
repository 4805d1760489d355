'use strict';
// The addon in worker threads: each thread gets its own classes, and a worker
// terminated while its call is on the libuv pool does not take the process down.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Client } = require('..');
const { startEmulator } = require('../test-support/emulator');

const PACKAGE = path.resolve(__dirname, '..');
const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { Client } = require(workerData.pkg);
  parentPort.postMessage('started');
  new Client(workerData.options).resetUserPassword(workerData.request).then(
    (res) => parentPort.postMessage({ requestId: res.requestId, newPassword: res.newPassword }),
    (error) => parentPort.postMessage({ kind: error.kind }),
  );
`;

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu?.stop());

function startWorker() {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      pkg: PACKAGE,
      options: emu.clientOptions(),
      request: { directoryId: emu.directoryId, userId: emu.userId, generateRandomPassword: true },
    },
  });
  const messages = [];
  const waiters = [];
  worker.on('message', (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
  const next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r)));
  return { worker, next };
}

test('two worker threads each make a call', async () => {
  const workers = [startWorker(), startWorker()];
  try {
    for (const { next } of workers) assert.equal(await next(), 'started');
    const results = await Promise.all(workers.map(({ next }) => next()));
    for (const res of results) assert.equal(typeof res.requestId, 'string', JSON.stringify(res.kind));
    assert.notEqual(results[0].requestId, results[1].requestId);
  } finally {
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }
});

test('terminating a worker mid-call leaves the process working', async () => {
  await emu.fault({ count: 1, action: 'delay', delay_ms: 400 });
  const { worker, next } = startWorker();
  assert.equal(await next(), 'started');
  await new Promise((resolve) => setTimeout(resolve, 100));
  await worker.terminate();
  // Let the pool finish the orphaned call and try to settle into the dead thread.
  await new Promise((resolve) => setTimeout(resolve, 600));
  const res = await new Client(emu.clientOptions()).resetUserPassword({
    directoryId: emu.directoryId,
    userId: emu.userId,
    generateRandomPassword: true,
  });
  assert.equal(await emu.passwordMatches(emu.directoryId, emu.userId, res.newPassword), true);
});
