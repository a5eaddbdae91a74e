'use strict'
// Time spans as jsonwebtoken reads them (through the `ms` package): a number is seconds,
// a string is a number with an optional unit ('15m', '1h', '7d', '2 days', '1.5y'); a
// string with no unit is milliseconds ('120' is 120 ms), as in jsonwebtoken.

const UNIT_MS = {
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60000,
  min: 60000,
  mins: 60000,
  minute: 60000,
  minutes: 60000,
  h: 3600000,
  hr: 3600000,
  hrs: 3600000,
  hour: 3600000,
  hours: 3600000,
  d: 86400000,
  day: 86400000,
  days: 86400000,
  w: 604800000,
  week: 604800000,
  weeks: 604800000,
  y: 31557600000,
  yr: 31557600000,
  yrs: 31557600000,
  year: 31557600000,
  years: 31557600000,
}

const PATTERN = /^(-?(?:\d+)?\.?\d+) *([a-z]+)?$/i

/** Milliseconds in a time-span string, or undefined when it is not one (as `ms`). */
function parseMs(text) {
  if (typeof text !== 'string' || text.length === 0 || text.length > 100) return undefined
  const m = PATTERN.exec(text)
  if (!m) return undefined
  const unit = (m[2] || 'ms').toLowerCase()
  const factor = UNIT_MS[unit]
  if (factor === undefined) return undefined
  return parseFloat(m[1]) * factor
}

/**
 * `timespan(time, iat)` from jsonwebtoken: seconds since the epoch that are `time` after
 * `iat` (or now). Returns undefined when `time` is neither a number nor a span string.
 */
function timespan(time, iat, nowSeconds) {
  const timestamp = iat || nowSeconds
  if (typeof time === 'string') {
    const ms = parseMs(time)
    if (ms === undefined) return undefined
    return Math.floor(timestamp + ms / 1000)
  }
  if (typeof time === 'number') return timestamp + time
  return undefined
}

module.exports = { parseMs, timespan }
