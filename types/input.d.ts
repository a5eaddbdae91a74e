// Types for rampart/input: express-mongo-sanitize's and hpp's middleware, on Express 4 and 5.
import type { Middleware, Request } from './common'

export interface MongoSanitizeOptions {
  /** Rename refused keys with this instead of removing them (ignored if it is itself refused). */
  replaceWith?: string
  /** Allow `.` in keys (keys starting with `$` are still refused). */
  allowDots?: boolean
  /** Report (onSanitize, `input.rejected`) without changing the request. */
  dryRun?: boolean
  /** Called once per location (`'body'`, `'params'`, `'headers'`, `'query'`) that had a refused key. */
  onSanitize?: (info: { req: Request; key: string }) => void
  /** Levels of nesting walked (the root counts as one); deeper input is a 400. Default 64. */
  depth?: number
  /** Objects and arrays walked per location; more (or a cyclic graph) is a 400. Default 1,000,000. */
  maxNodes?: number
}

export interface MongoSanitize {
  /** Removes (or renames) keys that start with `$` or contain `.` in body, params, headers and query. */
  (options?: MongoSanitizeOptions): Middleware
  /** Cleans `target` in place and returns it; throws a 400 HttpError past the bounds. */
  sanitize<T>(target: T, options?: MongoSanitizeOptions): T
  /** Whether any key at any depth would be refused (input past the bounds counts as yes). */
  has(target: unknown, allowDots?: boolean): boolean
}
export declare const mongoSanitize: MongoSanitize

export interface HppOptions {
  /** Collapse repeated query parameters (default true). */
  checkQuery?: boolean
  /** Collapse repeated body parameters (default true). */
  checkBody?: boolean
  /** Media type(s) whose bodies are checked, in type-is's forms (default `'urlencoded'`). */
  checkBodyOnlyForContentType?: string | string[]
  /** Parameter names allowed to repeat (they keep their arrays). */
  whitelist?: string | string[]
}

/**
 * HTTP Parameter Pollution protection: repeated parameters become their last value, and the
 * arrays move to `req.queryPolluted` / `req.bodyPolluted`.
 */
export declare function hpp(options?: HppOptions): Middleware
