// Types for rampart/jwt: jsonwebtoken's sign/verify/decode, express-jwt's jwtAuth, and
// rampart's createSigner/createVerifier/authorize.
import type { KeyObject } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { EventEmitter } from 'node:events'

/** The algorithms rampart signs and verifies. `none` is never accepted. */
export type Algorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'

/** A JSON Web Key (RFC 7517). */
export interface JsonWebKey {
  kty: string
  kid?: string
  alg?: string
  use?: string
  [member: string]: unknown
}

/** A JWK Set; a token's `kid` header selects the key. */
export interface JsonWebKeySet {
  keys: JsonWebKey[]
}

/**
 * A verify key: an HMAC secret (string or Buffer, at least 32/48/64 bytes for
 * HS256/384/512), a PEM string or Buffer (SPKI, PKCS#1, PKCS#8, X.509 certificate), a JWK,
 * a JWK Set, or a node:crypto KeyObject.
 */
export type Secret = string | Buffer | KeyObject | JsonWebKey | JsonWebKeySet

/** A sign key: as Secret (private keys), or an encrypted PEM with its passphrase. */
export type PrivateKey =
  string | Buffer | KeyObject | JsonWebKey | { key: string | Buffer; passphrase: string }

/** Registered and custom claims. */
export interface JwtPayload {
  [claim: string]: unknown
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
}

export interface JwtHeader {
  alg: Algorithm | string
  typ?: string
  kid?: string
  cty?: string
  [member: string]: unknown
}

/** `{ header, payload, signature }`, from `complete: true`. */
export interface Jwt {
  header: JwtHeader
  payload: JwtPayload | string
  signature: string
}

export interface SignOptions {
  /** Default HS256 for secrets; RS256, ES256/384/512 or EdDSA for private keys of that type. */
  algorithm?: Algorithm
  /** Seconds, or a time span such as '15m', '1h', '7d' (a bare numeric string is milliseconds). */
  expiresIn?: number | string
  notBefore?: number | string
  audience?: string | string[]
  issuer?: string
  subject?: string
  jwtid?: string
  keyid?: string
  /** Extra header members (they cannot change `alg`). */
  header?: Record<string, unknown>
  noTimestamp?: boolean
  mutatePayload?: boolean
  /** Encoding of a string payload (default utf8). */
  encoding?: BufferEncoding
  /** Allow HMAC secrets shorter than the hash and RSA keys under 2048 bits (not recommended). */
  allowInsecureKeySizes?: boolean
  allowInvalidAsymmetricKeyTypes?: boolean
}

export interface VerifyOptions {
  /** Narrows the algorithms the key allows; it can never widen them. */
  algorithms?: Algorithm[]
  audience?: string | RegExp | Array<string | RegExp>
  issuer?: string | string[]
  subject?: string
  jwtid?: string
  nonce?: string
  /** Seconds of leeway for exp and nbf (default 0). */
  clockTolerance?: number
  /** "Now" in seconds; default Math.floor(Date.now() / 1000). */
  clockTimestamp?: number
  /** Maximum age from iat: seconds or a span such as '1h'. */
  maxAge?: number | string
  complete?: boolean
  ignoreExpiration?: boolean
  ignoreNotBefore?: boolean
  allowInsecureKeySizes?: boolean
  /** Tokens longer than this many characters are refused before decoding (default 8192). */
  maxTokenLength?: number
}

export interface DecodeOptions {
  complete?: boolean
  json?: boolean
}

export type SignCallback = (error: Error | null, token?: string) => void
export type VerifyCallback<T = JwtPayload | string> = (error: JsonWebTokenError | null, decoded?: T) => void
/** jsonwebtoken's key callback: resolve the key from the header. */
export type GetSecret = (header: JwtHeader, callback: (error: Error | null, key?: Secret) => void) => void

export function sign(payload: string | Buffer | object, key: PrivateKey, callback: SignCallback): void
export function sign(
  payload: string | Buffer | object,
  key: PrivateKey,
  options: SignOptions,
  callback: SignCallback,
): void

export function verify(token: string, key: Secret | GetSecret, callback: VerifyCallback): void
export function verify(
  token: string,
  key: Secret | GetSecret,
  options: VerifyOptions,
  callback: VerifyCallback<JwtPayload | string | Jwt>,
): void

export function verify(token: string, key: Secret, options: VerifyOptions & { complete: true }): Jwt
export function verify(token: string, key: Secret, options?: VerifyOptions): JwtPayload | string
export function sign(payload: string | Buffer | object, key: PrivateKey, options?: SignOptions): string

export function decode(token: string, options: DecodeOptions & { complete: true }): Jwt | null
export function decode(token: string, options?: DecodeOptions): JwtPayload | string | null

export interface SignerOptions extends SignOptions {
  key: PrivateKey
}
/** The key and options bound once; each call signs one payload. */
export function createSigner(options: SignerOptions): (payload: string | Buffer | object) => string

export interface VerifierOptions extends VerifyOptions {
  key: Secret
  /** Keep up to N verified tokens (`true`: 1000), never past their exp/maxAge or before nbf. */
  cache?: number | boolean
}
/** The key and options bound once; each call verifies one token (throws like verify). */
export function createVerifier(options: VerifierOptions): (token: string) => JwtPayload | string | Jwt

/** jsonwebtoken's base error (name 'JsonWebTokenError'). */
export class JsonWebTokenError extends Error {
  constructor(message: string, error?: Error)
  inner?: Error
}
/** exp (or maxAge) passed; `expiredAt` is when. */
export class TokenExpiredError extends JsonWebTokenError {
  constructor(message: string, expiredAt: Date)
  expiredAt: Date
}
/** nbf not reached; `date` is when the token becomes active. */
export class NotBeforeError extends JsonWebTokenError {
  constructor(message: string, date: Date)
  date: Date
}

export type UnauthorizedErrorCode =
  | 'credentials_required'
  | 'credentials_bad_scheme'
  | 'credentials_bad_format'
  | 'invalid_token'
  | 'revoked_token'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'

/** express-jwt's error: status 401, `code` says why, `inner` is the cause. */
export class UnauthorizedError extends Error {
  constructor(code: UnauthorizedErrorCode, error: { message: string })
  readonly status: 401
  code: UnauthorizedErrorCode
  inner: { message: string } | Error
}

/** authorize(): authenticated but not allowed. status 403; code 'insufficient_scope' or 'forbidden'. */
export class ForbiddenError extends Error {
  constructor(message?: string, code?: string)
  readonly status: 403
  code: string
}

type Request = IncomingMessage & Record<string, any>
type Next = (err?: unknown) => void
export type Middleware = (req: Request, res: ServerResponse, next: Next) => void

export interface UnlessOptions {
  path?: string | RegExp | Array<string | RegExp | { url: string | RegExp; methods?: string[] }>
  method?: string | string[]
  ext?: string | string[]
  custom?: (req: Request) => boolean
  useOriginalUrl?: boolean
}

export interface JwtAuthMiddleware extends Middleware {
  /** express-unless: skip this middleware for some requests. */
  unless(options: UnlessOptions | ((req: Request) => boolean)): Middleware
}

export interface JwtAuthOptions extends Omit<VerifyOptions, 'complete'> {
  /** A key (see Secret) or `async (req, token) => key`. Default: process.env.JWT_SECRET. */
  secret?: Secret | ((req: Request, token: Jwt | null) => Secret | Promise<Secret>)
  /** Default true: a request without a token fails with credentials_required. */
  credentialsRequired?: boolean
  getToken?: (req: Request) => string | undefined | null | Promise<string | undefined | null>
  /** Where the payload goes on the request (dotted paths allowed). Default 'user'. */
  requestProperty?: string
  /**
   * Called after the signature and claims checked out, with the token that was verified
   * (its payload is the very object set on the request). Return true to refuse it.
   */
  isRevoked?: (req: Request, token: Jwt) => boolean | Promise<boolean>
  /**
   * Called for an expired token whose signature checked out; throw to refuse (the thrown
   * error goes to next), return to let the request through. The other claims (audience,
   * issuer, subject, jwtid, nonce) are still checked after it returns.
   */
  onExpired?: (req: Request, err: UnauthorizedError) => void | Promise<void>
  /** A remote JWK Set: https (or http to loopback), cached, re-fetched on an unknown kid. */
  jwksUri?: string
  /** Re-fetch bound for jwksUri (default 10 a minute). */
  jwksRequestsPerMinute?: number
  /** How long fetched keys are trusted, in ms (default 10 minutes). */
  jwksCacheMaxAge?: number
  /** Fetch timeout in ms (default 10000). */
  jwksTimeout?: number
  /** Read the token from this cookie when there is no Authorization header. */
  cookie?: string
  /**
   * The issuer. One http(s) URL with no secret and no jwksUri: its keys are discovered
   * (`/.well-known/openid-configuration`, then RFC 8414's `oauth-authorization-server`), and
   * the metadata's issuer must equal it. `iss` is always checked.
   */
  issuer?: string | string[]
  /** RFC 9068 access tokens: typ at+jwt and iss, exp, aud, sub, client_id, iat, jti required. */
  profile?: 'at+jwt'
  /** The allowed `typ` header values (case-insensitive, "application/" optional). */
  typ?: string | string[]
  /** RFC 9449 sender-constrained tokens: 'required' refuses Bearer tokens, 'allowed' takes both. */
  dpop?: 'required' | 'allowed'
  /** Where proof jtis are remembered: memory (default), an ioredis/node-redis client, or a custom store. */
  dpopStore?: DpopReplayStore | RedisLike | { redis: RedisLike; prefix?: string }
  /** Accepted proof age either side of now, in seconds (default 60). */
  dpopWindow?: number
  /** Server nonces (RFC 9449 §8); share `secret` across processes. `period` in seconds (300). */
  dpopNonce?: boolean | { secret?: string | Buffer; period?: number }
  /** Revoked tokens and subjects, checked from a local mirror. */
  revocations?: RevocationList
}

/** An ioredis or node-redis client (cluster clients included). */
export type RedisLike = object

/** A DPoP replay store: true the first time `key` is used within `ttlSeconds`. */
export interface DpopReplayStore {
  use(key: string, ttlSeconds: number): boolean | Promise<boolean>
}

export interface RevocationListOptions {
  /** Share the list through Redis (pub/sub keeps each process's mirror fresh). */
  redis?: RedisLike
  /** Key prefix (default 'rampart:revoked'). */
  prefix?: string
  /** Redis lost: false (default) → 503 with Retry-After; true → the last mirror and a 'failOpen' event. */
  failOpen?: boolean
  /** How long a subject cut-off is kept, in seconds (default 86400: the longest token lifetime). */
  maxTokenLifetime?: number
  /** Full reload period in ms, a bound on a missed message (default 30000). */
  pollInterval?: number
}

/** Revoked token ids and subjects; events 'unavailable', 'available', 'failOpen'. */
export class RevocationList extends EventEmitter {
  constructor(options?: RevocationListOptions)
  /** false while the Redis subscription is down. */
  readonly available: boolean
  revoke(jti: string, expSeconds: number): Promise<void>
  /** Every token of `sub` issued before `beforeSeconds` (default now): log out everywhere. */
  revokeSubject(sub: string, beforeSeconds?: number): Promise<void>
  isRevoked(payload: JwtPayload): boolean
  /** Resolves once the mirror has loaded from Redis. */
  ready(): Promise<void>
  close(): Promise<void>
}

/** express-jwt: verify the Bearer token (or cookie) and set req.user. */
export function jwtAuth(options?: JwtAuthOptions): JwtAuthMiddleware

export interface AuthorizeOptions {
  /** Read roles from this claim (dotted path; string is space-separated) instead of role/roles/scope. */
  claim?: string
  /** Require every listed role instead of any one. */
  all?: boolean
  /** Where jwtAuth put the user. Default 'user'. */
  requestProperty?: string
}

/**
 * Roles (any of, from the `role`, `roles`, `scope` or `scp` claims) or a predicate for
 * object-level checks. No user → UnauthorizedError (401); refused → ForbiddenError (403).
 */
export function authorize(
  rolesOrPredicate: string | string[] | ((user: JwtPayload, req: Request) => boolean | Promise<boolean>),
  options?: AuthorizeOptions,
): Middleware
