'use strict'
// logEvents(logger, { ip, windowMs }): each security event as one structured line on a pino
// (or any `.warn(obj, msg)`) logger. A flood does not become a log flood: the first event
// from a source is written at once, later ones from that source are counted, and every
// window writes one summary line per source that had more (with the count), so a
// sustained flood costs one line per source per window.
const { addTap, EVENT_TYPES } = require('../events')
const { ipPolicy } = require('./ip')

const KNOWN = new Set(['ip', 'ipSalt', 'windowMs', 'maxSources'])

function checkOptions(logger, o) {
  if (!logger || typeof logger.warn !== 'function') {
    throw new TypeError('logEvents: pass a logger with a .warn(obj, msg) method (pino, or console-like)')
  }
  if (o === null || typeof o !== 'object') throw new TypeError('logEvents: options must be an object')
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key))
      throw new TypeError(`logEvents: unknown option ${key} (known: ${[...KNOWN].join(', ')})`)
  }
  const windowMs = o.windowMs === undefined ? 10_000 : o.windowMs
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new TypeError('logEvents: windowMs must be a positive integer (ms)')
  const maxSources = o.maxSources === undefined ? 10_000 : o.maxSources
  if (!Number.isInteger(maxSources) || maxSources < 1)
    throw new TypeError('logEvents: maxSources must be a positive integer')
  return { windowMs, maxSources }
}

/** Starts logging; returns the function that stops it (and writes the pending summaries). */
function logEvents(logger, options = {}) {
  const { windowMs, maxSources } = checkOptions(logger, options)
  const ipOut = ipPolicy(options.ip, options.ipSalt, 'logEvents')
  // source → { count, types } of events held back in the current window. Bounded: past
  // maxSources, new sources share one entry, so memory stays flat under a spoofed-IP flood.
  const sources = new Map()
  const OVERFLOW = Symbol('other sources')

  function write(obj, msg) {
    try {
      logger.warn(obj, msg)
    } catch (err) {
      process.emitWarning(`logEvents: the logger threw: ${err && err.message}`, {
        code: 'RAMPART_MONITOR_LOG',
      })
    }
  }

  function onEvent(event) {
    let key = event.ip === undefined ? '' : event.ip
    let held = sources.get(key)
    if (held === undefined && sources.size >= maxSources) {
      key = OVERFLOW
      held = sources.get(key)
    }
    if (held === undefined) {
      sources.set(key, { count: 0, types: Object.create(null) })
      if (key !== OVERFLOW) {
        write(lineOf(event, ipOut), `rampart security event: ${event.type}`)
        return
      }
      held = sources.get(key)
    }
    held.count++
    held.types[event.type] = (held.types[event.type] || 0) + 1
  }

  // Each window: one summary per source that had held-back events; quiet sources are forgotten.
  function flush() {
    for (const [key, held] of sources) {
      if (held.count === 0) {
        sources.delete(key)
        continue
      }
      const line = {
        event: 'rampart.security.repeated',
        count: held.count,
        types: { ...held.types },
        windowMs,
      }
      if (key === OVERFLOW) line.sources = 'other'
      else {
        const ip = ipOut(key === '' ? undefined : key)
        if (ip !== undefined) line.ip = ip
      }
      write(line, `rampart security events repeated ${held.count} times`)
      sources.set(key, { count: 0, types: Object.create(null) })
    }
  }

  const timer = setInterval(flush, windowMs)
  if (typeof timer.unref === 'function') timer.unref()
  const untap = addTap('event', onEvent)
  let stopped = false
  return function stopLogging() {
    if (stopped) return
    stopped = true
    untap()
    clearInterval(timer)
    flush()
    sources.clear()
  }
}

/** One event as a log object: the event's fields, the IP as the policy says. */
function lineOf(event, ipOut) {
  // No `time`: the logger stamps its own (pino would write the key twice).
  const line = { event: 'rampart.security', type: event.type }
  const ip = ipOut(event.ip)
  if (ip !== undefined) line.ip = ip
  if (event.method !== undefined) line.method = event.method
  if (event.path !== undefined) line.path = event.path
  if (event.reason !== undefined) line.reason = event.reason
  return line
}

module.exports = { logEvents, lineOf, EVENT_TYPES }
