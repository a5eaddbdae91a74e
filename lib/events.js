'use strict'
// The security-event stream: every middleware reports here, the app listens (`events.on(...)`).
const { EventEmitter } = require('node:events')

const events = new EventEmitter()

/** The contract's event types; `'*'` receives every one of them. */
const EVENT_TYPES = Object.freeze([
  'auth.failed',
  'auth.forbidden',
  'validation.failed',
  'ratelimit.exceeded',
  'cors.rejected',
  'body.rejected',
  'input.rejected',
])

/**
 * Reports a security event, `{ type, time, ip, method, path, reason }` (frozen: every
 * listener sees the same one). It costs nothing when nobody listens, so the hot path never
 * builds the object for no one. A listener that throws does not break the request: the
 * error becomes a process warning.
 */
function report(type, req, reason) {
  if (!taps.event && events.listenerCount(type) === 0 && events.listenerCount('*') === 0) return
  const event = Object.freeze({
    type,
    time: Date.now(),
    ip: req ? clientIp(req) : undefined,
    method: req && typeof req.method === 'string' ? req.method : undefined,
    path: req ? requestPath(req) : undefined,
    reason,
  })
  try {
    events.emit(type, event)
    events.emit('*', event)
  } catch (err) {
    process.emitWarning(`a listener of the ${type} security event threw: ${err && err.message}`, {
      code: 'RAMPART_EVENT_LISTENER',
    })
  }
  if (taps.event) tap('event', event, req)
}

// Internal taps for rampart/monitor, apart from the public stream so that a monitor never
// changes what `events` listeners see. The 'event' tap also gets the request (for the Express
// route label); 'rateLimit' (req, used, limit, windowMs) and 'jwt' (token, err | null) are
// measurement points that are not security events. `taps[name]` is true only while something
// taps that name, so a call site costs one property read when nothing does:
//   if (taps.rateLimit) tap('rateLimit', req, totalHits, limit, windowMs)
const tapEmitter = new EventEmitter()
// One tap per monitor (each app may mount a page): no leak warning for many apps in a process.
tapEmitter.setMaxListeners(0)
const taps = { event: false, rateLimit: false, jwt: false }

function tap(name, a, b, c, d) {
  try {
    tapEmitter.emit(name, a, b, c, d)
  } catch (err) {
    process.emitWarning(`a rampart monitor tap of ${name} threw: ${err && err.message}`, {
      code: 'RAMPART_EVENT_LISTENER',
    })
  }
}

/** Starts listening to a tap ('event', 'rateLimit', 'jwt'); returns the stop function. */
function addTap(name, listener) {
  if (!Object.hasOwn(taps, name)) throw new TypeError(`rampart: no tap named ${name}`)
  tapEmitter.on(name, listener)
  taps[name] = true
  return () => {
    tapEmitter.off(name, listener)
    taps[name] = tapEmitter.listenerCount(name) > 0
  }
}

function clientIp(req) {
  if (typeof req.ip === 'string') return req.ip
  const socket = req.socket || req.connection
  return socket ? socket.remoteAddress : undefined
}

/**
 * The full request path without the query string: `originalUrl` (Express keeps it whole
 * under a mounted router, where `req.url` and `req.path` are relative), else `url`, else `path`.
 */
function requestPath(req) {
  const url = typeof req.originalUrl === 'string' ? req.originalUrl : req.url
  if (typeof url !== 'string') return typeof req.path === 'string' ? req.path : undefined
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

module.exports = { events, report, clientIp, requestPath, EVENT_TYPES, taps, tap, addTap }
