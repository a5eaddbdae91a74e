'use strict'
// securityPage(): a router (mount it with app.use) that serves the live security page and
// its Server-Sent Events stream. It refuses to exist unguarded: pass `authorize` (your
// auth middleware, e.g. [jwtAuth(...), authorize('admin')]) or `allowInsecureLocal: true`,
// which serves loopback clients only. No Express import: it dispatches on req.url itself,
// so it mounts the same under Express 4, Express 5 and Connect.
const fs = require('node:fs')
const path = require('node:path')
const { addTap, EVENT_TYPES } = require('../events')
const { ipPolicy } = require('./ip')
const { PageStats } = require('./stats')
const { SseHub } = require('./sse')

const KNOWN = new Set([
  'authorize',
  'allowInsecureLocal',
  'policy',
  'ip',
  'ipSalt',
  'maxClients',
  'maxBufferBytes',
  'maxEventsPerSecond',
  'intervalMs',
])
const ASSETS = path.join(__dirname, 'assets')
// The page's own CSP: nothing from anywhere else, no inline script (its script is a file).
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

function positiveInt(value, fallback, name) {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`securityPage: ${name} must be a positive integer`)
  return value
}

function checkOptions(o) {
  if (o === null || typeof o !== 'object') throw new TypeError('securityPage: options must be an object')
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key))
      throw new TypeError(`securityPage: unknown option ${key} (known: ${[...KNOWN].join(', ')})`)
  }
  const guards = o.authorize === undefined ? [] : [o.authorize].flat()
  if (!guards.every((g) => typeof g === 'function')) {
    throw new TypeError('securityPage: authorize must be a middleware (req, res, next) or an array of them')
  }
  if (guards.length === 0 && o.allowInsecureLocal !== true) {
    throw new TypeError(
      "securityPage: refusing to mount the security page unguarded. Pass { authorize: [jwtAuth({ ... }), authorize('admin')] } " +
        '(any middleware that calls next() only for your operators), or { allowInsecureLocal: true } to serve it to loopback clients only, for local development',
    )
  }
  return {
    guards,
    localOnly: o.allowInsecureLocal === true,
    maxClients: positiveInt(o.maxClients, 5, 'maxClients'),
    maxBufferBytes: positiveInt(o.maxBufferBytes, 256 * 1024, 'maxBufferBytes'),
    maxEventsPerSecond: positiveInt(o.maxEventsPerSecond, 50, 'maxEventsPerSecond'),
    intervalMs: positiveInt(o.intervalMs, 1000, 'intervalMs'),
  }
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/

/**
 * A loopback peer that no proxy forwarded: behind a reverse proxy on the same host every
 * peer is loopback, so a forwarding header means the real client is elsewhere.
 */
function isLocal(req) {
  const socket = req.socket || req.connection
  const peer = socket && socket.remoteAddress
  if (typeof peer !== 'string' || !LOOPBACK.test(peer)) return false
  const h = req.headers || {}
  return h.forwarded === undefined && h['x-forwarded-for'] === undefined && h['x-real-ip'] === undefined
}

/** Runs the guard middlewares in order; `done()` only if every one called next() without an error. */
function runGuards(guards, req, res, next, done) {
  let i = 0
  const step = (err) => {
    if (err) return next(err)
    if (i === guards.length) return done()
    const guard = guards[i++]
    try {
      const out = guard(req, res, step)
      if (out && typeof out.then === 'function') out.then(undefined, next)
    } catch (e) {
      next(e)
    }
  }
  step()
}

const SECRET_NAME = /secret|passw|passphrase|token|credential|private|api_?key|^keys?$|cookie/i

/** The policy as the page shows it: plain data, functions named rather than run. */
function describe(value, depth = 0) {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
  if (value instanceof RegExp) return String(value)
  if (value === null || typeof value !== 'object') return value
  if (depth > 4) return '[…]'
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => describe(v, depth + 1))
  // A store, a client, a KeyObject: named, never opened (a Redis client holds its URL and password).
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null)
    return `[${(value.constructor && value.constructor.name) || 'object'}]`
  const out = {}
  for (const [k, v] of Object.entries(value).slice(0, 50)) {
    // Secrets have no place on a page: keys that look like one are masked.
    out[k] =
      SECRET_NAME.test(k) && typeof v !== 'boolean' && typeof v !== 'function'
        ? '[hidden]'
        : describe(v, depth + 1)
  }
  return out
}

function securityPage(options = {}) {
  const o = checkOptions(options)
  const policy = describe(options.policy === undefined ? {} : options.policy)
  const files = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/client.js': ['client.js', 'text/javascript; charset=utf-8'],
    '/style.css': ['style.css', 'text/css; charset=utf-8'],
  }
  const bodies = new Map(
    Object.entries(files).map(([p, [f, type]]) => [p, { body: fs.readFileSync(path.join(ASSETS, f)), type }]),
  )

  const stats = new PageStats(ipPolicy(options.ip, options.ipSalt, 'securityPage'))
  const hub = new SseHub(o)
  let headersSeen = null // the security headers the app sets, as the page's own response had them
  let sentThisSecond = 0
  let droppedEvents = 0

  const untapEvents = addTap('event', (event, req) => {
    const shown = stats.addEvent(event, req)
    if (hub.clients.size === 0) return
    if (sentThisSecond >= o.maxEventsPerSecond) {
      droppedEvents++ // a flood: the counts still show it, the list shows a sample
      return
    }
    sentThisSecond++
    hub.broadcast('security', shown)
  })
  // Rate-limit decisions run on every request: tapped only while someone watches.
  let untapDecisions = null
  let timer = null
  function watching() {
    if (timer !== null) return
    untapDecisions = addTap('rateLimit', (_req, used, limit, windowMs) =>
      stats.addDecision(used, limit, windowMs),
    )
    timer = setInterval(tick, o.intervalMs)
    if (typeof timer.unref === 'function') timer.unref()
  }
  function tick() {
    sentThisSecond = 0
    if (hub.clients.size === 0) {
      clearInterval(timer)
      timer = null
      untapDecisions()
      untapDecisions = null
      return
    }
    hub.broadcast('stats', { ...stats.snapshot(), droppedEvents, droppedClients: hub.dropped })
  }

  function serve(req, res, next) {
    const url = typeof req.url === 'string' ? req.url : '/'
    const q = url.indexOf('?')
    const p = q === -1 ? url : url.slice(0, q)
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    if (p === '/stream') return stream(req, res)
    const file = bodies.get(p)
    if (file === undefined) return next()
    if (p === '/') {
      const original = typeof req.originalUrl === 'string' ? req.originalUrl.split('?')[0] : '/'
      if (!original.endsWith('/')) {
        // /_rampart → _rampart/ (relative: the page's own links are relative to it)
        const last = original.slice(original.lastIndexOf('/') + 1)
        res.statusCode = 308
        res.setHeader('Location', `${encodeURIComponent(last)}/`)
        return res.end()
      }
      headersSeen = appHeaders(res)
    }
    res.statusCode = 200
    res.setHeader('Content-Type', file.type)
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Content-Security-Policy', PAGE_CSP)
    res.end(req.method === 'HEAD' ? undefined : file.body)
  }

  function stream(req, res) {
    const hello = {
      types: EVENT_TYPES,
      policy: { headers: headersSeen, options: policy },
      stats: stats.snapshot(),
      latest: stats.latest,
      maxEventsPerSecond: o.maxEventsPerSecond,
    }
    if (hub.accept(req, res, { event: 'hello', data: hello })) watching()
  }

  const router = function securityPageRouter(req, res, next) {
    if (o.localOnly && !isLocal(req)) return next() // invisible, as an unknown route
    runGuards(o.guards, req, res, next, () => serve(req, res, next))
  }
  /** Stops tapping events and closes the open streams (for tests and graceful shutdown). */
  router.close = () => {
    untapEvents()
    if (untapDecisions !== null) untapDecisions()
    if (timer !== null) clearInterval(timer)
    timer = null
    untapDecisions = null
    hub.closeAll()
  }
  router.stats = stats
  return router
}

// Not policy: a session cookie has no place in a page's DOM, and these change per response.
const NOT_POLICY = new Set(['set-cookie', 'date', 'etag', 'content-length', 'x-request-id'])

/** The headers the app's earlier middleware put on this response: what it sends everywhere. */
function appHeaders(res) {
  const out = {}
  const headers = typeof res.getHeaders === 'function' ? res.getHeaders() : {}
  for (const name of Object.keys(headers).sort()) {
    if (!NOT_POLICY.has(name)) out[name] = String(headers[name]).slice(0, 2000)
  }
  return out
}

module.exports = { securityPage, isLocal, describe }
