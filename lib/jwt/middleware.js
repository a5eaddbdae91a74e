'use strict'
// jwtAuth: express-jwt's options, codes and request property, plus cookie and jwksUri.
// Written against node:http req/res only. With a fixed secret the hot path is synchronous:
// read the header, one verify, set req.user, next().
const { algMask } = require('./keys')
const { verifyKeyFor } = require('./key-cache')
const { verifySigned, completeToken, checkVerifyOptions, DEFAULT_MAX_TOKEN_LENGTH } = require('./verify')
const { checkClaims } = require('./claims')
const { decode, decodeHeader } = require('./decode')
const { isThenable, setPath } = require('./util')
const { unless } = require('./unless')
const { JwksClient } = require('./jwks')
const { IssuerDiscovery, isDiscoverable } = require('./discovery')
const { compileProfile } = require('./profile')
const { createDpop } = require('./dpop')
const { RevocationList } = require('./revocation')
const { HttpError } = require('../errors/http-error')
const { cookieCsrfWarning } = require('../csrf/guard')
const { JsonWebTokenError, TokenExpiredError, UnauthorizedError } = require('./errors')
const { tables } = require('./tables')
const { report, taps, tap } = require('../events')
const { toDictionaryMode } = require('../dictionary-mode')

const VERIFY_OPTIONS = [
  'algorithms',
  'audience',
  'issuer',
  'subject',
  'jwtid',
  'clockTolerance',
  'clockTimestamp',
  'maxAge',
  'nonce',
  'ignoreExpiration',
  'ignoreNotBefore',
  'allowInsecureKeySizes',
  'maxTokenLength',
]
const MIDDLEWARE_OPTIONS = [
  'secret',
  'credentialsRequired',
  'getToken',
  'requestProperty',
  'isRevoked',
  'onExpired',
  'jwksUri',
  'jwksRequestsPerMinute',
  'jwksCacheMaxAge',
  'jwksTimeout',
  'cookie',
  'profile',
  'typ',
  'dpop',
  'dpopStore',
  'dpopWindow',
  'dpopNonce',
  'revocations',
]
const KNOWN = new Set([...VERIFY_OPTIONS, ...MIDDLEWARE_OPTIONS])
const BAD_FORMAT = { message: 'Format is Authorization: Bearer [token]' }
const NO_TOKEN = { message: 'No authorization token was found' }
const REVOKED = { message: 'The token has been revoked.' }
const RETRY_AFTER = 1

function fail(req, next, code, inner) {
  report('auth.failed', req, inner && inner.message ? `${code}: ${inner.message}` : code)
  next(new UnauthorizedError(code, inner))
}

function readCookie(req, name) {
  if (req.cookies && typeof req.cookies[name] === 'string') return req.cookies[name]
  const header = req.headers && req.headers.cookie
  if (typeof header !== 'string') return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      return value.includes('%') ? decodeURIComponent(value) : value
    } catch {
      return value
    }
  }
  return undefined
}

function resolveStaticKey(options) {
  let secret = options.secret
  if (secret === undefined || secret === null) {
    secret = process.env.JWT_SECRET
    if (!secret) {
      throw new TypeError(
        'jwtAuth: no key to verify tokens with. Pass { secret } (a secret, PEM, JWK or KeyObject, or async (req, token) => key), { jwksUri }, or set the JWT_SECRET environment variable to at least 32 random bytes (e.g. `openssl rand -base64 48`)',
      )
    }
  }
  const entry = verifyKeyFor(secret, options.allowInsecureKeySizes === true)
  if (entry.set !== true && entry.mask === 0) {
    const from = options.secret === undefined ? 'JWT_SECRET: ' : ''
    throw new TypeError(`jwtAuth: ${from}${entry.weak}`)
  }
  return entry
}

/**
 * jwtAuth(options): express-jwt's middleware. Reads the token from `Authorization: Bearer`
 * (or `options.cookie`, or `options.getToken(req)`), verifies it, and sets
 * `req[requestProperty]` (default `'user'`) to its payload. Failures call next() with an
 * UnauthorizedError (status 401) and report `auth.failed`.
 */
function jwtAuth(options) {
  const o = options || {}
  for (const name of Object.keys(o)) {
    if (!KNOWN.has(name)) {
      throw new TypeError(`jwtAuth: unknown option "${name}" (rampart does not implement it)`)
    }
  }
  if (o.algorithms !== undefined && !Array.isArray(o.algorithms)) {
    throw new RangeError('jwtAuth: `algorithms` must be an array')
  }
  for (const fn of ['getToken', 'isRevoked', 'onExpired']) {
    if (o[fn] !== undefined && typeof o[fn] !== 'function') {
      throw new TypeError(`jwtAuth: ${fn} must be a function`)
    }
  }
  if (o.cookie !== undefined && (typeof o.cookie !== 'string' || o.cookie === '')) {
    throw new TypeError('jwtAuth: cookie must be the name of the cookie that carries the token')
  }
  const vo = {}
  for (const name of VERIFY_OPTIONS) if (o[name] !== undefined) vo[name] = o[name]
  try {
    checkVerifyOptions(vo)
  } catch (err) {
    throw new TypeError(`jwtAuth: ${err.message}`)
  }
  Object.freeze(vo)
  // Touches the addon now, whatever the key source: with jwksUri or a secret function no key
  // is built until a request comes, and a missing addon must fail at start-up instead.
  tables()
  const optionMask = vo.algorithms ? algMask(vo.algorithms) : -1
  const credentialsRequired = o.credentialsRequired === undefined ? true : !!o.credentialsRequired
  const requestProperty = typeof o.requestProperty === 'string' ? o.requestProperty : 'user'
  const { getToken, isRevoked, onExpired, cookie } = o

  const checkProfile = compileProfile(o)
  const dpop = o.dpop !== undefined ? createDpop(o) : null
  const revocations = o.revocations === undefined ? null : o.revocations
  if (revocations !== null && !(revocations instanceof RevocationList)) {
    throw new TypeError('jwtAuth: revocations must be a RevocationList')
  }
  const warnUnguardedCookie = cookie !== undefined ? cookieCsrfWarning(cookie) : null

  let staticEntry = null
  let jwks = null
  const secretFn = typeof o.secret === 'function' ? o.secret : null
  const fetchOptions = {
    requestsPerMinute: o.jwksRequestsPerMinute,
    cacheMaxAge: o.jwksCacheMaxAge,
    timeout: o.jwksTimeout,
    allowInsecureKeySizes: vo.allowInsecureKeySizes,
  }
  if (o.jwksUri !== undefined) {
    if (o.secret !== undefined) throw new TypeError('jwtAuth: pass either secret or jwksUri, not both')
    jwks = new JwksClient(o.jwksUri, fetchOptions)
  } else if (o.secret === undefined && isDiscoverable(o.issuer)) {
    // One issuer URL and no key: OpenID discovery, with iss pinned by the issuer option.
    jwks = new IssuerDiscovery(o.issuer, fetchOptions)
  } else if (secretFn === null) {
    staticEntry = resolveStaticKey(o)
    if (staticEntry.set !== true && (staticEntry.mask & optionMask) === 0) {
      throw new TypeError(
        `jwtAuth: none of the algorithms [${vo.algorithms.join(', ')}] can be used with this ${staticEntry.family} key`,
      )
    }
  }

  const maxLen = vo.maxTokenLength || DEFAULT_MAX_TOKEN_LENGTH
  // The claims still checked when onExpired lets an expired token through: everything
  // but the expiry (express-jwt checks none of them, since jsonwebtoken stops at exp).
  const afterExpired = Object.freeze({ ...vo, ignoreExpiration: true, maxAge: undefined })

  // One reading per token: the payload the native core verified is the one object that
  // the claims, isRevoked and req[requestProperty] see; nothing parses the token again.
  function check(req, res, next, token, entry, scheme) {
    let payload
    try {
      payload = verifySigned(token, entry, maxLen, optionMask)
      if (checkProfile !== null) checkProfile(decodeHeader(token), payload)
      checkClaims(payload, vo, vo.clockTimestamp || Math.floor(Date.now() / 1000))
    } catch (err) {
      if (taps.jwt) tap('jwt', token, err)
      if (err instanceof TokenExpiredError && onExpired !== undefined && payload !== undefined) {
        return expired(req, res, next, token, payload, err, scheme)
      }
      return rejected(req, res, next, err, scheme)
    }
    if (taps.jwt) tap('jwt', token, null)
    verified(req, res, next, token, payload, scheme)
  }

  // After the signature and claims: the DPoP proof (when configured), then accept. Every
  // path that lets a token through comes here, onExpired's included.
  function verified(req, res, next, token, payload, scheme) {
    if (dpop !== null) {
      const proof = dpop.check(req, res, scheme, token, payload)
      if (proof !== undefined) {
        if (!isThenable(proof)) return dpopFailed(req, res, next, proof)
        proof.then(
          (e) => (e === undefined ? accept(req, res, next, token, payload) : dpopFailed(req, res, next, e)),
          next,
        )
        return
      }
    }
    accept(req, res, next, token, payload)
  }

  function dpopFailed(req, res, next, err) {
    if (res && typeof res.setHeader === 'function') {
      if (err.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER))
      else res.setHeader('WWW-Authenticate', err.challenge)
    }
    report('auth.failed', req, `${err.code}: ${err.message}`)
    next(err)
  }

  // After the token is verified: isRevoked (given that verified token), then set the
  // request property.
  function accept(req, res, next, token, payload) {
    if (revocations !== null) {
      if (!revocations.available && !revocations.serveStale()) return unavailable(req, res, next)
      if (revocations.isRevoked(payload)) return fail(req, next, 'revoked_token', REVOKED)
    }
    if (isRevoked !== undefined) {
      let revoked
      try {
        revoked = isRevoked(req, completeToken(token, payload))
      } catch (err) {
        return next(err)
      }
      if (isThenable(revoked)) {
        return revoked.then(
          (r) => (r ? fail(req, next, 'revoked_token', REVOKED) : done(req, next, payload)),
          next,
        )
      }
      if (revoked) return fail(req, next, 'revoked_token', REVOKED)
    }
    done(req, next, payload)
  }

  function done(req, next, payload) {
    setPath(req, requestProperty, payload)
    next()
  }

  // Revocations cannot be checked (Redis lost, failOpen false): 503, retry shortly.
  function unavailable(req, res, next) {
    report('auth.failed', req, 'revocation_unavailable: the revocation list is not synchronised')
    if (res && typeof res.setHeader === 'function') res.setHeader('Retry-After', String(RETRY_AFTER))
    next(
      new HttpError(503, 'The revocation list is unavailable', {
        code: 'revocation_unavailable',
        retryAfter: RETRY_AFTER,
      }),
    )
  }

  function rejected(req, res, next, err, scheme) {
    report('auth.failed', req, `invalid_token: ${err.message}`)
    if (scheme === 'dpop' && res && typeof res.setHeader === 'function') {
      res.setHeader('WWW-Authenticate', 'DPoP error="invalid_token"')
    }
    next(new UnauthorizedError('invalid_token', err))
  }

  // express-jwt: `await onExpired(req, err)`; a throw refuses the request with what was
  // thrown, a return lets it through (isRevoked still runs). The signature was verified.
  function expired(req, res, next, token, payload, err, scheme) {
    const wrapped = new UnauthorizedError('invalid_token', err)
    Promise.resolve()
      .then(() => onExpired(req, wrapped))
      .then(() => {
        try {
          checkClaims(payload, afterExpired, vo.clockTimestamp || Math.floor(Date.now() / 1000))
        } catch (e) {
          return rejected(req, res, next, e, scheme)
        }
        verified(req, res, next, token, payload, scheme)
      }, next)
  }

  // Verification with a key that is only known per request (secret function or JWKS).
  async function verifyAsync(req, res, next, token, scheme) {
    let entry
    try {
      if (jwks !== null) {
        const header = decodeHeader(token)
        if (header === null)
          throw new JsonWebTokenError(token.includes('.') ? 'invalid token' : 'jwt malformed')
        entry = await jwks.getKey(header)
      } else {
        const key = await secretFn(req, decode(token, { complete: true }))
        entry = verifyKeyFor(key, vo.allowInsecureKeySizes === true)
      }
    } catch (err) {
      return rejected(
        req,
        res,
        next,
        err instanceof JsonWebTokenError ? err : new JsonWebTokenError(err.message, err),
        scheme,
      )
    }
    check(req, res, next, token, entry, scheme)
  }

  function withToken(req, res, next, token, scheme) {
    if (!token) {
      if (credentialsRequired) {
        // RFC 9449 §7.1: tell the client that DPoP is accepted (or the only way in).
        if (dpop !== null && res && typeof res.setHeader === 'function')
          res.setHeader('WWW-Authenticate', dpop.challenge)
        return fail(req, next, 'credentials_required', NO_TOKEN)
      }
      return next()
    }
    if (staticEntry === null) {
      verifyAsync(req, res, next, token, scheme).catch(next)
      return
    }
    check(req, res, next, token, staticEntry, scheme)
  }

  const middleware = function jwtAuthMiddleware(req, res, next) {
    toDictionaryMode(req, res)
    const headers = req.headers || {}
    if (req.method === 'OPTIONS' && typeof headers['access-control-request-headers'] === 'string') {
      const asked = headers['access-control-request-headers'].split(',').map((h) => h.trim().toLowerCase())
      if (asked.includes('authorization')) return next()
    }
    if (getToken !== undefined) {
      let token
      try {
        token = getToken(req)
      } catch (err) {
        return next(err)
      }
      if (isThenable(token)) {
        token.then((t) => withToken(req, res, next, t, 'bearer'), next)
        return
      }
      return withToken(req, res, next, token, 'bearer')
    }
    // As express-jwt: a capitalised `Authorization` key (lambda adapters build such header
    // objects) is read first when present.
    const authorization = 'Authorization' in headers ? headers.Authorization : headers.authorization
    if (authorization) {
      const space = authorization.indexOf(' ')
      if (space < 0 || authorization.indexOf(' ', space + 1) >= 0) {
        return fail(req, next, 'credentials_bad_format', BAD_FORMAT)
      }
      const scheme = authorization.slice(0, space).toLowerCase()
      if (scheme !== 'bearer' && (dpop === null || scheme !== 'dpop')) {
        if (credentialsRequired) return fail(req, next, 'credentials_bad_scheme', BAD_FORMAT)
        return next()
      }
      return withToken(req, res, next, authorization.slice(space + 1), scheme)
    }
    const fromCookie = cookie !== undefined ? readCookie(req, cookie) : undefined
    if (fromCookie !== undefined && warnUnguardedCookie !== null) warnUnguardedCookie(req)
    return withToken(req, res, next, fromCookie, 'bearer')
  }
  middleware.unless = (opts) => unless(middleware, opts)
  return middleware
}

/** express-unless's `.unless({ path, method, ext, custom, useOriginalUrl })`, the common part. */

module.exports = { jwtAuth }
