'use strict'
// What the live page shows, kept in bounded structures: events per second by type for the
// last minute, the latest events, the top sources, and the pressure on each rate limiter.
const { EVENT_TYPES } = require('../events')
const { routePattern } = require('./labels')

const SECONDS = 60
const LATEST = 50
const MAX_SOURCES = 1000
const MAX_LIMITERS = 50
const TOP = 10
const PEAK_MS = 10_000

// "more than 100 requests in 60000 ms" (rate-limit's reason) → the limiter it came from.
const LIMITER_REASON = /^more than (\d+) requests in (\d+) ms$/

class PageStats {
  constructor(ipOut) {
    this.ipOut = ipOut
    this.started = Date.now()
    this.totals = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]))
    this.seconds = [] // [{ t: second, counts: { type: n } }], oldest first, at most SECONDS
    this.latest = [] // newest last, at most LATEST
    this.sources = new Map() // shown ip → { ip, count, last, types }
    this.limiters = new Map() // 'limit/windowMs' → limiter
  }

  addEvent(event, req) {
    const type = event.type
    this.totals[type] = (this.totals[type] || 0) + 1
    const counts = this.bucket(event.time).counts
    counts[type] = (counts[type] || 0) + 1
    const ip = this.ipOut(event.ip)
    const shown = {
      type,
      time: event.time,
      ip: ip === undefined ? null : ip,
      method: event.method === undefined ? null : event.method,
      path: typeof event.path === 'string' ? event.path.slice(0, 512) : null,
      route: routePattern(req),
      reason: typeof event.reason === 'string' ? event.reason.slice(0, 512) : null,
    }
    this.latest.push(shown)
    if (this.latest.length > LATEST) this.latest.shift()
    this.addSource(ip === undefined ? '(no ip)' : ip, type, event.time)
    if (type === 'ratelimit.exceeded') {
      const m = LIMITER_REASON.exec(event.reason || '')
      const l = m ? this.limiter(Number(m[1]), Number(m[2])) : null
      if (l !== null) l.blockedEvents++
    }
    return shown
  }

  // Decisions come from the rate-limit tap (wired in lib/rate-limit.js) while a page is open.
  addDecision(used, limit, windowMs) {
    if (typeof used !== 'number' || typeof limit !== 'number' || !(limit > 0)) return
    const l = this.limiter(limit, windowMs)
    if (l === null) return
    l.decisions++
    if (used > limit) l.blocked++
    const ratio = used / limit
    // The peak of the last PEAK_MS: a flood's pressure stays on the page a while, then fades.
    const now = Date.now()
    if (ratio >= l.peak || now - l.peakAt > PEAK_MS) {
      l.peak = ratio
      l.peakAt = now
    }
  }

  limiter(limit, windowMs) {
    const key = `${limit}/${windowMs}`
    let l = this.limiters.get(key)
    if (l === undefined) {
      if (this.limiters.size >= MAX_LIMITERS) return null
      l = {
        name: `${limit} per ${windowMs / 1000} s`,
        limit,
        windowMs,
        decisions: 0,
        blocked: 0,
        blockedEvents: 0,
        peak: 0,
        peakAt: 0,
      }
      this.limiters.set(key, l)
    }
    return l
  }

  addSource(ip, type, time) {
    let s = this.sources.get(ip)
    if (s === undefined) {
      // Bounded: a spoofed-IP flood evicts the oldest sources, not the memory.
      if (this.sources.size >= MAX_SOURCES) this.sources.delete(this.sources.keys().next().value)
      s = { ip, count: 0, last: 0, types: {} }
      this.sources.set(ip, s)
    }
    s.count++
    s.last = time
    s.types[type] = (s.types[type] || 0) + 1
  }

  bucket(time) {
    const t = Math.floor(time / 1000)
    const last = this.seconds[this.seconds.length - 1]
    if (last !== undefined && last.t === t) return last
    if (last !== undefined && last.t > t) return last // a clock step back: count it in the newest
    const b = { t, counts: {} }
    this.seconds.push(b)
    while (this.seconds.length > 0 && this.seconds[0].t <= t - SECONDS) this.seconds.shift()
    return b
  }

  /** The page's periodic picture; limiter pressure is the peak used/limit of the last PEAK_MS. */
  snapshot(now = Date.now()) {
    const end = Math.floor(now / 1000)
    const byT = new Map(this.seconds.map((b) => [b.t, b.counts]))
    const rates = []
    for (let t = end - SECONDS + 1; t <= end; t++) rates.push(byT.get(t) || {})
    const top = [...this.sources.values()].sort((a, b) => b.count - a.count || b.last - a.last).slice(0, TOP)
    const limiters = [...this.limiters.values()].map((l) => ({ ...l }))
    for (const l of limiters) if (now - l.peakAt > PEAK_MS) l.peak = 0
    return { now, since: this.started, totals: { ...this.totals }, rates, top, limiters }
  }
}

module.exports = { PageStats, LIMITER_REASON }
