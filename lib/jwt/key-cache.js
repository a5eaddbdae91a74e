'use strict'
// Key lookup for sign and verify: the user's key (string, Buffer, KeyObject, JWK, JWK Set)
// to its native entry, built once (lib/jwt/keys.js) and cached, so the hot path is one Map
// or WeakMap lookup.
const { keyError, toKeyObject, buildVerifyKey, buildSignKey, buildKeySet } = require('./keys')

const MAX_CACHED = 256

function remember(map, k, v) {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value)
  map.set(k, v)
  return v
}

/**
 * A cached `lookup(key, allowInsecure)` over `build(key, allowInsecure)`. Strings and Buffer
 * contents are cached by value (at most MAX_CACHED each side), objects by identity; each
 * cache is split by `allowInsecure`, since it changes what a key may do.
 */
function cachedLookup({ build, missing }) {
  const byValue = [new Map(), new Map()]
  const byObject = [new WeakMap(), new WeakMap()]
  // Buffers: first by identity (no hashing on the hot path), confirmed by content so that a
  // Buffer changed in place is never served a stale key; then by content.
  const byBuffer = [new WeakMap(), new WeakMap()]
  return function lookup(key, allowInsecure) {
    const slot = allowInsecure ? 1 : 0
    if (typeof key === 'string') {
      const hit = byValue[slot].get(key)
      return hit !== undefined ? hit : remember(byValue[slot], key, build(key, allowInsecure))
    }
    if (Buffer.isBuffer(key)) {
      const seen = byBuffer[slot].get(key)
      if (seen !== undefined && seen.source.equals(key)) return seen.entry
      const cacheKey = `\u0000buf:${key.toString('base64')}`
      let entry = byValue[slot].get(cacheKey)
      if (entry === undefined) entry = remember(byValue[slot], cacheKey, build(key, allowInsecure))
      byBuffer[slot].set(key, { source: Buffer.from(key), entry })
      return entry
    }
    if (key === null || typeof key !== 'object') throw missing()
    let entry = byObject[slot].get(key)
    if (entry === undefined) {
      entry = build(key, allowInsecure)
      byObject[slot].set(key, entry)
    }
    return entry
  }
}

/**
 * The verify entry for `key`: `{ native, mask, family, bits, weak? }`, or for a JWK Set
 * `{ set: true, byKid, list }`.
 */
const verifyKeyFor = cachedLookup({
  build: (key, allowInsecure) =>
    typeof key === 'object' && !Buffer.isBuffer(key) && Array.isArray(key.keys)
      ? buildKeySet(key.keys, allowInsecure)
      : buildVerifyKey(toKeyObject(key, false), allowInsecure, key.kty ? key.alg : undefined),
  missing: () => keyError('secret or public key must be provided'),
})

/** The sign entry for `key` (see verifyKeyFor). */
const signKeyFor = cachedLookup({
  build: (key, allowInsecure) => buildSignKey(toKeyObject(key, true), allowInsecure),
  missing: () => new Error('secretOrPrivateKey must have a value'),
})

module.exports = { verifyKeyFor, signKeyFor }
