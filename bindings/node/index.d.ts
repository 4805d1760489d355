// Types of the npm package `cloudsso` (hand-written for index.js; the native
// layer's generated types are in native.d.ts). Reviewed like code.
// ClientOptions has one field per row of the core's option table
// (cloudsso::options::OPTIONS, camelCase); the parity test checks it.

/** Options of a {@link Client}. Every option is optional. */
export interface ClientOptions {
  /** Region of the default endpoint; `cn-shanghai` when neither region nor endpoint is given. */
  region?: string
  /** A full URL, or a bare host meaning https. Plain http only for loopback unless `allowInsecureHttp`. */
  endpoint?: string
  /** Access key id; with no keys given, credentials come from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`. */
  accessKeyId?: string
  /** Access key secret. Kept inside the addon; never shown. */
  accessKeySecret?: string
  /** STS security token for a temporary access key. */
  securityToken?: string
  /** Time allowed to connect, in milliseconds (default 5000). */
  connectTimeoutMs?: number
  /** Time allowed for the answer's headers, and again for its body, in milliseconds (default 10000). */
  readTimeoutMs?: number
  /** Attempts per call, the first included: 1 to 10 (default 3). */
  maxAttempts?: number
  /** Text appended to the `User-Agent` header. */
  userAgent?: string
  /** Allow plain http to hosts other than loopback (default false). */
  allowInsecureHttp?: boolean
  /** Signature version (default 'v1'). */
  signatureVersion?: 'v1' | 'v3'
  /** Credentials from this profile of the aliyun CLI's config.json (else this credentials.ini section) instead of the whole chain; default `ALIBABA_CLOUD_PROFILE`. */
  profile?: string
  /** Time allowed for a whole call, every attempt and wait included, in milliseconds (default 60000). */
  callTimeoutMs?: number
  /** Client-side limit in calls per second, shared by all calls on this client (default 100; 0 turns it off). */
  rateLimitPerSecond?: number
  /** Also retry generated-password calls whose outcome is unknown (default false). */
  retryUnknownOutcomeForGenerated?: boolean
  /** Network of the default endpoint: 'public' (default) or 'vpc' (`cloudsso-vpc.REGION.aliyuncs.com`). */
  network?: 'public' | 'vpc'
  /** Calls allowed at once after a pause (default 10; at least 1). */
  rateLimitBurst?: number
  /** PEM certificates to trust instead of the built-in roots (private endpoints, test servers). */
  rootCertificatesPem?: string
}

/** The parameters of one `ResetUserPassword` call. Exactly one of `password` and `generateRandomPassword: true`. */
export interface ResetUserPasswordRequest {
  /** The directory id, `d-...`. */
  directoryId: string
  /** The user id, `u-...`. */
  userId: string
  /** The new password chosen by the caller. */
  password?: string
  /** Ask the service to generate the password (returned as `newPassword`). */
  generateRandomPassword?: boolean
  /** Make the user change the password at the next logon. */
  requirePasswordResetForNextLogin?: boolean
}

/**
 * What a successful call returns. `newPassword` is a getter: it is left out of
 * `JSON.stringify`, object spread and `Object.keys`, and `util.inspect` shows it
 * as `<redacted>`. Read it explicitly to use it.
 */
export declare class ResetUserPasswordResult {
  private constructor()
  /** The service's request id, for audit logs and support cases. */
  readonly requestId: string
  /** The password the service generated; undefined when the caller chose it. */
  get newPassword(): string | undefined
  toJSON(): { requestId: string }
}

/** The categories of failure. */
export type ErrorKind =
  | 'validation'
  | 'credentials'
  | 'service'
  | 'throttled'
  | 'timeout'
  | 'transport'
  | 'decode'
  /** A bug in the addon, caught so the process lives on; should never happen. */
  | 'panic'

/** Every error this package throws or rejects with. Messages never hold a secret. */
export declare class CloudSSOError extends Error {
  /** What went wrong. */
  readonly kind: ErrorKind
  /** For validation errors: the offending option or request field (`directoryId`, `password`, `maxAttempts`, ...). */
  readonly field?: string
  /** For service and throttled errors: the service's code, e.g. `EntityNotExists.User`. */
  readonly code?: string
  /** The service's request id, when an answer arrived. */
  readonly requestId?: string
  /** The HTTP status of the answer, when there was one. */
  readonly httpStatus?: number
  /** The service's `HostId`, when sent. */
  readonly hostId?: string
  /** The service's `Recommend` (a diagnosis link), when sent. */
  readonly recommend?: string
  /** For timestamp errors: the measured clock skew in milliseconds. */
  readonly clockSkewMs?: number
  /** Attempts made before giving up (0 when nothing was sent). */
  readonly attempts: number
  /** True when the password may have changed although no answer arrived: check before resetting again. */
  readonly outcomeUnknown: boolean
}

/** A CloudSSO client. Cheap to share: many calls at once over one connection pool, rate limit and retry budget. */
export declare class Client {
  /**
   * Checks the options and reads the credentials; no network I/O.
   * @throws {CloudSSOError} kind 'validation' or 'credentials'
   */
  constructor(options?: ClientOptions | null)
  /** The URL requests go to. */
  readonly endpoint: string
  /** Resets a user's password. The network work runs on the libuv pool; rejects with a {@link CloudSSOError}. */
  resetUserPassword(request: ResetUserPasswordRequest): Promise<ResetUserPasswordResult>
  /** The same call, blocking the event loop until done; throws a {@link CloudSSOError}. */
  resetUserPasswordSync(request: ResetUserPasswordRequest): ResetUserPasswordResult
  toJSON(): { endpoint: string }
}

/** This package's version. */
export declare const version: string
/** The version of the Rust core inside the addon. */
export declare const coreVersion: string
