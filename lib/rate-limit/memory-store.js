'use strict'
// MemoryStore: the default store. Counting happens in Rust (NativeRateStore): one compact
// entry per key, at most `maxKeys` of them (the stalest is evicted when full), expired
// entries pruned a few at a time on each call, and nothing per key on the JS heap.
// It also implements express-rate-limit's Store interface, so code that drives a store
// directly (increment/get/decrement/resetKey/resetAll) works unchanged.
const { NativeRateStore } = require('../native')

const PACK = 4294967296
const DEFAULT_MAX_KEYS = 1_000_000
const MAX_U32 = 4294967295

/** A limit as the native side takes it: a whole number in [0, 2^32 - 1]. */
function nativeLimit(limit) {
  if (!(limit > 0)) return 0
  return limit >= MAX_U32 ? MAX_U32 : Math.floor(limit)
}

class MemoryStore {
  /** @param {{ maxKeys?: number }} [options] */
  constructor(options) {
    const maxKeys = options && options.maxKeys !== undefined ? options.maxKeys : DEFAULT_MAX_KEYS
    if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys >= MAX_U32) {
      throw new TypeError(
        `MemoryStore: maxKeys must be a whole number from 1 to ${MAX_U32 - 1}, got ${maxKeys}`,
      )
    }
    this.maxKeys = maxKeys
    /** Keys live in this process only (express-rate-limit's Store contract). */
    this.localKeys = true
    this.windowMs = 60_000
    this.algorithm = 'fixed-window'
    this.limit = 5
    this.native = null
    // Last answer of the native store, for callers that need both parts of it.
    this.used = 0
    this.resetMs = 0
  }

  /** Called by rateLimit() with its options: windowMs, algorithm and (for GCRA) limit. */
  init(options) {
    const windowMs = options && options.windowMs !== undefined ? options.windowMs : 60_000
    if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 1) {
      throw new TypeError(
        `rampart/rate-limit: windowMs must be a number of milliseconds of at least 1, got ${windowMs}`,
      )
    }
    this.windowMs = windowMs
    this.algorithm = (options && options.algorithm) || 'fixed-window'
    if (options && typeof options.limit === 'number') this.limit = options.limit
    this.native = new NativeRateStore(this.algorithm === 'gcra', windowMs, this.maxKeys)
  }

  _native() {
    if (this.native === null) this.init({})
    return this.native
  }

  /**
   * Counts one hit synchronously; sets `this.used` and `this.resetMs`. The middleware's
   * fast path.
   */
  hit(key, now, limit) {
    const packed = this._native().hit(key, now, nativeLimit(limit))
    if (packed >= 0) {
      const used = Math.floor(packed / PACK)
      this.used = used
      this.resetMs = now + (packed - used * PACK)
    } else {
      this.used = this.native.lastUsed()
      this.resetMs = this.native.lastReset()
    }
  }

  async increment(key) {
    this.hit(String(key), Date.now(), this.limit)
    return { totalHits: this.used, resetTime: new Date(this.resetMs) }
  }

  decrementSync(key, limit) {
    this._native().decrement(String(key), Date.now(), nativeLimit(limit === undefined ? this.limit : limit))
  }

  async decrement(key) {
    this.decrementSync(key)
  }

  async get(key) {
    const now = Date.now()
    const packed = this._native().get(String(key), now, nativeLimit(this.limit))
    if (packed === -2) return undefined
    if (packed >= 0) {
      const used = Math.floor(packed / PACK)
      return { totalHits: used, resetTime: new Date(now + (packed - used * PACK)) }
    }
    return { totalHits: this.native.lastUsed(), resetTime: new Date(this.native.lastReset()) }
  }

  async resetKey(key) {
    this._native().resetKey(String(key))
  }

  async resetAll() {
    this._native().resetAll()
  }

  /** Frees every key. Nothing to stop: the store runs no timers. */
  shutdown() {
    if (this.native !== null) this.native.resetAll()
  }

  /** Number of keys tracked now. */
  get size() {
    return this.native === null ? 0 : this.native.size()
  }
}

module.exports = { MemoryStore, nativeLimit }
