import type { Middleware } from './common'

/** Options for fortify(): each key takes that middleware's options, or `false` to leave it out. */
export interface FortifyOptions {
  /** secureHeaders() options (helmet's). Default: on, with helmet's defaults. */
  headers?: Record<string, unknown> | boolean
  /** cors() options; CORS is applied only when `origin` is given. */
  cors?: ({ origin: unknown } & Record<string, unknown>) | false
  /** A global rateLimit(); default 600 requests a minute per client, draft-8 headers. */
  rateLimit?: Record<string, unknown> | boolean
  /** json() body-parser options. Default: on, 100kb limit, depth 64. */
  json?: Record<string, unknown> | boolean
}

/** Secure headers, CORS, a global rate limit and the safe body parser, in that order, as one middleware. */
export declare function fortify(options?: FortifyOptions): Middleware & { stack: Middleware[] }
