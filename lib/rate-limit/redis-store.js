'use strict'
// RedisStore: counts in Redis so that every process and machine shares one limit. Each
// request is one EVALSHA of an atomic one-key script (reloaded with EVAL on NOSCRIPT: after
// SCRIPT FLUSH, on a cluster node that never saw it, or on a replica just promoted).
// Works with ioredis and node-redis clients, single or cluster ({ client }), or any
// { sendCommand }. "Now" is the app server's Date.now() by default (fake timers keep
// working), or Redis's TIME with clock: 'redis' so skewed app servers share exact windows.
// shards: N splits a hot key over N keys whose hash tags fall in N evenly spaced slots.
const { SCRIPTS } = require('./redis/scripts')
const { redisClient } = require('./redis/clients')
const { spreadTags } = require('./redis/slots')

const CLOCKS = ['js', 'redis']

class RedisStore {
  /**
   * @param {{ sendCommand?: (...args: string[]) => Promise<unknown>, client?: object,
   *   prefix?: string, timeout?: number, clock?: 'js' | 'redis', shards?: number }} options
   */
  constructor(options) {
    if (!options || typeof options !== 'object') {
      throw new TypeError('RedisStore: options are required: { sendCommand } or { client }')
    }
    this.redis = redisClient(options)
    this.prefix = options.prefix ?? 'rampart-rl:'
    if (typeof this.prefix !== 'string') throw new TypeError('RedisStore: prefix must be a string')
    this.timeout = options.timeout ?? 2000
    if (!(this.timeout > 0))
      throw new TypeError('RedisStore: timeout must be a positive number of milliseconds')
    this.clock = options.clock ?? 'js'
    if (!CLOCKS.includes(this.clock)) {
      throw new TypeError(`RedisStore: clock must be 'js' (Date.now(), the default) or 'redis' (Redis TIME)`)
    }
    this.shards = options.shards ?? 1
    if (!Number.isInteger(this.shards) || this.shards < 1 || this.shards > 1024) {
      throw new TypeError('RedisStore: shards must be a whole number from 1 to 1024')
    }
    if (this.shards > 1 && this.prefix.includes('{')) {
      // A hash tag in the prefix would put every shard in one slot, which shards exist to avoid.
      throw new TypeError('RedisStore: with shards > 1 the prefix must not contain "{" (a hash tag)')
    }
    // Shard i's hash tag falls in the i-th of N equal slot ranges, whatever the key: on an
    // evenly sliced cluster the shards of every key sit on different primaries.
    this.shardTags = this.shards > 1 ? spreadTags(this.shards) : []
    this.nextShard = 0
    /** Counts are shared with other processes (express-rate-limit's Store contract). */
    this.localKeys = false
    this.windowMs = 60_000
    this.algorithm = 'fixed-window'
    this.limit = 5
  }

  init(options) {
    if (options && typeof options.windowMs === 'number') this.windowMs = options.windowMs
    if (options && options.algorithm) this.algorithm = options.algorithm
    if (options && typeof options.limit === 'number') this.limit = options.limit
  }

  /** The Redis key of shard `shard` of `key`. One shard: prefix + key, as before. */
  redisKey(key, shard) {
    return this.shards === 1 ? this.prefix + key : `${this.prefix}{${this.shardTags[shard]}}${key}`
  }

  /** One command, failing after `timeout` ms rather than waiting for a lost server. */
  _send(args, key) {
    return new Promise((resolve, reject) => {
      const fail = (error) => {
        clearTimeout(timer)
        reject(error)
      }
      const timer = setTimeout(() => {
        if (this.redis.failed) this.redis.failed(key) // a dead node may never answer
        fail(new Error(`RedisStore: Redis did not answer within ${this.timeout} ms`))
      }, this.timeout)
      let reply
      try {
        reply = this.redis.send(args, key)
      } catch (error) {
        return fail(error)
      }
      Promise.resolve(reply).then((value) => {
        clearTimeout(timer)
        resolve(value)
      }, fail)
    })
  }

  async _run(which, redisKey, args) {
    const { sha, source } = SCRIPTS[which]
    const rest = ['1', redisKey, ...args]
    try {
      return await this._send(['EVALSHA', sha, ...rest], redisKey)
    } catch (err) {
      if (!/NOSCRIPT/i.test(String(err && err.message))) throw err
      return this._send(['EVAL', source, ...rest], redisKey) // runs and caches it on this node
    }
  }

  _now(now) {
    return this.clock === 'redis' ? 'redis' : String(now)
  }

  /** Shards a request of this limit spreads over: never more than the limit itself. */
  _spread(limit) {
    return this.shards === 1 ? 1 : Math.max(1, Math.min(this.shards, Math.floor(limit)))
  }

  /** Counts one hit at `now` against `limit` (the middleware's entry point). */
  async hit(key, now, limit) {
    if (limit === undefined) limit = this.limit
    const spread = this._spread(limit)
    // Round-robin keeps the shards evenly filled; shard i gets its share of the limit.
    const shard = spread === 1 ? 0 : this.nextShard++ % spread
    if (this.nextShard >= 1e9) this.nextShard = 0
    const share = spread === 1 ? limit : Math.floor(limit / spread) + (shard < limit % spread ? 1 : 0)
    const reply = await this._run(
      this.algorithm === 'gcra' ? 'gcra' : 'fixed',
      this.redisKey(String(key), shard),
      [this._now(now), String(this.windowMs), String(share)],
    )
    if (!Array.isArray(reply) || reply.length !== 3) {
      throw new TypeError(`RedisStore: unexpected reply from Redis: ${JSON.stringify(reply)}`)
    }
    let reset = Number(reply[1])
    // Redis's clock: the reset as a distance from Redis's now, put on this server's clock.
    if (this.clock === 'redis') reset = Date.now() + (reset - Number(reply[2]))
    let totalHits = Number(reply[0])
    if (spread > 1) {
      // A shard's count scaled to the whole limit: over it exactly when the shard is over its share.
      totalHits =
        totalHits > share
          ? limit + (totalHits - share)
          : Math.min(limit, Math.ceil((totalHits * limit) / share))
    }
    return { totalHits, resetTime: new Date(Math.ceil(reset)) }
  }

  increment(key) {
    return this.hit(key, Date.now(), this.limit)
  }

  async decrement(key, limit) {
    if (limit === undefined) limit = this.limit
    const spread = this._spread(limit)
    // Takes back from the shard the last hit most likely went to.
    const shard = spread === 1 ? 0 : (this.nextShard + spread - 1) % spread
    const share = spread === 1 ? limit : Math.floor(limit / spread) + (shard < limit % spread ? 1 : 0)
    await this._run('decrement', this.redisKey(String(key), shard), [
      this._now(Date.now()),
      String(this.windowMs),
      String(share),
    ])
  }

  async get(key) {
    const spread = this._spread(this.limit)
    let totalHits = 0
    let resetMs
    for (let shard = 0; shard < spread; shard++) {
      const share =
        spread === 1 ? this.limit : Math.floor(this.limit / spread) + (shard < this.limit % spread ? 1 : 0)
      const one = await this._getShard(this.redisKey(String(key), shard), share)
      if (one === undefined) continue
      totalHits += one.totalHits
      if (resetMs === undefined || one.resetMs > resetMs) resetMs = one.resetMs
    }
    return resetMs === undefined ? undefined : { totalHits, resetTime: new Date(Math.ceil(resetMs)) }
  }

  async _getShard(redisKey, share) {
    const reply = await this._run('read', redisKey, [this._now(Date.now())])
    if (!Array.isArray(reply) || reply.length !== 4) return undefined
    const [h, r, t, now] = reply.map((v) =>
      v === null || v === undefined || v === '' ? undefined : Number(v),
    )
    const local = (ms) => (this.clock === 'redis' ? Date.now() + (ms - now) : ms)
    if (r !== undefined) return r > now ? { totalHits: h || 0, resetMs: local(r) } : undefined
    if (t !== undefined && t > now) {
      const per = this.windowMs / Math.max(1, share)
      return { totalHits: Math.min(share, Math.ceil((t - now) / per)), resetMs: local(t) }
    }
    return undefined
  }

  async resetKey(key) {
    for (let shard = 0; shard < this.shards; shard++) {
      const redisKey = this.redisKey(String(key), shard)
      await this._send(['DEL', redisKey], redisKey)
    }
  }

  /** Deletes every key under this store's prefix: SCAN on every primary, then DEL key by key
   * (keys of different slots cannot share one DEL on a cluster). */
  async resetAll() {
    for (const send of await this.redis.primaries()) {
      let cursor = '0'
      let rounds = 0
      do {
        const [next, keys] = await send([
          'SCAN',
          cursor,
          'MATCH',
          `${globEscape(this.prefix)}*`,
          'COUNT',
          '1000',
        ])
        cursor = String(next)
        await Promise.all(keys.map((k) => send(['DEL', k]).catch(() => this._send(['DEL', k], k))))
      } while (cursor !== '0' && ++rounds < 1e6)
    }
  }
}

function globEscape(text) {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}

module.exports = { RedisStore, SCRIPTS }
