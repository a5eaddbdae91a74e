// Types for rampart/cors: the cors package's options, with the origin required.
import type { Middleware, FastPathsOption } from './common'

/** A middleware for Express 4/5, Connect or plain node:http. */
export type CorsMiddleware = Middleware

/** A static origin rule: one origin, '*', true (reflect, no credentials), a RegExp, or a list. */
export type StaticOrigin = boolean | string | RegExp | Array<boolean | string | RegExp>

/** Decides per request: `callback(null, true | false | origin rule)`; may also return a Promise of it. */
export type CustomOrigin = (
  requestOrigin: string | undefined,
  callback: (err: Error | null, origin?: StaticOrigin) => void,
) => void | Promise<StaticOrigin>

export interface CorsOptions {
  /** Turn off the fast paths that lean on node/V8 internals (docs/fast-paths.md). */
  fastPaths?: FastPathsOption
  /**
   * Required (rampart does not default to '*'). '*' and `true` are refused with
   * `credentials: true`, as are RegExps that match any origin and 'null'.
   */
  origin: StaticOrigin | CustomOrigin
  /** Access-Control-Allow-Methods (default 'GET,HEAD,PUT,PATCH,POST,DELETE'). */
  methods?: string | string[]
  /** Access-Control-Allow-Headers; unset → the request's Access-Control-Request-Headers are reflected. */
  allowedHeaders?: string | string[]
  /** Alias of allowedHeaders (as in cors). */
  headers?: string | string[]
  /** Access-Control-Expose-Headers. */
  exposedHeaders?: string | string[]
  /** Access-Control-Allow-Credentials: true. */
  credentials?: boolean
  /** Access-Control-Max-Age, in seconds. */
  maxAge?: number | string
  /** Pass the preflight to the next handler instead of answering it. */
  preflightContinue?: boolean
  /** The preflight's status (default 204; a 2xx). */
  optionsSuccessStatus?: number
}

/** Picks the options per request. */
export type CorsOptionsDelegate = (
  req: any,
  callback: (err: Error | null, options?: CorsOptions) => void,
) => void

export interface Cors {
  (options: CorsOptions | CorsOptionsDelegate): CorsMiddleware
  cors: Cors
  default: Cors
}

/** cors(options): the cors package's behaviour (preflight, Vary: Origin, credentials, maxAge). */
export declare const cors: Cors
export default cors
