'use strict'
// sign and createSigner: jsonwebtoken.sign's options, checks and messages. JS builds the
// header and payload JSON (base64url, the default headers encoded once); the native core
// adds the signature.
const native = require('../native')
const { signKeyFor } = require('./key-cache')
const { timespan } = require('./ms')
const { tables, statusMessage } = require('./tables')

const EMPTY = Object.freeze({})

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
    (v) => tables().ALG_INDEX[v] !== undefined || v === 'none',
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
  if (entry.family === 'ec') return tables().ALGS[31 - Math.clz32(entry.mask)]
  return 'HS256'
}

function keyMismatch(alg, index, entry) {
  const bit = 1 << index
  const { HS } = tables()
  if (entry.family === 'secret' && !(bit & HS)) {
    return `secretOrPrivateKey must be an asymmetric key when using ${alg}`
  }
  if (entry.family !== 'secret' && bit & HS) {
    return `secretOrPrivateKey must be a symmetric key when using ${alg}`
  }
  if (entry.family === 'rsa' && entry.weak) {
    return entry.neverSigns ? entry.weak : `secretOrPrivateKey has a minimum key size of 2048 bits for ${alg}`
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
// The default header of each algorithm, encoded once (on first use: the names come from
// the native tables).
let defaultHeaders = null
function defaultHeader(index) {
  if (defaultHeaders === null) defaultHeaders = tables().ALGS.map((alg) => encodeHeader({ alg, typ: 'JWT' }))
  return defaultHeaders[index]
}

/** Builds and signs a token with a resolved key entry (jsonwebtoken.sign's semantics). */
function signWith(payload, entry, options, validated) {
  if (!validated && options !== EMPTY) validateSignOptions(options)
  // As jsonwebtoken: options.header.alg, when given, wins over options.algorithm.
  const headerAlg = options.header !== undefined ? options.header.alg : undefined
  const alg = headerAlg || options.algorithm || defaultAlgorithm(entry)
  if (alg === 'none') {
    throw new Error('rampart never signs with "none": use HS256 with a strong secret, or a key pair')
  }
  const index = tables().ALG_INDEX[alg]
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
        ? defaultHeader(index)
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
  if (typeof signature === 'number') throw new Error(statusMessage(signature))
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
  const index = tables().ALG_INDEX[alg]
  if (!(entry.mask & (1 << index))) throw new Error(keyMismatch(alg, index, entry))
  const bound = Object.freeze({ ...o, algorithm: alg })
  return (payload) => signWith(payload, entry, bound, true)
}

module.exports = { sign, createSigner }
