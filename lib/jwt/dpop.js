'use strict'
// DPoP (RFC 9449) for jwtAuth({ dpop }): the `DPoP` proof header of a request is a JWT
// signed by the client's key, carried in its own header. It must be an asymmetric
// `dpop+jwt` with a public `jwk`, for this method and URL, fresh, never seen before, bound
// to this access token (`ath`), and its key must be the one the token is bound to
// (`cnf.jkt`, RFC 7638 thumbprint). A stolen token is then useless without the key.
// The proof key is read once per distinct proof header (a client reuses its key), so the
// per-request work is one native signature check, one JSON.parse, one SHA-256 and the
// replay store.
const crypto = require('node:crypto')
const { algMask, toKeyObject, buildVerifyKey } = require('./keys')
const { verifySigned } = require('./verify')
const { UnauthorizedError, JsonWebTokenError } = require('./errors')
const { replayStore } = require('./replay-store')
const { HttpError } = require('../errors/http-error')

const ALGS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
const ASYMMETRIC = new Set(ALGS)
const ALGS_PARAM = ALGS.join(' ')
// RFC 7517/7518: the members that only a private (or symmetric) JWK has.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
// RFC 7638 §3.2: the required members per key type, in lexicographic order.
const THUMBPRINT_MEMBERS = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] }
const MAX_PROOF_LENGTH = 8192
const KEY_CACHE_SIZE = 1024

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK, or null. */
function jwkThumbprint(jwk) {
  const members = THUMBPRINT_MEMBERS[jwk.kty]
  if (members === undefined) return null
  const canonical = {}
  for (const m of members) {
    if (typeof jwk[m] !== 'string') return null
    canonical[m] = jwk[m]
  }
  return crypto.createHash('sha256').update(JSON.stringify(canonical)).digest('base64url')
}

const replayed = () => failure('invalid_dpop_proof', 'the DPoP proof was already used (replay)')

// The replay store cannot answer (Redis down): not the client's fault, so 503 and retry,
// never an unchecked proof.
function storeDown(cause) {
  return new HttpError(503, 'The DPoP replay store is unavailable', {
    code: 'dpop_store_unavailable',
    retryAfter: 1,
    cause,
  })
}

function failure(code, message) {
  const err = new UnauthorizedError(code, new JsonWebTokenError(message))
  const error = code === 'invalid_dpop_proof' || code === 'use_dpop_nonce' ? code : 'invalid_token'
  err.challenge = `DPoP algs="${ALGS_PARAM}", error="${error}", error_description="${message.replace(/["\\]/g, '')}"`
  return err
}

/** The proof key and its thumbprint from a proof's encoded header, or `{ error }`. */
function readProofHeader(encoded) {
  let header
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
  } catch {
    return { error: 'the DPoP proof header is not JSON' }
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    return { error: 'the DPoP proof header is not a JSON object' }
  }
  if (header.typ !== 'dpop+jwt') return { error: 'the DPoP proof typ must be dpop+jwt' }
  if (!ASYMMETRIC.has(header.alg)) return { error: 'the DPoP proof alg must be an asymmetric algorithm' }
  const jwk = header.jwk
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) {
    return { error: 'the DPoP proof header has no jwk' }
  }
  for (const m of PRIVATE_MEMBERS) {
    if (jwk[m] !== undefined) return { error: 'the DPoP proof jwk holds private key material' }
  }
  const jkt = jwkThumbprint(jwk)
  if (jkt === null) return { error: 'the DPoP proof jwk is not an RSA, EC or OKP public key' }
  let entry
  try {
    entry = buildVerifyKey(toKeyObject(jwk, false), false)
  } catch {
    return { error: 'the DPoP proof jwk is not a usable public key' }
  }
  const mask = entry.mask & algMask([header.alg])
  if (mask === 0) return { error: 'the DPoP proof alg does not fit its jwk' }
  return { jkt, entry, mask }
}

/**
 * The URL the request was sent to, without query: Express's `req.protocol` (which honours
 * `trust proxy`) and, when the proxy is trusted, X-Forwarded-Host; node:http otherwise.
 */
function requestUrl(req) {
  const headers = req.headers
  const proto =
    typeof req.protocol === 'string' ? req.protocol : req.socket && req.socket.encrypted ? 'https' : 'http'
  let host = headers.host
  const forwarded = headers['x-forwarded-host']
  if (typeof forwarded === 'string' && req.app && typeof req.app.get === 'function') {
    const trust = req.app.get('trust proxy fn')
    if (typeof trust === 'function' && trust(req.socket && req.socket.remoteAddress, 0)) {
      host = forwarded.split(',')[0].trim()
    }
  }
  const url = req.originalUrl || req.url || '/'
  const q = url.indexOf('?')
  return `${proto}://${host}${q < 0 ? url : url.slice(0, q)}`
}

function stripQuery(url) {
  const q = url.search(/[?#]/)
  return q < 0 ? url : url.slice(0, q)
}

// RFC 9449 §4.3: htu and the request URL compared without query and fragment, after
// syntax-based normalisation (scheme and host case, default port, dot segments).
function normalise(url) {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return null
  }
}

function sameUrl(htu, expected) {
  const bare = stripQuery(htu)
  if (bare === expected) return true
  const a = normalise(bare)
  return a !== null && a === normalise(expected)
}

/** Server nonces (RFC 9449 §8): an HMAC of the time window, so processes sharing `secret` agree. */
function nonceSource(option) {
  const o = option === true ? {} : option
  const secret = o.secret !== undefined ? o.secret : crypto.randomBytes(32)
  const period = (o.period ?? 300) * 1000
  const make = (n) => crypto.createHmac('sha256', secret).update(String(n)).digest('base64url').slice(0, 32)
  let window = -1
  let current = ''
  let previous = ''
  const refresh = () => {
    const w = Math.floor(Date.now() / period)
    if (w !== window) {
      window = w
      current = make(w)
      previous = make(w - 1)
    }
  }
  return {
    current: () => (refresh(), current),
    accepts: (nonce) => (refresh(), nonce === current || nonce === previous),
  }
}

function checkDpopOptions(o) {
  if (o.dpop !== 'required' && o.dpop !== 'allowed') {
    throw new TypeError("jwtAuth: dpop must be 'required' or 'allowed'")
  }
  if (o.dpopWindow !== undefined && !(typeof o.dpopWindow === 'number' && o.dpopWindow > 0)) {
    throw new TypeError('jwtAuth: dpopWindow must be a positive number of seconds')
  }
  const n = o.dpopNonce
  if (n !== undefined && n !== false && n !== true && (n === null || typeof n !== 'object')) {
    throw new TypeError('jwtAuth: dpopNonce must be true or { secret, period }')
  }
}

/**
 * The DPoP checker of one jwtAuth. `check(req, res, scheme, token, payload)` runs after the
 * access token verified: undefined when the request may go on, else an UnauthorizedError
 * with a `challenge`, or a Promise of either (a Redis replay store).
 */
function createDpop(o) {
  checkDpopOptions(o)
  const required = o.dpop === 'required'
  const windowSeconds = o.dpopWindow ?? 60
  const store = replayStore(o.dpopStore)
  const nonces = o.dpopNonce ? nonceSource(o.dpopNonce) : null
  const keys = new Map()

  function proofKey(encoded) {
    let key = keys.get(encoded)
    if (key === undefined) {
      key = readProofHeader(encoded)
      if (keys.size >= KEY_CACHE_SIZE) keys.clear()
      keys.set(encoded, key)
    }
    return key
  }

  function checkProof(req, res, proof, token, jkt) {
    if (typeof proof !== 'string') {
      return failure('invalid_dpop_proof', 'the request has no DPoP proof, or more than one')
    }
    if (proof.length > MAX_PROOF_LENGTH) return failure('invalid_dpop_proof', 'the DPoP proof is too long')
    const dot = proof.indexOf('.')
    if (dot <= 0) return failure('invalid_dpop_proof', 'the DPoP proof is not a JWT')
    const key = proofKey(proof.slice(0, dot))
    if (key.error !== undefined) return failure('invalid_dpop_proof', key.error)
    let claims
    try {
      claims = verifySigned(proof, key.entry, MAX_PROOF_LENGTH, key.mask)
    } catch (err) {
      return failure('invalid_dpop_proof', `the DPoP proof: ${err.message}`)
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      return failure('invalid_dpop_proof', 'the DPoP proof payload is not a JSON object')
    }
    const { jti, htm, htu, iat, ath } = claims
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) {
      return failure('invalid_dpop_proof', 'the DPoP proof needs a jti')
    }
    if (htm !== req.method)
      return failure('invalid_dpop_proof', 'the DPoP proof htm does not match the method')
    if (typeof htu !== 'string' || !sameUrl(htu, requestUrl(req))) {
      return failure('invalid_dpop_proof', 'the DPoP proof htu does not match the request URL')
    }
    const now = Date.now() / 1000
    if (typeof iat !== 'number' || Math.abs(now - iat) > windowSeconds) {
      return failure('invalid_dpop_proof', 'the DPoP proof iat is outside the accepted window')
    }
    if (ath !== crypto.createHash('sha256').update(token).digest('base64url')) {
      return failure('invalid_dpop_proof', 'the DPoP proof ath does not match the access token')
    }
    if (key.jkt !== jkt) {
      return failure('invalid_token', 'the access token is bound to another key than the DPoP proof')
    }
    if (nonces !== null && !(typeof claims.nonce === 'string' && nonces.accepts(claims.nonce))) {
      if (res) res.setHeader('DPoP-Nonce', nonces.current())
      return failure('use_dpop_nonce', 'the DPoP proof needs the server nonce')
    }
    // Last, so that only proofs that passed every other check take room in the store. A
    // proof lives at most 2 × window (iat ± window), then the jti may be forgotten.
    let fresh
    try {
      fresh = store.use(`${jkt}:${jti}`, 2 * windowSeconds)
    } catch (err) {
      return storeDown(err)
    }
    if (fresh === true) return undefined
    if (fresh === false) return replayed()
    return Promise.resolve(fresh).then(
      (ok) => (ok === true ? undefined : replayed()),
      (err) => storeDown(err),
    )
  }

  function check(req, res, scheme, token, payload) {
    const cnf = payload && payload.cnf
    const jkt = cnf !== null && typeof cnf === 'object' ? cnf.jkt : undefined
    if (scheme === 'dpop') {
      if (typeof jkt !== 'string') {
        return failure('invalid_token', 'the access token is not DPoP-bound (no cnf.jkt)')
      }
      return checkProof(req, res, req.headers.dpop, token, jkt)
    }
    // RFC 9449 §7.2: a DPoP-bound token sent as a Bearer token is refused.
    if (jkt !== undefined) return failure('invalid_token', 'a DPoP-bound token must use the DPoP scheme')
    if (required) return failure('invalid_token', 'this API requires DPoP-bound tokens')
    return undefined
  }

  // The challenge of a request without credentials: DPoP only, or both schemes.
  const challenge = required ? `DPoP algs="${ALGS_PARAM}"` : `Bearer, DPoP algs="${ALGS_PARAM}"`
  return { required, check, challenge }
}

module.exports = { createDpop, jwkThumbprint, requestUrl, sameUrl, ALGS }
