'use strict'
// sign, verify, decode, createSigner and createVerifier: jsonwebtoken's API over the native
// core. Per call, verify is a few property reads, one cached key lookup, one native call
// (structure, header, algorithm and signature, in that order; it returns the payload's
// JSON text or a status number), one JSON.parse and the claim checks.
const native = require('../native')
const { algMask, verifyKeyFor, signKeyFor, ALGS, ALG_INDEX, HS } = require('./keys')
const { checkClaims, validWindow } = require('./claims')
const { timespan } = require('./ms')
const { JsonWebTokenError, STATUS, STATUS_MESSAGES } = require('./errors')

const DEFAULT_MAX_TOKEN_LENGTH = 8192
const EMPTY = Object.freeze({})

// ---------------------------------------------------------------- decoding (no trust)

const SEGMENT = /^[A-Za-z0-9_-]+$/
const headerCache = new Map()

function parseJsonObject(text) {
  try {
    const value = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

/** The token's header as an object, or null. Cached by its encoded form (it rarely varies). */
function decodeHeader(token) {
  const dot = token.indexOf('.')
  if (dot <= 0) return null
  const encoded = token.slice(0, dot)
  let header = headerCache.get(encoded)
  if (header === undefined) {
    header = SEGMENT.test(encoded)
      ? parseJsonObject(Buffer.from(encoded, 'base64url').toString('utf8'))
      : null
    if (headerCache.size >= 256) headerCache.clear()
    headerCache.set(encoded, header)
  }
  return header === null ? null : { ...header }
}

/** jsonwebtoken.decode: the payload (or `{ header, payload, signature }`), unverified. */
function decode(token, options) {
  const o = options || EMPTY
  if (typeof token !== 'string' || token.length > (o.maxTokenLength || 1 << 20)) return null
  const parts = token.split('.')
  if (parts.length !== 3 || !SEGMENT.test(parts[1])) return null
  if (parts[2] !== '' && !SEGMENT.test(parts[2])) return null
  const header = decodeHeader(token)
  if (header === null) return null
  const text = Buffer.from(parts[1], 'base64url').toString('utf8')
  let payload = text
  try {
    const value = JSON.parse(text)
    if (value !== null && typeof value === 'object') payload = value
  } catch {
    if (header.typ === 'JWT' || o.json) return null
  }
  return o.complete ? { header, payload, signature: parts[2] } : payload
}

// ---------------------------------------------------------------- verify

function parsePayload(text) {
  // A JSON object is the common case; a non-JSON or non-object payload is returned as
  // its text, as jsonwebtoken does for tokens signed over a string.
  if (text.charCodeAt(0) === 123 /* { */) {
    try {
      return JSON.parse(text)
    } catch {
      throw new JsonWebTokenError('invalid token')
    }
  }
  try {
    const value = JSON.parse(text)
    return value !== null && typeof value === 'object' ? value : text
  } catch {
    return text
  }
}

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
  return new JsonWebTokenError(STATUS_MESSAGES[status] || 'invalid token')
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
  const index = ALG_INDEX[header.alg]
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

/** The core of verify: `entry` from verifyKeyFor, options checked, `optionMask` or -1. */
function verifyWith(token, entry, o, optionMask) {
  const maxLen = o.maxTokenLength || DEFAULT_MAX_TOKEN_LENGTH
  checkToken(token, maxLen)
  if (entry.set === true) entry = selectFromSet(entry, token)
  if (entry.mask === 0) throw new JsonWebTokenError(entry.weak)
  const result = native.jwtVerify(entry.native, token, entry.mask & optionMask, maxLen)
  if (typeof result === 'number') throw statusError(result, token, entry)
  const payload = parsePayload(result)
  checkClaims(payload, o, o.clockTimestamp || Math.floor(Date.now() / 1000))
  if (o.complete) {
    return {
      header: decodeHeader(token),
      payload,
      signature: token.slice(token.lastIndexOf('.') + 1),
    }
  }
  return payload
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

// ---------------------------------------------------------------- sign

const SIGN_OPTIONS = {
  expiresIn: [
    (v) => Number.isInteger(v) || (typeof v === 'string' && v !== ''),
    '"expiresIn" should be a number of seconds or string representing a timespan',
  ],
  notBefore: [
    (v) => Number.isInteger(v) || (typeof v === 'string' && v !== ''),
    '"notBefore" should be a number of seconds or string representing a timespan',
  ],
  audience: [(v) => typeof v === 'string' || Array.isArray(v), '"audience" must be a string or array'],
  algorithm: [
    (v) => ALG_INDEX[v] !== undefined || v === 'none',
    '"algorithm" must be a valid string enum value',
  ],
  header: [isPlainObject, '"header" must be an object'],
  encoding: [(v) => typeof v === 'string', '"encoding" must be a string'],
  issuer: [(v) => typeof v === 'string', '"issuer" must be a string'],
  subject: [(v) => typeof v === 'string', '"subject" must be a string'],
  jwtid: [(v) => typeof v === 'string', '"jwtid" must be a string'],
  noTimestamp: [(v) => typeof v === 'boolean', '"noTimestamp" must be a boolean'],
  keyid: [(v) => typeof v === 'string', '"keyid" must be a string'],
  mutatePayload: [(v) => typeof v === 'boolean', '"mutatePayload" must be a boolean'],
  allowInsecureKeySizes: [(v) => typeof v === 'boolean', '"allowInsecureKeySizes" must be a boolean'],
  allowInvalidAsymmetricKeyTypes: [
    (v) => typeof v === 'boolean',
    '"allowInvalidAsymmetricKeyTypes" must be a boolean',
  ],
}
const CLAIM_TYPES = {
  iat: '"iat" should be a number of seconds',
  exp: '"exp" should be a number of seconds',
  nbf: '"nbf" should be a number of seconds',
}
const OPTIONS_TO_PAYLOAD = { audience: 'aud', issuer: 'iss', subject: 'sub', jwtid: 'jti' }
const OBJECT_ONLY = ['expiresIn', 'notBefore', 'noTimestamp', 'audience', 'issuer', 'subject', 'jwtid']

function isPlainObject(v) {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === null || proto === Object.prototype
}

function validateSignOptions(options) {
  if (!isPlainObject(options)) throw new Error('Expected "options" to be a plain object.')
  for (const name of Object.keys(options)) {
    const rule = SIGN_OPTIONS[name]
    if (rule === undefined) throw new Error(`"${name}" is not allowed in "options"`)
    if (options[name] !== undefined && !rule[0](options[name])) throw new Error(rule[1])
  }
}

function defaultAlgorithm(entry) {
  if (entry.family === 'rsa') return 'RS256'
  if (entry.family === 'ed25519') return 'EdDSA'
  if (entry.family === 'ec') return ALGS[31 - Math.clz32(entry.mask)]
  return 'HS256'
}

function keyMismatch(alg, index, entry) {
  const bit = 1 << index
  if (entry.family === 'secret' && !(bit & HS)) {
    return `secretOrPrivateKey must be an asymmetric key when using ${alg}`
  }
  if (entry.family !== 'secret' && bit & HS) {
    return `secretOrPrivateKey must be a symmetric key when using ${alg}`
  }
  if (entry.family === 'rsa' && entry.weak) {
    return `secretOrPrivateKey has a minimum key size of 2048 bits for ${alg}`
  }
  if (entry.family === 'secret') {
    return (
      entry.weak ||
      `the HMAC secret is ${entry.bits / 8} bytes; ${alg} needs at least ${[32, 48, 64][index]} (RFC 7518 §3.2). Use a longer secret, or allowInsecureKeySizes: true`
    )
  }
  return `"alg" parameter "${alg}" cannot be used with this ${entry.family} key (it signs with ${defaultAlgorithm(entry)})`
}

const headerB64 = new Map()
function encodeHeader(header) {
  const json = JSON.stringify(header)
  let b64 = headerB64.get(json)
  if (b64 === undefined) {
    b64 = Buffer.from(json, 'utf8').toString('base64url')
    if (headerB64.size >= 256) headerB64.clear()
    headerB64.set(json, b64)
  }
  return b64
}
// The default header of each algorithm, encoded once.
const DEFAULT_HEADERS = ALGS.map((alg) => encodeHeader({ alg, typ: 'JWT' }))

/** Builds and signs a token with a resolved key entry (jsonwebtoken.sign's semantics). */
function signWith(payload, entry, options, validated) {
  if (!validated && options !== EMPTY) validateSignOptions(options)
  // As jsonwebtoken: options.header.alg, when given, wins over options.algorithm.
  const headerAlg = options.header !== undefined ? options.header.alg : undefined
  const alg = headerAlg || options.algorithm || defaultAlgorithm(entry)
  if (alg === 'none') {
    throw new Error('rampart never signs with "none": use HS256 with a strong secret, or a key pair')
  }
  const index = ALG_INDEX[alg]
  if (index === undefined) throw new Error('"algorithm" must be a valid string enum value')
  if (entry.mask === 0 && entry.family === 'secret') throw new Error(entry.weak)
  if (!(entry.mask & (1 << index))) throw new Error(keyMismatch(alg, index, entry))
  if (payload === undefined) throw new Error('payload is required')
  const isObject = typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload)
  if (isObject) {
    if (!isPlainObject(payload)) throw new Error('Expected "payload" to be a plain object.')
    for (const claim in CLAIM_TYPES) {
      const v = payload[claim]
      if (v !== undefined && typeof v !== 'number') throw new Error(CLAIM_TYPES[claim])
    }
    if (!options.mutatePayload) payload = Object.assign({}, payload)
  } else {
    const invalid = OBJECT_ONLY.filter((name) => options[name] !== undefined)
    if (invalid.length > 0) {
      throw new Error(`invalid ${invalid.join(',')} option for ${typeof payload} payload`)
    }
  }
  if (payload.exp !== undefined && options.expiresIn !== undefined) {
    throw new Error('Bad "options.expiresIn" option the payload already has an "exp" property.')
  }
  if (payload.nbf !== undefined && options.notBefore !== undefined) {
    throw new Error('Bad "options.notBefore" option the payload already has an "nbf" property.')
  }
  if (isObject) {
    const now = Math.floor(Date.now() / 1000)
    const timestamp = payload.iat || now
    if (options.noTimestamp) delete payload.iat
    else payload.iat = timestamp
    if (options.notBefore !== undefined) {
      payload.nbf = timespan(options.notBefore, timestamp, now)
      if (payload.nbf === undefined) {
        throw new Error(
          '"notBefore" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60',
        )
      }
    }
    if (options.expiresIn !== undefined) {
      payload.exp = timespan(options.expiresIn, timestamp, now)
      if (payload.exp === undefined) {
        throw new Error(
          '"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60',
        )
      }
    }
    for (const name in OPTIONS_TO_PAYLOAD) {
      if (options[name] === undefined) continue
      const claim = OPTIONS_TO_PAYLOAD[name]
      if (payload[claim] !== undefined) {
        throw new Error(`Bad "options.${name}" option. The payload already has an "${claim}" property.`)
      }
      payload[claim] = options[name]
    }
  }
  const header =
    options.header === undefined && options.keyid === undefined
      ? isObject
        ? DEFAULT_HEADERS[index]
        : encodeHeader({ alg })
      : encodeHeader(
          Object.assign({ alg, typ: isObject ? 'JWT' : undefined, kid: options.keyid }, options.header),
        )
  const body = isObject
    ? Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')
    : (Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(String(payload), options.encoding || 'utf8')
      ).toString('base64url')
  const input = header + '.' + body
  const signature = native.jwtSign(entry.native, input, index)
  if (typeof signature === 'number') throw new Error(STATUS_MESSAGES[signature] || 'signing failed')
  return input + '.' + signature
}

/** jsonwebtoken.sign(payload, key, options?, callback?). */
function sign(payload, key, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = undefined
  }
  const o = options || EMPTY
  let token
  try {
    if (!key && key !== 0) throw new Error('secretOrPrivateKey must have a value')
    token = signWith(payload, signKeyFor(key, o.allowInsecureKeySizes === true), o)
  } catch (err) {
    if (typeof callback === 'function') return callback(err)
    throw err
  }
  if (typeof callback === 'function') {
    process.nextTick(callback, null, token)
    return undefined
  }
  return token
}

/** createSigner({ key, ...signOptions }) → (payload) => token, the key parsed once. */
function createSigner(options) {
  if (!options || typeof options !== 'object') {
    throw new TypeError('createSigner(options): options must be an object with a key')
  }
  const { key, ...o } = options
  if (!key) throw new Error('secretOrPrivateKey must have a value')
  validateSignOptions(o)
  const entry = signKeyFor(key, o.allowInsecureKeySizes === true)
  const alg = o.algorithm || defaultAlgorithm(entry)
  if (alg === 'none') throw new Error('rampart never signs with "none"')
  if (entry.mask === 0 && entry.weak) throw new Error(entry.weak)
  if (!(entry.mask & (1 << ALG_INDEX[alg]))) throw new Error(keyMismatch(alg, ALG_INDEX[alg], entry))
  const bound = Object.freeze({ ...o, algorithm: alg })
  return (payload) => signWith(payload, entry, bound, true)
}

module.exports = {
  sign,
  verify,
  decode,
  createSigner,
  createVerifier,
  decodeHeader,
  verifyWith,
  checkVerifyOptions,
  DEFAULT_MAX_TOKEN_LENGTH,
}
