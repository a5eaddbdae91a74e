// Types for rampart/csrf: fetchMetadata() and csrf-csrf's doubleCsrf().
import type { Middleware, Request, Response } from './common'
import type { HttpError } from './errors'

export interface FetchMetadataOptions {
  /** Cross-origin front ends let through (`'https://app.example.com'`). */
  allowedOrigins?: string[]
  /** Methods never checked (default `['GET', 'HEAD', 'OPTIONS']`). */
  ignoredMethods?: string[]
  /** Let top-level GET/HEAD navigations through when GET is checked (default true). */
  allowNavigation?: boolean
}

/** Refuses cross-site state-changing requests: a 403 ForbiddenError with code `csrf_rejected`. */
export declare function fetchMetadata(options?: FetchMetadataOptions): Middleware

export interface DoubleCsrfCookieOptions {
  sameSite?: boolean | 'lax' | 'strict' | 'none'
  path?: string
  secure?: boolean
  httpOnly?: boolean
  domain?: string
  maxAge?: number
  partitioned?: boolean
  [key: string]: unknown
}

export interface DoubleCsrfOptions {
  /** The HMAC secret, or several (the first signs, any validates: rotation). */
  getSecret: (req: Request) => string | Buffer | Array<string | Buffer>
  /** What binds a token to its session (a session id, a user id). */
  getSessionIdentifier: (req: Request) => string
  /** Default `'__Host-psifi.x-csrf-token'`. */
  cookieName?: string
  /** Default `{ sameSite: 'strict', path: '/', secure: true, httpOnly: true }`. */
  cookieOptions?: DoubleCsrfCookieOptions
  messageDelimiter?: string
  csrfTokenDelimiter?: string
  /** Bytes of randomness per token (16 to 1024, default 32). */
  size?: number
  /** `'sha256'` (default), `'sha384'` or `'sha512'`. */
  hmacAlgorithm?: 'sha256' | 'sha384' | 'sha512'
  /** Default `['GET', 'HEAD', 'OPTIONS']`. */
  ignoredMethods?: string[]
  /** Where the request carries the token (default the `x-csrf-token` header). */
  getCsrfTokenFromRequest?: (req: Request) => unknown
  errorConfig?: { statusCode?: number; message?: string; code?: string }
  skipCsrfProtection?: (req: Request) => boolean
}

export interface GenerateCsrfTokenOptions {
  cookieOptions?: DoubleCsrfCookieOptions
  overwrite?: boolean
  validateOnReuse?: boolean
}

export interface DoubleCsrfUtilities {
  /** The one error every refusal passes to next() (compare with `===`). */
  invalidCsrfTokenError: HttpError
  /** A token for this session, set as the cookie too; an existing valid one is reused. */
  generateCsrfToken(req: Request, res: Response, options?: GenerateCsrfTokenOptions): string
  /** Whether the request's token matches its cookie and is valid for its session. */
  validateRequest(req: Request): boolean
  /** The middleware; it also sets `req.csrfToken(options?)`. */
  doubleCsrfProtection: Middleware
}

export declare function doubleCsrf(options: DoubleCsrfOptions): DoubleCsrfUtilities
