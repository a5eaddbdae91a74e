'use strict'
// Bounded label values. Prometheus keeps one series per label combination, so every label
// that a client can influence (the path, the reason text, a token's alg) is mapped onto a
// small known set, or capped: IPs and raw paths never become labels.

const JWT_ALGS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
])
const NO_ROUTE = 'none'
const OTHER = 'other'

/**
 * A short code for an event's reason. The reason texts carry client input (a rejected
 * origin, a validation message), so only their fixed leading part is kept.
 */
function reasonCode(event) {
  const reason = typeof event.reason === 'string' ? event.reason : ''
  switch (event.type) {
    case 'auth.failed': {
      // "invalid_token: jwt expired" → invalid_token (express-jwt's codes)
      const code = reason.split(':', 1)[0]
      return /^[a-z_]{1,40}$/.test(code) ? code : OTHER
    }
    case 'auth.forbidden':
      return reason.startsWith('predicate') ? 'predicate' : 'role'
    case 'validation.failed': {
      // "Validation failed: body ..." → body; a schema on the raw bytes → body
      const m = /^Validation failed: (body|query|params|headers)\b/.exec(reason)
      return m ? m[1] : 'body'
    }
    case 'body.rejected':
      return bodyCode(reason)
    case 'ratelimit.exceeded':
      return 'limit'
    case 'cors.rejected':
      return 'origin'
    case 'input.rejected':
      // hpp: "2 repeated parameter(s) collapsed"; mongoSanitize: an operator or dotted key
      return reason.includes('repeated parameter') ? 'parameter_pollution' : 'operator'
    default:
      return OTHER
  }
}

/** body.rejected reasons are "<status> <type>: <message>" (body-parser's types). */
function bodyCode(reason) {
  const m = /^(\d{3}) ([a-z.]{1,40}):/.exec(reason || '')
  return m ? m[2] : OTHER
}

/** The status that a body.rejected reason starts with, or undefined. */
function bodyStatus(reason) {
  const m = /^(\d{3}) /.exec(reason || '')
  return m ? Number(m[1]) : undefined
}

/** The Express route pattern (mount path + route path), never the raw path; 'none' before routing. */
function routePattern(req) {
  const route = req && req.route
  if (!route || route.path === undefined) return NO_ROUTE
  const base = typeof req.baseUrl === 'string' ? req.baseUrl : ''
  return base + String(route.path)
}

// A service's tokens share a handful of headers: each one is parsed once.
const algByHeader = new Map()
const MAX_HEADERS = 64

/** A token's header `alg` if it is one rampart knows, else 'other' (the header is client input). */
function tokenAlg(token) {
  if (typeof token !== 'string') return OTHER
  const dot = token.indexOf('.')
  if (dot < 1 || dot > 512) return OTHER
  const header = token.slice(0, dot)
  let alg = algByHeader.get(header)
  if (alg !== undefined) return alg
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    alg = parsed && JWT_ALGS.has(parsed.alg) ? parsed.alg : OTHER
  } catch {
    alg = OTHER
  }
  if (algByHeader.size >= MAX_HEADERS) algByHeader.delete(algByHeader.keys().next().value)
  algByHeader.set(header, alg)
  return alg
}

/** A verification's outcome from the error it threw (null: valid). */
function verificationResult(err) {
  if (err === null || err === undefined) return 'valid'
  if (err.name === 'TokenExpiredError') return 'expired'
  if (err.name === 'NotBeforeError') return 'not_before'
  return 'invalid'
}

/**
 * Caps the distinct values of a label: the first `max` seen pass through, later ones
 * become 'other' (route patterns are bounded by the app, but a mount path can hold a
 * parameter's value).
 */
function capped(max) {
  const seen = new Set()
  return (value) => {
    if (seen.has(value)) return value
    if (seen.size >= max) return OTHER
    seen.add(value)
    return value
  }
}

module.exports = {
  reasonCode,
  bodyCode,
  bodyStatus,
  routePattern,
  tokenAlg,
  verificationResult,
  capped,
  NO_ROUTE,
  OTHER,
  JWT_ALGS,
}
