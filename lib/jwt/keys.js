'use strict'
// Keys in every form jsonwebtoken and express-jwt accept (secret string or Buffer, PEM
// SPKI/PKCS#1/PKCS#8/X.509, JWK, JWK Set, node:crypto KeyObject) are read once with
// node:crypto, handed to the native core as DER, and cached by key value, so a repeated
// secret or PEM is never parsed twice (the cache is lib/jwt/key-cache.js). Each native key
// knows its family; the algorithms a key allows (its mask) come from its type and size,
// never from a token.
const crypto = require('node:crypto')
const native = require('../native')
const { JsonWebTokenError } = require('./errors')
const { tables } = require('./tables')

const HMAC_MIN_BYTES = [32, 48, 64] // RFC 7518 §3.2: at least the hash output

const CURVES = {
  prime256v1: 'P-256',
  'P-256': 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
}

/** Bit mask of the names in `algorithms` (unknown names and 'none' add nothing). */
function algMask(algorithms) {
  const { ALG_INDEX } = tables()
  let mask = 0
  for (let i = 0; i < algorithms.length; i++) {
    const index = ALG_INDEX[algorithms[i]]
    if (index !== undefined) mask |= 1 << index
  }
  return mask
}

function isPem(text) {
  return text.includes('-----BEGIN')
}

function keyError(message, err) {
  return new JsonWebTokenError(message, err)
}

/** A node:crypto KeyObject for `key` (public side when `forSign` is false). */
function toKeyObject(key, forSign) {
  if (key instanceof crypto.KeyObject) return key
  if (typeof key === 'string' || Buffer.isBuffer(key)) {
    const text = typeof key === 'string' ? key : null
    if (text !== null ? isPem(text) : key.includes('-----BEGIN')) {
      try {
        return forSign ? crypto.createPrivateKey(key) : crypto.createPublicKey(key)
      } catch (err) {
        throw keyError(`the PEM key could not be read: ${err.message}`, err)
      }
    }
    return crypto.createSecretKey(typeof key === 'string' ? Buffer.from(key, 'utf8') : key)
  }
  if (key && typeof key === 'object') {
    if (typeof key.kty === 'string') {
      if (key.kty === 'oct') {
        if (typeof key.k !== 'string') throw keyError('an "oct" JWK needs its "k" member')
        return crypto.createSecretKey(Buffer.from(key.k, 'base64url'))
      }
      try {
        return forSign
          ? crypto.createPrivateKey({ key, format: 'jwk' })
          : crypto.createPublicKey({ key: publicJwk(key), format: 'jwk' })
      } catch (err) {
        throw keyError(`the JWK could not be read: ${err.message}`, err)
      }
    }
    if (forSign && key.key !== undefined) {
      try {
        return crypto.createPrivateKey(key) // { key, passphrase, format?, type? }
      } catch (err) {
        throw keyError(`the private key could not be read: ${err.message}`, err)
      }
    }
  }
  throw keyError('secretOrPublicKey is not valid key material')
}

// The public members of a JWK, so a private JWK also works as a verify key.
function publicJwk(jwk) {
  const { kty, crv, x, y, n, e } = jwk
  return { kty, crv, x, y, n, e }
}

function asymmetricKind(ko) {
  const { KIND } = tables()
  const type = ko.asymmetricKeyType
  if (type === 'rsa' || type === 'rsa-pss') return KIND.rsa
  if (type === 'ed25519') return KIND.ed25519
  if (type === 'ec') {
    const curve = CURVES[ko.asymmetricKeyDetails && ko.asymmetricKeyDetails.namedCurve]
    if (curve) return KIND[`ec-${curve}`]
    throw keyError(
      `EC keys on curve ${ko.asymmetricKeyDetails && ko.asymmetricKeyDetails.namedCurve} are not supported (use P-256, P-384 or P-521)`,
    )
  }
  throw keyError(`${type} keys are not supported (use an HMAC secret, RSA, EC or Ed25519 key)`)
}

// An rsa-pss KeyObject re-read as plain RSA (same n and e; node cannot export rsa-pss keys
// as JWK or PKCS#1): the RSA key inside its PKCS#8 or SPKI DER.
function plainRsa(ko, isPrivate) {
  const der = ko.export({ type: isPrivate ? 'pkcs8' : 'spki', format: 'der' })
  // PKCS#8: SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING(RSAPrivateKey) }
  // SPKI:   SEQUENCE { AlgorithmIdentifier, BIT STRING(0x00 RSAPublicKey) }
  const items = derItems(der, derItems(der, 0, der.length)[0].start)
  const inner = isPrivate ? items[2] : items[1]
  const bytes = der.subarray(inner.start + (isPrivate ? 0 : 1), inner.end)
  return isPrivate
    ? crypto.createPrivateKey({ key: bytes, format: 'der', type: 'pkcs1' })
    : crypto.createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' })
}

// The DER items from `offset` to `end`: [{ tag, start, end }] of their contents.
function derItems(der, offset, end = der.length) {
  const items = []
  while (offset < end) {
    const tag = der[offset]
    let len = der[offset + 1]
    let start = offset + 2
    if (len & 0x80) {
      const n = len & 0x7f
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + der[start + i]
      start += n
    }
    items.push({ tag, start, end: start + len })
    offset = start + len
  }
  return items
}

function hmacMask(bytes, allowInsecure) {
  const { HS } = tables()
  if (allowInsecure) return bytes > 0 ? HS : 0
  let mask = 0
  for (let i = 0; i < 3; i++) if (bytes >= HMAC_MIN_BYTES[i]) mask |= 1 << i
  return mask
}

// What a key allows after the size policy, and why it allows nothing when it does not.
function sizePolicy(entry, allowInsecure) {
  const { family, bits } = entry
  if (family === 'secret') {
    entry.mask = hmacMask(bits / 8, allowInsecure)
    if (bits === 0) entry.weak = 'secret or public key must be provided'
    else if (entry.mask === 0)
      entry.weak = `the HMAC secret is ${bits / 8} bytes; HS256 needs at least 32 (HS384 48, HS512 64) random bytes (RFC 7518 §3.2). Use a longer secret, or allowInsecureKeySizes: true`
  } else if (family === 'rsa' && bits < 2048 && !allowInsecure) {
    entry.mask = 0
    entry.weak = `the RSA key is ${bits} bits; RS* and PS* need at least 2048. Use a larger key, or allowInsecureKeySizes: true`
  }
  return entry
}

function familyOf(kind) {
  const { KIND } = tables()
  return kind === KIND.rsa ? 'rsa' : kind === KIND.ed25519 ? 'ed25519' : 'ec'
}

/** A native verify key for a KeyObject, with its algorithm mask. */
function buildVerifyKey(ko, allowInsecure, jwkAlg) {
  const { HS, RS, PS, KIND } = tables()
  let entry
  if (ko.type === 'secret') {
    const bytes = ko.export()
    entry = { family: 'secret', bits: bytes.length * 8, native: native.jwtVerifyKeySecret(bytes) }
    entry.mask = HS
  } else {
    const pub = ko.type === 'private' ? crypto.createPublicKey(ko) : ko
    const kind = asymmetricKind(pub)
    let der
    let mask
    if (kind === KIND.rsa) {
      const pss = pub.asymmetricKeyType === 'rsa-pss'
      der = (pss ? plainRsa(pub, false) : pub).export({ type: 'pkcs1', format: 'der' })
      mask = pss ? PS : RS | PS
    } else {
      der = pub.export({ type: 'spki', format: 'der' })
    }
    let nativeKey
    try {
      nativeKey = native.jwtVerifyKeyPublic(kind, der)
    } catch (err) {
      throw keyError(`the key could not be used: ${err.message}`, err)
    }
    const [nativeMask, bits] = native.jwtVerifyKeyInfo(nativeKey)
    entry = { family: familyOf(kind), bits, native: nativeKey }
    entry.mask = mask === undefined ? nativeMask : mask
  }
  sizePolicy(entry, allowInsecure)
  if (jwkAlg !== undefined) entry.mask &= algMask([jwkAlg])
  return entry
}

/** A native sign key for a KeyObject. */
function buildSignKey(ko, allowInsecure) {
  const { HS, PS, KIND } = tables()
  let entry
  if (ko.type === 'secret') {
    const bytes = ko.export()
    entry = { family: 'secret', bits: bytes.length * 8, native: native.jwtSignKeySecret(bytes) }
    entry.mask = HS
  } else if (ko.type === 'private') {
    const kind = asymmetricKind(ko)
    const pss = ko.asymmetricKeyType === 'rsa-pss'
    const der = (pss ? plainRsa(ko, true) : ko).export({ type: 'pkcs8', format: 'der' })
    const bits = kind === KIND.rsa ? ko.asymmetricKeyDetails && ko.asymmetricKeyDetails.modulusLength : 0
    if (kind === KIND.rsa && bits < 2048) {
      // The backend signs with RSA keys of 2048 bits and more only.
      entry = { family: 'rsa', bits, native: null, mask: 0, neverSigns: allowInsecure }
      entry.weak = weakRsaSignMessage(bits, allowInsecure)
      return entry
    }
    let nativeKey
    try {
      nativeKey = native.jwtSignKeyPrivate(kind, der)
    } catch (err) {
      throw keyError(`the key could not be used: ${err.message}`, err)
    }
    const [nativeMask, nativeBits] = native.jwtSignKeyInfo(nativeKey)
    entry = { family: familyOf(kind), bits: nativeBits, native: nativeKey }
    entry.mask = pss ? PS : nativeMask
  } else {
    throw new Error('a public key cannot sign: pass the private key')
  }
  return sizePolicy(entry, allowInsecure)
}

// Why an RSA key under 2048 bits cannot sign. With allowInsecureKeySizes: true the user
// asked for it, so jsonwebtoken's "minimum key size" would say the opposite of what
// happened: say that rampart never does it, and why.
function weakRsaSignMessage(bits, allowInsecure) {
  return allowInsecure
    ? `rampart never signs with RSA keys under 2048 bits, even with allowInsecureKeySizes: true (this key is ${bits} bits): such keys can be factored and their signatures forged (NIST SP 800-131A disallows them for signing), and the crypto backend (aws-lc) refuses them. allowInsecureKeySizes only lets verify accept tokens from such keys; sign with an RSA key of 2048 bits or more, or an EC or Ed25519 key`
    : `secretOrPrivateKey has a minimum key size of 2048 bits (this key is ${bits} bits)`
}

/** A JWK Set as `{ set: true, byKid: Map, list }`; keys for encryption are left out. */
function buildKeySet(jwks, allowInsecure) {
  const byKid = new Map()
  const list = []
  for (const jwk of jwks) {
    if (!jwk || typeof jwk !== 'object' || jwk.use === 'enc') continue
    let entry
    try {
      entry = buildVerifyKey(toKeyObject(jwk, false), allowInsecure, jwk.alg)
    } catch {
      continue // a key we cannot use is skipped, as jwks-rsa does
    }
    entry.kid = jwk.kid
    list.push(entry)
    if (typeof jwk.kid === 'string' && !byKid.has(jwk.kid)) byKid.set(jwk.kid, entry)
  }
  return { set: true, byKid, list }
}

module.exports = {
  algMask,
  keyError,
  toKeyObject,
  buildVerifyKey,
  buildSignKey,
  buildKeySet,
}
