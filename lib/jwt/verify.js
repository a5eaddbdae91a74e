'use strict'
// verify and createVerifier: jsonwebtoken's API over the native core. Per call, verify is a
// few property reads, one cached key lookup, one native call (structure, header, algorithm
// and signature, in that order; it returns the payload's JSON text or a status number),
// one JSON.parse and the claim checks.
const native = require('../native')
const { algMask } = require('./keys')
const { verifyKeyFor } = require('./key-cache')
const { checkClaims, validWindow } = require('./claims')
const { decodeHeader, readPayload } = require('./decode')
const { JsonWebTokenError } = require('./errors')
const { tables, statusMessage } = require('./tables')

const DEFAULT_MAX_TOKEN_LENGTH = 8192
const EMPTY = Object.freeze({})

function checkVerifyOptions(o) {
  if (o.clockTimestamp !== undefined && typeof o.clockTimestamp !== 'number') {
    throw new JsonWebTokenError('clockTimestamp must be a number')
  }
  if (o.nonce !== undefined && (typeof o.nonce !== 'string' || o.nonce.trim() === '')) {
    throw new JsonWebTokenError('nonce must be a non-empty string')
  }
  if (o.algorithms !== undefined && !Array.isArray(o.algorithms)) {
    throw new JsonWebTokenError('"algorithms" must be an array of algorithm names')
  }
  if (o.maxTokenLength !== undefined && !(Number.isInteger(o.maxTokenLength) && o.maxTokenLength > 0)) {
    throw new JsonWebTokenError('"maxTokenLength" must be a positive integer')
  }
}

function statusError(status, token, entry) {
  const { STATUS, ALG_INDEX, HS } = tables()
  if (status === STATUS.INVALID_ALGORITHM) {
    const header = decodeHeader(token)
    const index = header && ALG_INDEX[header.alg]
    if (index !== undefined && index !== null && entry.family === 'secret' && (1 << index) & HS) {
      if (!(entry.mask & (1 << index)) && entry.weak === undefined) {
        const need = [32, 48, 64][index]
        return new JsonWebTokenError(
          `the HMAC secret is ${entry.bits / 8} bytes; ${header.alg} needs at least ${need} (RFC 7518 §3.2). Use a longer secret, or allowInsecureKeySizes: true`,
        )
      }
    }
  }
  return new JsonWebTokenError(statusMessage(status))
}

/** A key from a JWK Set: by the token's kid, or the only key that fits when there is no kid. */
function selectFromSet(set, token) {
  const header = decodeHeader(token)
  if (header === null) throw new JsonWebTokenError('invalid token')
  if (typeof header.kid === 'string') {
    const entry = set.byKid.get(header.kid)
    if (entry === undefined) {
      const err = new JsonWebTokenError(`no key in the key set has kid "${header.kid.slice(0, 64)}"`)
      err.unknownKid = header.kid
      throw err
    }
    return entry
  }
  const index = tables().ALG_INDEX[header.alg]
  const fits = index === undefined ? [] : set.list.filter((entry) => entry.mask & (1 << index))
  if (set.list.length === 1) return set.list[0]
  if (fits.length === 1) return fits[0]
  throw new JsonWebTokenError(
    fits.length === 0 ? 'invalid algorithm' : 'the token has no kid and several keys in the key set fit it',
  )
}

function checkToken(token, maxLen) {
  if (typeof token !== 'string') {
    throw new JsonWebTokenError(token ? 'jwt must be a string' : 'jwt must be provided')
  }
  if (token.length === 0) throw new JsonWebTokenError('jwt must be provided')
  if (token.length > maxLen) {
    throw new JsonWebTokenError(`jwt too long: ${token.length} characters (maxTokenLength is ${maxLen})`)
  }
}

/**
 * The signature half of verify: structure, header, algorithm and signature in one native
 * call, which reads the token string once (a character outside ASCII refuses it), then
 * the payload parsed once. Everything later (claims, isRevoked, req.auth) gets this value.
 */
function verifySigned(token, entry, maxLen, optionMask) {
  checkToken(token, maxLen)
  if (entry.set === true) entry = selectFromSet(entry, token)
  if (entry.mask === 0) throw new JsonWebTokenError(entry.weak)
  const result = native.jwtVerify(entry.native, token, entry.mask & optionMask, maxLen)
  if (typeof result === 'number') throw statusError(result, token, entry)
  const payload = readPayload(result, token, false)
  if (payload === undefined) throw new JsonWebTokenError('invalid token')
  return payload
}

/** A verified token in jsonwebtoken's complete form, around the payload verify read. */
function completeToken(token, payload) {
  return {
    header: decodeHeader(token),
    payload,
    signature: token.slice(token.lastIndexOf('.') + 1),
  }
}

/** The core of verify: `entry` from verifyKeyFor, options checked, `optionMask` or -1. */
function verifyWith(token, entry, o, optionMask) {
  const payload = verifySigned(token, entry, o.maxTokenLength || DEFAULT_MAX_TOKEN_LENGTH, optionMask)
  checkClaims(payload, o, o.clockTimestamp || Math.floor(Date.now() / 1000))
  return o.complete ? completeToken(token, payload) : payload
}

function verifySync(token, key, o) {
  checkVerifyOptions(o)
  if (!key && key !== 0) {
    checkToken(token, o.maxTokenLength || DEFAULT_MAX_TOKEN_LENGTH)
    throw new JsonWebTokenError('secret or public key must be provided')
  }
  const entry = verifyKeyFor(key, o.allowInsecureKeySizes === true)
  return verifyWith(token, entry, o, o.algorithms ? algMask(o.algorithms) : -1)
}

/** jsonwebtoken.verify(token, key, options?, callback?). */
function verify(token, key, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = undefined
  }
  const o = options || EMPTY
  if (typeof callback !== 'function') {
    if (typeof key === 'function') {
      throw new JsonWebTokenError(
        'verify must be called asynchronous if secret or public key is provided as a callback',
      )
    }
    return verifySync(token, key, o)
  }
  if (typeof key === 'function') {
    const header = typeof token === 'string' ? decodeHeader(token) : null
    if (header === null) {
      let err
      try {
        verifySync(token, 'x'.repeat(32), o)
      } catch (e) {
        err = e
      }
      return callback(err || new JsonWebTokenError('invalid token'))
    }
    return key(header, (err, resolved) => {
      if (err) {
        return callback(new JsonWebTokenError('error in secret or public key callback: ' + err.message))
      }
      verify(token, resolved, o, callback)
    })
  }
  let payload
  try {
    payload = verifySync(token, key, o)
  } catch (err) {
    return callback(err)
  }
  return callback(null, payload)
}

/**
 * createVerifier({ key, ...verifyOptions, cache? }) → (token) => payload. The key and the
 * options are checked once. With `cache: N`, up to N verified tokens are kept (oldest out
 * first) and returned again while they are inside their exp/nbf/maxAge window.
 */
function createVerifier(options) {
  if (!options || typeof options !== 'object') {
    throw new TypeError('createVerifier(options): options must be an object with a key')
  }
  const { key, cache, ...o } = options
  checkVerifyOptions(o)
  if (typeof key === 'function') {
    throw new TypeError('createVerifier: key must be a key, not a function (use verify with a callback)')
  }
  if (!key) throw new JsonWebTokenError('secret or public key must be provided')
  const entry = verifyKeyFor(key, o.allowInsecureKeySizes === true)
  if (entry.set !== true && entry.mask === 0) throw new JsonWebTokenError(entry.weak)
  const optionMask = o.algorithms ? algMask(o.algorithms) : -1
  if (entry.set !== true && (entry.mask & optionMask) === 0) {
    throw new JsonWebTokenError(
      `none of the algorithms [${o.algorithms.join(', ')}] can be used with this ${entry.family} key`,
    )
  }
  const frozen = Object.freeze({ ...o })
  if (!cache) return (token) => verifyWith(token, entry, frozen, optionMask)
  const size = cache === true ? 1000 : cache
  if (!(Number.isInteger(size) && size > 0)) {
    throw new TypeError('createVerifier: cache must be true or a positive integer (how many tokens)')
  }
  const verified = new Map()
  return function verifyCached(token) {
    const hit = verified.get(token)
    if (hit !== undefined) {
      const now = frozen.clockTimestamp || Math.floor(Date.now() / 1000)
      if (now < hit.until && now >= hit.from) return hit.value
      verified.delete(token)
    }
    const value = verifyWith(token, entry, frozen, optionMask)
    const payload = frozen.complete ? value.payload : value
    const window = validWindow(payload, frozen, frozen.clockTimestamp || Math.floor(Date.now() / 1000))
    if (verified.size >= size) verified.delete(verified.keys().next().value)
    verified.set(token, { value, from: window.from, until: window.until })
    return value
  }
}

module.exports = {
  verify,
  createVerifier,
  verifyWith,
  verifySigned,
  completeToken,
  checkVerifyOptions,
  DEFAULT_MAX_TOKEN_LENGTH,
}
