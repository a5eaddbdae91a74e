'use strict'
// Key lookup for sign and verify: the user's key (string, Buffer, KeyObject, JWK, JWK Set)
// to its native entry, built once (lib/jwt/keys.js) and cached, so the hot path is one Map
// or WeakMap lookup.
const { keyError, toKeyObject, buildVerifyKey, buildSignKey, buildKeySet } = require('./keys')

// Caches, keyed by key value (strings, Buffer contents) or identity (objects).
const MAX_CACHED = 256
function boundedMap() {
  return new Map()
}
function remember(map, k, v) {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value)
  map.set(k, v)
  return v
}

const caches = {
  verify: [boundedMap(), boundedMap()], // [secure, allowInsecure]
  sign: [boundedMap(), boundedMap()],
  verifyObj: [new WeakMap(), new WeakMap()],
  signObj: [new WeakMap(), new WeakMap()],
}

// Buffers: first by identity (no hashing on the hot path), confirmed by content so that a
// Buffer changed in place is never served a stale key; then by content.
const bufferHits = [new WeakMap(), new WeakMap(), new WeakMap(), new WeakMap()]
function bufferKey(buf, slot, cache, build, forSign) {
  const byIdentity = bufferHits[(forSign ? 2 : 0) + slot]
  const hit = byIdentity.get(buf)
  if (hit !== undefined && hit.source.equals(buf)) return hit.entry
  const cacheKey = cacheKeyOf(buf)
  let entry = cache[slot].get(cacheKey)
  if (entry === undefined)
    entry = remember(cache[slot], cacheKey, build(toKeyObject(buf, forSign), slot === 1))
  byIdentity.set(buf, { source: Buffer.from(buf), entry })
  return entry
}

function cacheKeyOf(key) {
  if (typeof key === 'string') return key
  if (Buffer.isBuffer(key)) return `\u0000buf:${key.toString('base64')}`
  return undefined
}

/**
 * The verify entry for `key`: `{ native, mask, family, bits, weak? }`, or for a JWK Set
 * `{ set: true, byKid, list }`. Cached, so the hot path is one Map or WeakMap lookup.
 */
function verifyKeyFor(key, allowInsecure) {
  const slot = allowInsecure ? 1 : 0
  if (typeof key === 'object' && Buffer.isBuffer(key))
    return bufferKey(key, slot, caches.verify, buildVerifyKey, false)
  const cacheKey = cacheKeyOf(key)
  if (cacheKey !== undefined) {
    const hit = caches.verify[slot].get(cacheKey)
    if (hit !== undefined) return hit
    return remember(caches.verify[slot], cacheKey, buildVerifyKey(toKeyObject(key, false), allowInsecure))
  }
  if (key === null || typeof key !== 'object') {
    throw keyError('secret or public key must be provided')
  }
  const hit = caches.verifyObj[slot].get(key)
  if (hit !== undefined) return hit
  let entry
  if (Array.isArray(key.keys)) entry = buildKeySet(key.keys, allowInsecure)
  else entry = buildVerifyKey(toKeyObject(key, false), allowInsecure, key.kty ? key.alg : undefined)
  caches.verifyObj[slot].set(key, entry)
  return entry
}

/** The sign entry for `key` (see verifyKeyFor). */
function signKeyFor(key, allowInsecure) {
  const slot = allowInsecure ? 1 : 0
  if (typeof key === 'object' && Buffer.isBuffer(key))
    return bufferKey(key, slot, caches.sign, buildSignKey, true)
  const cacheKey = cacheKeyOf(key)
  if (cacheKey !== undefined) {
    const hit = caches.sign[slot].get(cacheKey)
    if (hit !== undefined) return hit
    return remember(caches.sign[slot], cacheKey, buildSignKey(toKeyObject(key, true), allowInsecure))
  }
  if (key === null || typeof key !== 'object') throw new Error('secretOrPrivateKey must have a value')
  const hit = caches.signObj[slot].get(key)
  if (hit !== undefined) return hit
  const entry = buildSignKey(toKeyObject(key, true), allowInsecure)
  caches.signObj[slot].set(key, entry)
  return entry
}

module.exports = { verifyKeyFor, signKeyFor }
