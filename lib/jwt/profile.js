'use strict'
// jwtAuth's `profile: 'at+jwt'` (RFC 9068) and `typ` options: checks on the verified token's
// header and claims, compiled once. RFC 8725 §3.11: explicit typing keeps one kind of JWT
// from being accepted as another (an ID token, typ "JWT", is not an access token).
const { JsonWebTokenError } = require('./errors')

const AT_JWT_CLAIMS = [
  ['iss', 'string'],
  ['exp', 'number'],
  ['aud', 'audience'],
  ['sub', 'string'],
  ['client_id', 'string'],
  ['iat', 'number'],
  ['jti', 'string'],
]

// Media types compare case-insensitively, and "application/" may be left out (RFC 7515 §4.1.9).
function normaliseTyp(typ) {
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice(12) : lower
}

function hasType(value, type) {
  if (type === 'audience') {
    return typeof value === 'string' || (Array.isArray(value) && value.length > 0)
  }
  return typeof value === type
}

/**
 * A `(header, payload) => void` that throws a JsonWebTokenError, or null when neither
 * option is set. Throws a TypeError at start-up on a bad option.
 */
function compileProfile(o) {
  if (o.profile === undefined && o.typ === undefined) return null
  if (o.profile !== undefined && o.profile !== 'at+jwt') {
    throw new TypeError("jwtAuth: profile must be 'at+jwt' (RFC 9068 access tokens)")
  }
  let typs = null
  if (o.typ !== undefined) {
    const list = Array.isArray(o.typ) ? o.typ : [o.typ]
    if (list.length === 0 || !list.every((t) => typeof t === 'string' && t !== '')) {
      throw new TypeError('jwtAuth: typ must be a non-empty string or array of strings')
    }
    typs = new Set(list.map(normaliseTyp))
  }
  const profile = o.profile === 'at+jwt'
  if (profile) {
    if (typs !== null && !typs.has('at+jwt')) {
      throw new TypeError("jwtAuth: profile 'at+jwt' needs typ at+jwt; leave typ out or include 'at+jwt'")
    }
    typs = typs || new Set(['at+jwt'])
    // RFC 9068 §4: the resource server must check aud against itself and iss exactly.
    if (o.audience === undefined)
      throw new TypeError("jwtAuth: profile 'at+jwt' needs audience (RFC 9068 §4)")
    if (o.issuer === undefined) throw new TypeError("jwtAuth: profile 'at+jwt' needs issuer (RFC 9068 §4)")
  }
  const expected = [...typs].join(' or ')
  return function checkProfile(header, payload) {
    const typ = header && header.typ
    if (typeof typ !== 'string' || !typs.has(normaliseTyp(typ))) {
      throw new JsonWebTokenError(
        `jwt typ invalid. expected: ${expected}${profile && typ === 'JWT' ? ' (an ID token is not an access token)' : ''}`,
      )
    }
    if (!profile) return
    for (const [claim, type] of AT_JWT_CLAIMS) {
      if (!hasType(payload[claim], type)) {
        throw new JsonWebTokenError(`jwt ${claim} missing or invalid (RFC 9068 requires it)`)
      }
    }
  }
}

module.exports = { compileProfile, normaliseTyp }
