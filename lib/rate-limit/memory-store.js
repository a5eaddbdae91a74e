'use strict'
// MemoryStore: the default store. Counting happens in Rust (NativeRateStore): one compact
// entry per key, at most `maxKeys` of them (the stalest is evicted when full), expired
// entries pruned a few at a time on each call, and nothing per key on the JS heap.
// It also implements express-rate-limit's Store interface, so code that drives a store
// directly (increment/get/decrement/resetKey/resetAll) works unchanged.
const native = require('../native')

// Bound by the first MemoryStore, not at require: with no addon, the store's creation throws
// the loader's error and `require('rampart')` still loads.
let rateHit, rateGet, rateLastUsed, rateLastReset
function bindNative() {
  ;({ rateHit, rateGet, rateLastUsed, rateLastReset } = native)
}
// A store's native table is freed when its MemoryStore is garbage-collected.
const freeNative = new FinalizationRegistry((id) => native.rateStoreDrop(id))

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
    if (rateHit === undefined) bindNative()
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
    this.id = -1
    // Last answer of the native store, for callers that need both parts of it.
    this.used = 0
    this.resetMs = 0
  }

  /** Called by rateLimit() with its options: windowMs, algorithm and (for GCRA) limit. */
  init(options) {
    let windowMs = options && options.windowMs !== undefined ? options.windowMs : 60_000
    if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 1) {
      // rateLimit() refuses such a window at start-up; a store driven directly (as
      // express-rate-limit's own tests do) warns and uses 1 ms, as its setInterval would.
      console.warn(
        `rampart/rate-limit: MemoryStore windowMs must be a number of at least 1 ms, got ${windowMs}; using 1 ms`,
      )
      windowMs = 1
    }
    this.windowMs = windowMs
    this.algorithm = (options && options.algorithm) || 'fixed-window'
    if (options && typeof options.limit === 'number') this.limit = options.limit
    if (this.id !== -1) {
      native.rateStoreDrop(this.id)
      freeNative.unregister(this)
    }
    this.id = native.rateStoreCreate(this.algorithm === 'gcra', windowMs, this.maxKeys)
    freeNative.register(this, this.id, this)
  }

  _id() {
    if (this.id === -1) this.init({})
    return this.id
  }

  /**
   * Counts one hit synchronously; sets `this.used` and `this.resetMs`. The middleware's
   * fast path.
   */
  hit(key, now, limit) {
    const packed = rateHit(this.id === -1 ? this._id() : this.id, key, now, nativeLimit(limit))
    if (packed >= 0) {
      const used = Math.floor(packed / PACK)
      this.used = used
      this.resetMs = now + (packed - used * PACK)
    } else {
      this.used = rateLastUsed()
      this.resetMs = rateLastReset()
    }
  }

  async increment(key) {
    this.hit(String(key), Date.now(), this.limit)
    return { totalHits: this.used, resetTime: new Date(this.resetMs) }
  }

  decrementSync(key, limit) {
    native.rateDecrement(
      this._id(),
      String(key),
      Date.now(),
      nativeLimit(limit === undefined ? this.limit : limit),
    )
  }

  async decrement(key) {
    this.decrementSync(key)
  }

  async get(key) {
    const now = Date.now()
    const packed = rateGet(this._id(), String(key), now, nativeLimit(this.limit))
    if (packed < -1) return undefined
    if (packed >= 0) {
      const used = Math.floor(packed / PACK)
      return { totalHits: used, resetTime: new Date(now + (packed - used * PACK)) }
    }
    return { totalHits: rateLastUsed(), resetTime: new Date(rateLastReset()) }
  }

  async resetKey(key) {
    native.rateResetKey(this._id(), String(key))
  }

  async resetAll() {
    native.rateResetAll(this._id())
  }

  /** Frees every key. Nothing to stop: the store runs no timers. */
  shutdown() {
    if (this.id !== -1) native.rateResetAll(this.id)
  }

  /** Number of keys tracked now. */
  get size() {
    return this.id === -1 ? 0 : native.rateSize(this.id)
  }

  /** Bytes of native memory the table holds. */
  get nativeBytes() {
    return this.id === -1 ? 0 : native.rateHeapBytes(this.id)
  }
}

module.exports = { MemoryStore, nativeLimit }
