'use strict'
// RevocationList: revoked token ids (`revoke(jti, exp)`) and "log out everywhere"
// (`revokeSubject(sub, before)`: every token of `sub` issued before a time), for
// jwtAuth({ revocations }). The hot path reads only a local mirror (two Maps), never Redis:
// a token that is not revoked costs two Map lookups. With `redis`, the list lives in two
// sorted sets (score = expiry or cut-off) and every change is published; each process
// mirrors the sets, applies published changes as they arrive, and reloads them on
// (re)connect and every `pollInterval` as a bound on a missed message. While the
// subscription is down the list is `available === false`: jwtAuth answers 503 (failOpen:
// false, the default) or serves the last mirror and emits 'failOpen' (failOpen: true).
const { EventEmitter } = require('node:events')
const { redisClient } = require('../rate-limit/redis/clients')

const DEFAULT_LIFETIME = 24 * 3600
const SWEEP_MS = 60 * 1000

const nowSeconds = () => Math.floor(Date.now() / 1000)

function checkId(name, value) {
  if (typeof value !== 'string' || value === '' || value.length > 1024) {
    throw new TypeError(`RevocationList: ${name} must be a non-empty string`)
  }
}

function checkSeconds(name, value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`RevocationList: ${name} must be a time in seconds since the epoch`)
  }
}

// ioredis: status 'ready'; node-redis: isReady (a cluster client has only isOpen).
function subscribed(sub) {
  if (!sub) return false
  if (typeof sub.status === 'string') return sub.status === 'ready'
  return sub.isReady === true || (sub.isReady === undefined && sub.isOpen === true)
}

class RevocationList extends EventEmitter {
  /**
   * @param {object} [options] `redis` (ioredis or node-redis client, cluster or not),
   *   `prefix` ('rampart:revoked'), `failOpen` (false), `maxTokenLifetime` (seconds a
   *   subject cut-off is kept, default one day), `pollInterval` (ms, default 30000).
   */
  constructor(options = {}) {
    super()
    this.jtis = new Map() // jti -> exp (s)
    this.subjects = new Map() // sub -> cut-off (s)
    this.failOpen = options.failOpen === true
    this.maxTokenLifetime = options.maxTokenLifetime ?? DEFAULT_LIFETIME
    this.redis = null
    this.available = true
    this.servedStale = false
    this.timers = [setInterval(() => this.sweep(nowSeconds()), SWEEP_MS).unref()]
    if (options.redis !== undefined) this.connect(options)
  }

  connect(options) {
    const prefix = options.prefix ?? 'rampart:revoked'
    // One hash tag: both sets live in one cluster slot.
    this.keys = { jti: `{${prefix}}:jti`, sub: `{${prefix}}:sub` }
    this.channel = `${prefix}:events`
    this.redis = redisClient({ client: options.redis })
    this.available = false
    this.lastError = new Error('not yet synchronised with Redis')
    this.synced = this.subscribe(options.redis)
    this.synced.catch(() => {})
    const poll = options.pollInterval ?? 30000
    this.timers.push(setInterval(() => this.sync().catch(() => {}), poll).unref())
  }

  async subscribe(client) {
    const sub = client.duplicate()
    this.subscriber = sub
    const onMessage = (message) => this.apply(message)
    const down = (err) => this.lost(err)
    sub.on('error', down)
    sub.on('end', () => down(new Error('the Redis subscription ended')))
    sub.on('close', () => down(new Error('the Redis subscription closed')))
    sub.on('reconnecting', () => down(new Error('the Redis subscription is reconnecting')))
    if (typeof sub.call === 'function') {
      // ioredis re-subscribes by itself after a reconnect; 'ready' follows each one.
      sub.on('message', (channel, message) => onMessage(message))
      sub.on('ready', () => this.sync().catch(down))
      await sub.subscribe(this.channel)
    } else {
      sub.on('ready', () => this.sync().catch(down))
      if (!sub.isOpen) await sub.connect()
      await sub.subscribe(this.channel, onMessage)
    }
    await this.sync()
  }

  lost(err) {
    if (this.closed) return
    this.lastError = err
    if (!this.available) return
    this.available = false
    this.servedStale = false
    this.emit('unavailable', err)
  }

  /** Loads both sets from Redis into the mirror (merged: entries only leave by expiry). */
  async sync() {
    const now = nowSeconds()
    const [jtis, subs] = await Promise.all([
      this.redis.send(['ZRANGEBYSCORE', this.keys.jti, String(now), '+inf', 'WITHSCORES'], this.keys.jti),
      this.redis.send(
        ['ZRANGEBYSCORE', this.keys.sub, String(now - this.maxTokenLifetime), '+inf', 'WITHSCORES'],
        this.keys.sub,
      ),
    ])
    for (let i = 0; i + 1 < jtis.length; i += 2) this.addJti(String(jtis[i]), Number(jtis[i + 1]))
    for (let i = 0; i + 1 < subs.length; i += 2) this.addSubject(String(subs[i]), Number(subs[i + 1]))
    if (subscribed(this.subscriber) && !this.closed && !this.available) {
      this.available = true
      this.lastError = null
      this.emit('available')
    }
  }

  addJti(jti, exp) {
    const known = this.jtis.get(jti)
    if (known === undefined || known < exp) this.jtis.set(jti, exp)
  }

  addSubject(sub, before) {
    const known = this.subjects.get(sub)
    if (known === undefined || known < before) this.subjects.set(sub, before)
  }

  // A published change: "j <exp> <jti>" or "s <before> <sub>".
  apply(message) {
    const text = String(message)
    const space = text.indexOf(' ', 2)
    if (space < 0) return
    const value = Number(text.slice(2, space))
    if (!Number.isFinite(value)) return
    const id = text.slice(space + 1)
    if (text[0] === 'j') this.addJti(id, value)
    else if (text[0] === 's') this.addSubject(id, value)
  }

  sweep(now) {
    for (const [jti, exp] of this.jtis) if (exp <= now) this.jtis.delete(jti)
    const oldest = now - this.maxTokenLifetime
    for (const [sub, before] of this.subjects) if (before <= oldest) this.subjects.delete(sub)
  }

  async publish(key, score, id, kind) {
    await this.redis.send(['ZADD', key, 'GT', String(score), id], key)
    const floor = kind === 'j' ? nowSeconds() : nowSeconds() - this.maxTokenLifetime
    await this.redis.send(['ZREMRANGEBYSCORE', key, '-inf', `(${floor}`], key)
    await this.redis.send(['PUBLISH', this.channel, `${kind} ${score} ${id}`], this.channel)
  }

  /** Revokes the token with this `jti` until its `exp` (seconds since the epoch). */
  async revoke(jti, exp) {
    checkId('jti', jti)
    checkSeconds('exp', exp)
    if (exp <= nowSeconds()) return // already expired: nothing left to refuse
    this.addJti(jti, exp)
    if (this.redis !== null) await this.publish(this.keys.jti, exp, jti, 'j')
  }

  /** Revokes every token of `sub` issued before `before` (default now): log out everywhere. */
  async revokeSubject(sub, before = nowSeconds()) {
    checkId('sub', sub)
    checkSeconds('before', before)
    this.addSubject(sub, before)
    if (this.redis !== null) await this.publish(this.keys.sub, before, sub, 's')
  }

  /** Whether a verified payload is revoked, from the local mirror only. */
  isRevoked(payload) {
    if (this.jtis.size !== 0) {
      const jti = payload.jti
      if (typeof jti === 'string' && this.jtis.has(jti)) return true
    }
    if (this.subjects.size !== 0) {
      const before = this.subjects.get(payload.sub)
      // A token without iat cannot show it was issued after the cut-off.
      if (before !== undefined && !(typeof payload.iat === 'number' && payload.iat >= before)) return true
    }
    return false
  }

  /** For jwtAuth while unavailable: true when the mirror may be used (failOpen), once-per-outage event. */
  serveStale() {
    if (!this.failOpen) return false
    if (!this.servedStale) {
      this.servedStale = true
      this.emit('failOpen', this.lastError)
    }
    return true
  }

  /** Resolves once the mirror has loaded from Redis (immediately without Redis). */
  ready() {
    return this.synced || Promise.resolve()
  }

  async close() {
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    const sub = this.subscriber
    if (sub) {
      this.subscriber = null
      // disconnect, not quit: quit waits for a reply that a lost Redis never sends.
      try {
        await sub.disconnect()
      } catch {
        // already closed
      }
    }
  }
}

module.exports = { RevocationList }
