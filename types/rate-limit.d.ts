// Types for rampart/rate-limit: express-rate-limit 8's API on a native store.
// `require('rampart/rate-limit')` is `rateLimit` itself, with these exports on it.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastPathsOption } from './common'

/** A request as the middleware sees it: node:http's, plus Express's `ip` where present. */
export type RateLimitRequest = IncomingMessage & { ip?: string; [property: string]: any }
/** A response as the middleware sees it: node:http's (Express's `status`/`send` are used when present). */
export type RateLimitResponse = ServerResponse & { [property: string]: any }
export type RateLimitNextFunction = (err?: unknown) => void

/** A value, or a function of the request that gives it (sync or async). */
export type ValueDeterminingMiddleware<T> = (request: RateLimitRequest, response: RateLimitResponse) => T | Promise<T>

/** `standardHeaders` versions of the IETF RateLimit header drafts. */
export type DraftHeadersVersion = 'draft-6' | 'draft-7' | 'draft-8'

/** What a store reports for a client: hits in the window and when they reset. */
export interface ClientRateLimitInfo {
  totalHits: number
  resetTime: Date | undefined
}
export type IncrementResponse = ClientRateLimitInfo

/** `req.rateLimit` (or `req[requestPropertyName]`). `current` is a hidden alias of `used`. */
export interface RateLimitInfo {
  limit: number
  used: number
  remaining: number
  resetTime: Date | undefined
  key: string
}

/** The express-rate-limit Store interface: any such store plugs into `store`. */
export interface RateLimitStore {
  init?(options: RateLimitOptions): void | Promise<void>
  get?(key: string): Promise<ClientRateLimitInfo | undefined> | ClientRateLimitInfo | undefined
  increment(key: string): Promise<ClientRateLimitInfo> | ClientRateLimitInfo
  decrement(key: string): Promise<void> | void
  resetKey(key: string): Promise<void> | void
  resetAll?(): Promise<void> | void
  shutdown?(): Promise<void> | void
  /** True when counts live in this process only. */
  localKeys?: boolean
  /** Key prefix (used to tell limiters apart in the double-count check). */
  prefix?: string
}

/** Where validation messages go (console by default). */
export interface RateLimitLogger {
  warn(error: unknown, message?: string): void
  error(error: unknown, message?: string): void
}

/** Turns the start-up and first-request checks off (`false`) or some of them (`{ name: false }`). */
export type RateLimitValidations = { default?: boolean } & { [check: string]: boolean | undefined }

export interface RateLimitOptions {
  /** Turn off the fast paths that lean on node/V8 internals (docs/fast-paths.md). */
  fastPaths?: FastPathsOption
  /** Window length in milliseconds. Default 60000. */
  windowMs: number
  /** Requests allowed per window and key. Default 5. */
  limit: number | ValueDeterminingMiddleware<number>
  /** Alias of `limit` (express-rate-limit's older name). */
  max?: number | ValueDeterminingMiddleware<number>
  /** Body of a blocked response. Default 'Too many requests, please try again later.' */
  message: any
  /** Status of a blocked response. Default 429. */
  statusCode: number
  /** Send X-RateLimit-Limit, -Remaining and -Reset. Default true. */
  legacyHeaders: boolean
  /** Send the IETF RateLimit headers: `true` is 'draft-6'. Default false. */
  standardHeaders: boolean | DraftHeadersVersion
  /** The policy name in draft-8 headers. Default "<limit>-in-<window>". */
  identifier: string | ValueDeterminingMiddleware<string>
  /** Retry-After seconds on a blocked response. Default: until the reset. */
  retryAfter?: number | ValueDeterminingMiddleware<number>
  /** Where the info goes on the request. Default 'rateLimit'. */
  requestPropertyName: string
  /** Do not count responses that failed (status >= 400 by default). */
  skipFailedRequests: boolean
  /** Do not count responses that succeeded (status < 400 by default). */
  skipSuccessfulRequests: boolean
  /** Whether a finished response counts as successful. */
  requestWasSuccessful(request: RateLimitRequest, response: RateLimitResponse): boolean | Promise<boolean>
  /** Returns true to let a request through uncounted. */
  skip(request: RateLimitRequest, response: RateLimitResponse): boolean | Promise<boolean>
  /** The client's key. Default: the client IP, IPv6 grouped by `ipv6Subnet`. */
  keyGenerator(request: RateLimitRequest, response: RateLimitResponse): string | Promise<string>
  /** Prefix length that groups IPv6 clients (32-64), or false. Default 56. */
  ipv6Subnet: number | false | ValueDeterminingMiddleware<number | false>
  /** Sends the blocked response. */
  handler(request: RateLimitRequest, response: RateLimitResponse, next: RateLimitNextFunction, optionsUsed: RateLimitOptions): void | Promise<void>
  /** Where the counts live. Default: a new MemoryStore. */
  store: RateLimitStore
  /** On a store error, allow the request (true) or pass the error to next (false, default). */
  passOnStoreError: boolean
  /** Turn the misconfiguration checks off, all or by name. Default true. */
  validate: boolean | RateLimitValidations
  /** Where check messages go. Default: console. */
  logger: RateLimitLogger
  /** 'fixed-window' (default, express-rate-limit's) or 'gcra' (smooth, no burst at window edges). */
  algorithm: 'fixed-window' | 'gcra'
  /** express-rate-limit's older name for `legacyHeaders`. */
  headers?: boolean
}

/** The middleware, with the store's resetKey and getKey. */
export interface RateLimitRequestHandler {
  (request: RateLimitRequest, response: RateLimitResponse, next: RateLimitNextFunction): void | Promise<void>
  resetKey(key: string): void | Promise<void>
  getKey(key: string): Promise<ClientRateLimitInfo | undefined> | ClientRateLimitInfo | undefined
}

export interface MemoryStoreOptions {
  /** Keys tracked at most; the stalest is evicted when full. Default 1,000,000. */
  maxKeys?: number
}

/** The default store: counts in Rust, bounded by maxKeys, nothing per key on the JS heap. */
export declare class MemoryStore implements RateLimitStore {
  constructor(options?: MemoryStoreOptions)
  readonly maxKeys: number
  readonly localKeys: true
  /** Keys tracked now. */
  readonly size: number
  init(options: Partial<RateLimitOptions>): void
  increment(key: string): Promise<ClientRateLimitInfo>
  get(key: string): Promise<ClientRateLimitInfo | undefined>
  decrement(key: string): Promise<void>
  resetKey(key: string): Promise<void>
  resetAll(): Promise<void>
  shutdown(): void
}

/** Sends one raw Redis command, e.g. `(...args) => client.call(...args)` (ioredis). */
export type SendCommandFn = (...args: string[]) => Promise<unknown>

export type RedisStoreOptions = (
  | { sendCommand: SendCommandFn; client?: undefined }
  | {
      /** An ioredis `Redis` or `Cluster`, or a node-redis (v4+) client or `createCluster` cluster. */
      client: object
      sendCommand?: undefined
    }
) & {
  /** Prefix of every key. Default 'rampart-rl:'. */
  prefix?: string
  /** Milliseconds to wait for Redis before the call fails (then passOnStoreError decides). Default 2000. */
  timeout?: number
  /** Where "now" comes from: 'js' (Date.now() of the app server, the default; fake timers work) or
   * 'redis' (Redis's TIME inside the script, so app servers with skewed clocks share exact windows). */
  clock?: 'js' | 'redis'
  /** Split each key's count over this many keys in evenly spaced cluster slots, so a hot key
   * (a global limit) does not pin one primary; each request checks one shard. Default 1. */
  shards?: number
}

/** Counts in Redis with one atomic script call per request, shared by every process. */
export declare class RedisStore implements RateLimitStore {
  constructor(options: RedisStoreOptions)
  readonly prefix: string
  readonly clock: 'js' | 'redis'
  readonly shards: number
  readonly localKeys: false
  init(options: Partial<RateLimitOptions>): void
  increment(key: string): Promise<ClientRateLimitInfo>
  get(key: string): Promise<ClientRateLimitInfo | undefined>
  decrement(key: string): Promise<void>
  resetKey(key: string): Promise<void>
  resetAll(): Promise<void>
}

/** A misconfiguration report passed to the logger: an Error with `code` (like
 * 'ERR_ERL_PERMISSIVE_TRUST_PROXY') and `help` (a docs URL). */
export interface RateLimitValidationError extends Error {
  code: string
  help: string
}

/** The rate-limit key of an address: IPv4 as is, IPv6 as its /ipv6Subnet network (default 56). */
export declare function ipKeyGenerator(ip: string, ipv6Subnet?: number | false): string

/** Creates the rate-limiting middleware (express-rate-limit's options, plus `algorithm`). */
export declare function rateLimit(options?: Partial<RateLimitOptions>): RateLimitRequestHandler

export declare const SECOND: number
export declare const MINUTE: number
export declare const HOUR: number
export declare const DAY: number

export default rateLimit
