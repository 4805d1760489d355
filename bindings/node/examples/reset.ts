// Resets a password against the emulator (or a real endpoint) and reports the
// outcome by error kind. Type-checked by `tsc --strict --noEmit`.
//
//   target/debug/cloudsso emulator &     # prints the endpoint, keys and ids
//   CLOUDSSO_ENDPOINT=http://127.0.0.1:PORT \
//   ALIBABA_CLOUD_ACCESS_KEY_ID=testid ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret \
//   node --experimental-strip-types bindings/node/examples/reset.ts   # Node >= 22.6

import { Client, CloudSSOError, type ClientOptions, type ResetUserPasswordResult } from 'cloudsso'

async function main(): Promise<number> {
  const options: ClientOptions = {
    endpoint: process.env.CLOUDSSO_ENDPOINT ?? 'http://127.0.0.1:8080',
    signatureVersion: 'v3',
    maxAttempts: 3,
    readTimeoutMs: 5_000,
  }
  const client = new Client(options) // keys from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET
  try {
    const result: ResetUserPasswordResult = await client.resetUserPassword({
      directoryId: process.env.CLOUDSSO_DIRECTORY_ID ?? 'd-00fc2p61abcd',
      userId: process.env.CLOUDSSO_USER_ID ?? 'u-00q8wbq42wiltcrkabcd',
      generateRandomPassword: true,
      requirePasswordResetForNextLogin: true,
    })
    console.log(result) // the password shows as <redacted>
    const password: string | undefined = result.newPassword
    console.log(`request ${result.requestId}: a ${password?.length ?? 0}-character password was generated`)
    return 0
  } catch (error: unknown) {
    if (!(error instanceof CloudSSOError)) throw error
    switch (error.kind) {
      case 'validation':
        console.error(`fix ${error.field ?? 'the request'}: ${error.message}`)
        break
      case 'service':
      case 'throttled':
        console.error(`${error.code} (HTTP ${error.httpStatus}, request ${error.requestId}): ${error.message}`)
        break
      default:
        console.error(`${error.kind} after ${error.attempts} attempt(s): ${error.message}`)
        if (error.outcomeUnknown) console.error('the password may have changed: check before retrying')
    }
    return 1
  }
}

main().then((code) => {
  process.exitCode = code
})
