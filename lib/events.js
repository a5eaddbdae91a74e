'use strict'
// The security-event stream: every middleware reports here, the app listens (`events.on(...)`).
const { EventEmitter } = require('node:events')

const events = new EventEmitter()

/**
 * Reports a security event, `{ type, time, ip, method, path, reason }`. It costs nothing
 * when nobody listens, so the hot path never builds the object for no one.
 */
function report(type, req, reason) {
  if (events.listenerCount(type) === 0 && events.listenerCount('*') === 0) return
  const event = {
    type,
    time: Date.now(),
    ip: req ? clientIp(req) : undefined,
    method: req ? req.method : undefined,
    path: req ? requestPath(req) : undefined,
    reason,
  }
  events.emit(type, event)
  events.emit('*', event)
}

function clientIp(req) {
  if (typeof req.ip === 'string') return req.ip
  const socket = req.socket || req.connection
  return socket ? socket.remoteAddress : undefined
}

function requestPath(req) {
  if (typeof req.path === 'string') return req.path
  const url = req.originalUrl || req.url
  if (typeof url !== 'string') return undefined
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

module.exports = { events, report, clientIp, requestPath }
