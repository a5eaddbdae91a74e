'use strict'
// The registered-claim checks of jsonwebtoken.verify, in its order and with its messages.
// They run after the signature checked out, on the parsed payload, with "now" from
// JavaScript (options.clockTimestamp or Date.now()).
const { JsonWebTokenError, TokenExpiredError, NotBeforeError } = require('./errors')
const { timespan } = require('./ms')

const MAX_AGE_MESSAGE =
  '"maxAge" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'

/** Throws the first failed check, or returns nothing. */
function checkClaims(payload, o, now) {
  const tolerance = o.clockTolerance || 0
  const nbf = payload.nbf
  if (nbf !== undefined && !o.ignoreNotBefore) {
    if (typeof nbf !== 'number') throw new JsonWebTokenError('invalid nbf value')
    if (nbf > now + tolerance) throw new NotBeforeError('jwt not active', new Date(nbf * 1000))
  }
  const exp = payload.exp
  if (exp !== undefined && !o.ignoreExpiration) {
    if (typeof exp !== 'number') throw new JsonWebTokenError('invalid exp value')
    if (now >= exp + tolerance) throw new TokenExpiredError('jwt expired', new Date(exp * 1000))
  }
  if (o.audience !== undefined) checkAudience(payload.aud, o.audience)
  if (o.issuer !== undefined) {
    const iss = payload.iss
    const bad = Array.isArray(o.issuer) ? !o.issuer.includes(iss) : iss !== o.issuer
    if (bad) throw new JsonWebTokenError('jwt issuer invalid. expected: ' + o.issuer)
  }
  if (o.subject !== undefined && payload.sub !== o.subject) {
    throw new JsonWebTokenError('jwt subject invalid. expected: ' + o.subject)
  }
  if (o.jwtid !== undefined && payload.jti !== o.jwtid) {
    throw new JsonWebTokenError('jwt jwtid invalid. expected: ' + o.jwtid)
  }
  if (o.nonce !== undefined && payload.nonce !== o.nonce) {
    throw new JsonWebTokenError('jwt nonce invalid. expected: ' + o.nonce)
  }
  if (o.maxAge !== undefined) {
    if (typeof payload.iat !== 'number') {
      throw new JsonWebTokenError('iat required when maxAge is specified')
    }
    const limit = timespan(o.maxAge, payload.iat, now)
    if (limit === undefined) throw new JsonWebTokenError(MAX_AGE_MESSAGE)
    if (now >= limit + tolerance) {
      throw new TokenExpiredError('maxAge exceeded', new Date(limit * 1000))
    }
  }
}

function checkAudience(aud, expected) {
  if (typeof expected === 'string' && aud === expected) return // the common case, no arrays
  const audiences = Array.isArray(expected) ? expected : [expected]
  const targets = Array.isArray(aud) ? aud : [aud]
  for (const target of targets) {
    for (const a of audiences) {
      if (a instanceof RegExp ? typeof target === 'string' && testRegExp(a, target) : a === target) {
        return
      }
    }
  }
  throw new JsonWebTokenError('jwt audience invalid. expected: ' + audiences.join(' or '))
}

// A global or sticky RegExp keeps lastIndex between calls; reset it so that one check does
// not change the next.
function testRegExp(re, text) {
  re.lastIndex = 0
  return re.test(text)
}

/**
 * Seconds (in the token's clock) until which a verified payload stays valid under `o`:
 * used by the verified-token cache so that a cached token never outlives its `exp`, its
 * `maxAge`, or starts before its `nbf`.
 */
function validWindow(payload, o, now) {
  const tolerance = o.clockTolerance || 0
  let until = Infinity
  if (typeof payload.exp === 'number' && !o.ignoreExpiration) until = payload.exp + tolerance
  if (o.maxAge !== undefined && typeof payload.iat === 'number') {
    const limit = timespan(o.maxAge, payload.iat, now)
    if (limit !== undefined) until = Math.min(until, limit + tolerance)
  }
  let from = -Infinity
  if (typeof payload.nbf === 'number' && !o.ignoreNotBefore) from = payload.nbf - tolerance
  return { from, until }
}

module.exports = { checkClaims, validWindow }
