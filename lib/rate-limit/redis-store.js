'use strict'
// RedisStore: counts in Redis so that every process and machine shares one limit. Each
// request is one EVALSHA of an atomic script (reloaded with EVAL on NOSCRIPT, e.g. after
// SCRIPT FLUSH or a failover). "Now" is Date.now() of the calling process, passed as an
// argument, as for the memory store; Redis's own expiry only collects idle keys.
// Works with ioredis and node-redis clients ({ client }) or any { sendCommand }.
const crypto = require('node:crypto')

// Fixed window: hash { h: hits, r: reset time in ms }.
const FIXED_WINDOW = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local reset = tonumber(redis.call('HGET', KEYS[1], 'r'))
local hits
if reset == nil or reset <= now then
  reset = now + window
  hits = 1
  redis.call('HSET', KEYS[1], 'h', 1, 'r', string.format('%.3f', reset))
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(window)))
else
  hits = redis.call('HINCRBY', KEYS[1], 'h', 1)
end
return { hits, string.format('%.3f', reset) }`

// GCRA: hash { t: theoretical arrival time in ms }. Blocked: used = limit + 1 and the
// reset is the earliest time a retry passes; allowed: used = limit - remaining and the
// reset is when the whole burst is back.
const GCRA = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
if limit < 1 then
  return { 1, string.format('%.3f', now + window) }
end
local t = window / limit
local tat = tonumber(redis.call('HGET', KEYS[1], 't')) or now
if tat < now then tat = now end
local nextTat = tat + t
local allowAt = nextTat - window
if now < allowAt then
  return { limit + 1, string.format('%.3f', allowAt) }
end
redis.call('HSET', KEYS[1], 't', string.format('%.3f', nextTat))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(nextTat - now)))
local remaining = math.floor((window - (nextTat - now)) / t + 1e-9)
return { limit - remaining, string.format('%.3f', nextTat) }`

// Takes one request back, only while the window / bucket is live.
const DECREMENT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local r = tonumber(redis.call('HGET', KEYS[1], 'r'))
if r ~= nil then
  if r > now and tonumber(redis.call('HGET', KEYS[1], 'h') or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], 'h', -1)
  end
  return 1
end
local tat = tonumber(redis.call('HGET', KEYS[1], 't'))
if tat ~= nil and tat > now and limit >= 1 then
  redis.call('HSET', KEYS[1], 't', string.format('%.3f', math.max(now, tat - window / limit)))
end
return 1`

const script = (source) => ({ source, sha: crypto.createHash('sha1').update(source).digest('hex') })
const SCRIPTS = { fixed: script(FIXED_WINDOW), gcra: script(GCRA), decrement: script(DECREMENT) }

/** `(...args) => Promise<reply>` for an ioredis or node-redis client. */
function commandSender(client) {
  if (client && typeof client.call === 'function') return (...args) => client.call(...args) // ioredis
  if (client && typeof client.sendCommand === 'function') return (...args) => client.sendCommand(args) // node-redis 4+
  throw new TypeError('RedisStore: `client` must be an ioredis or node-redis client (or pass `sendCommand`)')
}

class RedisStore {
  /**
   * @param {{ sendCommand?: (...args: string[]) => Promise<unknown>, client?: object,
   *   prefix?: string, timeout?: number }} options
   */
  constructor(options) {
    if (!options || typeof options !== 'object') {
      throw new TypeError('RedisStore: options are required: { sendCommand } or { client }')
    }
    if (typeof options.sendCommand === 'function') {
      this.sendCommand = options.sendCommand
    } else if (options.client) {
      this.sendCommand = commandSender(options.client)
    } else {
      throw new TypeError('RedisStore: pass { sendCommand: (...args) => client.call(...args) } or { client }')
    }
    this.prefix = options.prefix ?? 'rampart-rl:'
    if (typeof this.prefix !== 'string') throw new TypeError('RedisStore: prefix must be a string')
    this.timeout = options.timeout ?? 2000
    if (!(this.timeout > 0))
      throw new TypeError('RedisStore: timeout must be a positive number of milliseconds')
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

  /** One command, failing after `timeout` ms rather than waiting for a lost server. */
  _send(args) {
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`RedisStore: Redis did not answer within ${this.timeout} ms`)),
        this.timeout,
      )
    })
    return Promise.race([Promise.resolve().then(() => this.sendCommand(...args)), timeout]).finally(() =>
      clearTimeout(timer),
    )
  }

  async _run(which, key, args) {
    const { sha, source } = SCRIPTS[which]
    const rest = ['1', this.prefix + key, ...args]
    try {
      return await this._send(['EVALSHA', sha, ...rest])
    } catch (err) {
      if (!/NOSCRIPT/i.test(String(err && err.message))) throw err
      return this._send(['EVAL', source, ...rest]) // runs and caches the script again
    }
  }

  /** Counts one hit at `now` against `limit` (the middleware's entry point). */
  async hit(key, now, limit) {
    const reply = await this._run(this.algorithm === 'gcra' ? 'gcra' : 'fixed', String(key), [
      String(now),
      String(this.windowMs),
      String(limit === undefined ? this.limit : limit),
    ])
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new TypeError(`RedisStore: unexpected reply from Redis: ${JSON.stringify(reply)}`)
    }
    return { totalHits: Number(reply[0]), resetTime: new Date(Math.ceil(Number(reply[1]))) }
  }

  increment(key) {
    return this.hit(key, Date.now(), this.limit)
  }

  async decrement(key, limit) {
    await this._run('decrement', String(key), [
      String(Date.now()),
      String(this.windowMs),
      String(limit === undefined ? this.limit : limit),
    ])
  }

  async get(key) {
    const reply = await this._send(['HMGET', this.prefix + key, 'h', 'r', 't'])
    if (!Array.isArray(reply)) return undefined
    const now = Date.now()
    const [h, r, t] = reply.map((v) => (v === null || v === undefined ? undefined : Number(v)))
    if (r !== undefined) return r > now ? { totalHits: h || 0, resetTime: new Date(Math.ceil(r)) } : undefined
    if (t !== undefined && t > now) {
      const per = this.windowMs / Math.max(1, this.limit)
      return {
        totalHits: Math.min(this.limit, Math.ceil((t - now) / per)),
        resetTime: new Date(Math.ceil(t)),
      }
    }
    return undefined
  }

  async resetKey(key) {
    await this._send(['DEL', this.prefix + key])
  }

  /** Deletes every key under this store's prefix (SCAN, then DEL in batches). */
  async resetAll() {
    let cursor = '0'
    do {
      const [next, keys] = await this._send([
        'SCAN',
        cursor,
        'MATCH',
        `${globEscape(this.prefix)}*`,
        'COUNT',
        '1000',
      ])
      cursor = String(next)
      if (keys.length > 0) await this._send(['DEL', ...keys])
    } while (cursor !== '0')
  }
}

function globEscape(text) {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}

module.exports = { RedisStore, SCRIPTS }
