'use strict'
// Replay stores for DPoP proof `jti`s (RFC 9449 §11.1): `use(key, ttlSeconds)` answers true
// the first time a key is seen within its ttl, false after. In memory by default (one
// process); on Redis (SET NX EX, one round trip) when several processes serve one API.
const { redisClient } = require('../rate-limit/redis/clients')

const DEFAULT_MAX_ENTRIES = 1_000_000

class MemoryReplayStore {
  constructor(options = {}) {
    this.max = options.maxEntries ?? DEFAULT_MAX_ENTRIES
    this.seen = new Map() // key -> expiry (ms); insertion order is close to expiry order
    this.inserts = 0
  }

  use(key, ttlSeconds) {
    const now = Date.now()
    const until = this.seen.get(key)
    if (until !== undefined && until > now) return false
    if (++this.inserts % 1024 === 0 || this.seen.size >= this.max) this.sweep(now)
    // Full of live entries: refusing is the safe answer (forgetting one would allow a replay).
    if (this.seen.size >= this.max) return false
    this.seen.delete(key)
    this.seen.set(key, now + ttlSeconds * 1000)
    return true
  }

  sweep(now) {
    for (const [key, until] of this.seen) {
      if (until > now) continue
      this.seen.delete(key)
    }
  }
}

class RedisReplayStore {
  constructor({ redis, prefix = 'rampart:dpop:' }) {
    this.client = redisClient({ client: redis })
    this.prefix = prefix
  }

  async use(key, ttlSeconds) {
    const k = this.prefix + key
    const reply = await this.client.send(
      ['SET', k, '1', 'NX', 'EX', String(Math.max(1, Math.ceil(ttlSeconds)))],
      k,
    )
    return reply === 'OK'
  }
}

function isRedisClient(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    (typeof value.call === 'function' || typeof value.sendCommand === 'function')
  )
}

/**
 * The store for jwtAuth's `dpopStore`: undefined → memory; an ioredis or node-redis client
 * (or `{ redis, prefix }`) → Redis; an object with `use(key, ttlSeconds)` → itself.
 */
function replayStore(option) {
  if (option === undefined) return new MemoryReplayStore()
  if (isRedisClient(option)) return new RedisReplayStore({ redis: option })
  if (option && isRedisClient(option.redis)) return new RedisReplayStore(option)
  if (option && typeof option.use === 'function') return option
  throw new TypeError(
    'jwtAuth: dpopStore must be an ioredis or node-redis client, { redis, prefix }, or an object with use(key, ttlSeconds) → boolean | Promise<boolean>',
  )
}

module.exports = { MemoryReplayStore, RedisReplayStore, replayStore }
