'use strict'
// traceEvents(): each security event becomes a span event on the active OpenTelemetry span
// (the request's span, under an HTTP instrumentation: report() runs inside the request).
// @opentelemetry/api is an optional peer: without it this loads nothing and does nothing.
const { addTap } = require('../events')
const { reasonCode, routePattern } = require('./labels')
const { ipPolicy } = require('./ip')

const KNOWN = new Set(['ip', 'ipSalt'])

function loadApi() {
  try {
    return require('@opentelemetry/api')
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') return null
    throw err
  }
}

/**
 * Starts adding span events; returns the stop function. Returns a no-op stop, having
 * loaded nothing, when @opentelemetry/api is not installed. Attributes follow OpenTelemetry's
 * semantic conventions where one exists (client.address, http.request.method, url.path,
 * http.route); the IP is kept, hashed or dropped as `ip` says (default 'keep').
 */
function traceEvents(options = {}) {
  if (options === null || typeof options !== 'object')
    throw new TypeError('traceEvents: options must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      throw new TypeError(`traceEvents: unknown option ${key} (known: ${[...KNOWN].join(', ')})`)
  }
  const ipOut = ipPolicy(options.ip, options.ipSalt, 'traceEvents')
  const api = loadApi()
  if (api === null) return () => {}
  return addTap('event', (event, req) => {
    const span = api.trace.getActiveSpan()
    if (span === undefined || !span.isRecording()) return
    const attributes = {
      'rampart.event.type': event.type,
      'rampart.event.reason': typeof event.reason === 'string' ? event.reason.slice(0, 256) : '',
      'rampart.event.code': reasonCode(event),
      'http.route': routePattern(req),
    }
    const ip = ipOut(event.ip)
    if (ip !== undefined) attributes['client.address'] = ip
    if (event.method !== undefined) attributes['http.request.method'] = event.method
    if (event.path !== undefined) attributes['url.path'] = event.path
    span.addEvent(`rampart.${event.type}`, attributes, event.time)
  })
}

module.exports = { traceEvents }
