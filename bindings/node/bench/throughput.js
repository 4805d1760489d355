'use strict';
// Calls per second against a local emulator: sequential, and 8 in flight on
// one client. Not a test (numbers depend on the machine); run it by hand:
//   node bench/throughput.js [seconds]
// The client's rate limit and the emulator's throttle are turned off.

const { Client } = require('..');
const { startEmulator } = require('../test-support/emulator');

async function measure(client, emu, inFlight, seconds) {
  const request = { directoryId: emu.directoryId, userId: emu.userId, password: 'Bench-Mark-42!' };
  const deadline = Date.now() + seconds * 1000;
  let calls = 0;
  async function worker() {
    while (Date.now() < deadline) {
      await client.resetUserPassword(request);
      calls++;
    }
  }
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return calls / elapsed;
}

async function main() {
  const seconds = Number(process.argv[2] ?? 3);
  const emu = await startEmulator();
  try {
    await emu.admin('POST', 'throttle', { per_account_per_second: 0, global_per_second: 0 });
    const client = new Client(emu.clientOptions({ rateLimitPerSecond: 0 }));
    const sync = (() => {
      const request = { directoryId: emu.directoryId, userId: emu.userId, password: 'Bench-Mark-42!' };
      const deadline = Date.now() + seconds * 1000;
      let calls = 0;
      const started = process.hrtime.bigint();
      while (Date.now() < deadline) {
        client.resetUserPasswordSync(request);
        calls++;
      }
      return calls / (Number(process.hrtime.bigint() - started) / 1e9);
    })();
    const sequential = await measure(client, emu, 1, seconds);
    const parallel = await measure(client, emu, 8, seconds);
    console.log(`sync sequential:   ${sync.toFixed(0)} calls/s`);
    console.log(`async sequential:  ${sequential.toFixed(0)} calls/s`);
    console.log(`async, 8 in flight: ${parallel.toFixed(0)} calls/s`);
  } finally {
    await emu.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
