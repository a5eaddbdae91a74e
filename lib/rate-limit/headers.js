'use strict'
// Rate-limit response headers, in express-rate-limit 8's exact formats:
//   legacy:  X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (epoch seconds) + Date
//   draft-6: RateLimit-Policy "L;w=W", RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset
//   draft-7: RateLimit-Policy "L;w=W", RateLimit "limit=L, remaining=R, reset=S"
//   draft-8: RateLimit "\"name\"; r=R; t=S", RateLimit-Policy "\"name\"; q=L; w=W; pk=:PK:"
//   Retry-After (seconds) on a blocked request.
// Everything that does not change per request (the limit, the policy) is computed once.
const crypto = require('node:crypto')
const http = require('node:http')
const { tableLookup, putHeader } = require('../headers/set-headers')

const SUPPORTED_DRAFTS = ['draft-6', 'draft-7', 'draft-8']

/** Seconds until `resetMs`, never negative; the whole window when there is no reset time. */
function resetSeconds(windowMs, resetMs, now) {
  if (resetMs === undefined) return Math.ceil(windowMs / 1000)
  const delta = Math.ceil((resetMs - now) / 1000)
  return delta > 0 ? delta : 0
}

/** draft-8's partition key: base64 of the first 12 hex digits of the key's SHA-256. */
function partitionKey(key) {
  const hex = crypto.createHash('sha256').update(String(key)).digest('hex').slice(0, 12)
  return Buffer.from(hex).toString('base64')
}

// The HTTP date of the current second, made once a second rather than once a request.
let dateSecond = NaN
let dateText = ''
function httpDate(now) {
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(now).toUTCString()
  }
  return dateText
}

function appendHeader(res, name, value) {
  const prev = res.getHeader(name)
  res.setHeader(name, prev === undefined ? value : [].concat(prev, value))
}

/**
 * A function `(res, limit, remaining, resetMs, now, key, name)` that writes the headers
 * `legacy` and `draft` ask for. `constLimit` is the limit when it is a fixed number, so
 * its strings are made once. `headerTable: false` always goes through setHeader.
 */
function headerWriter({ legacy, draft, windowMs, constLimit, headerTable }) {
  const tableOf = tableLookup(headerTable)
  const windowSeconds = Math.ceil(windowMs / 1000)
  const fixed = typeof constLimit === 'number'
  const limitText = fixed ? String(constLimit) : ''
  const policyText = fixed ? `${constLimit};w=${windowSeconds}` : ''
  const draftPolicy8 = fixed ? `; q=${constLimit}; w=${windowSeconds}; pk=:` : ''
  let lastKey
  let lastPk = ''
  let checkedName

  // The caller checks that the headers are not sent yet.
  return function writeHeaders(res, limit, remaining, resetMs, now, key, name) {
    const limitStr = fixed && limit === constLimit ? limitText : String(limit)
    // A limit from the user's function that is not a number may carry anything: then every
    // value goes through setHeader's checks instead of straight into the table.
    const t = typeof limit === 'number' ? tableOf(res) : undefined
    if (legacy) {
      putHeader(res, t, 'x-ratelimit-limit', 'X-RateLimit-Limit', limitStr)
      putHeader(res, t, 'x-ratelimit-remaining', 'X-RateLimit-Remaining', String(remaining))
      if (resetMs !== undefined) {
        putHeader(res, t, 'date', 'Date', httpDate(now))
        putHeader(res, t, 'x-ratelimit-reset', 'X-RateLimit-Reset', String(Math.ceil(resetMs / 1000)))
      }
    }
    if (draft === false) return
    const reset = resetSeconds(windowMs, resetMs, now)
    if (draft === 'draft-7') {
      const policy = limitStr === limitText ? policyText : `${limitStr};w=${windowSeconds}`
      putHeader(res, t, 'ratelimit-policy', 'RateLimit-Policy', policy)
      putHeader(res, t, 'ratelimit', 'RateLimit', `limit=${limitStr}, remaining=${remaining}, reset=${reset}`)
    } else if (draft === 'draft-6') {
      const policy = limitStr === limitText ? policyText : `${limitStr};w=${windowSeconds}`
      putHeader(res, t, 'ratelimit-policy', 'RateLimit-Policy', policy)
      putHeader(res, t, 'ratelimit-limit', 'RateLimit-Limit', limitStr)
      putHeader(res, t, 'ratelimit-remaining', 'RateLimit-Remaining', String(remaining))
      putHeader(res, t, 'ratelimit-reset', 'RateLimit-Reset', String(reset))
    } else if (draft === 'draft-8') {
      if (key !== lastKey) {
        lastKey = key
        lastPk = partitionKey(key)
      }
      if (name !== checkedName) {
        // The policy name is the only part of these values we did not build from digits.
        http.validateHeaderValue('RateLimit', `"${name}"`)
        checkedName = name
      }
      const policy = limitStr === limitText ? draftPolicy8 : `; q=${limitStr}; w=${windowSeconds}; pk=:`
      add(res, t, 'ratelimit', 'RateLimit', `"${name}"; r=${remaining}; t=${reset}`)
      add(res, t, 'ratelimit-policy', 'RateLimit-Policy', `"${name}"${policy}${lastPk}:`)
    }
  }
}

/** Appends one header value: straight into the table when the header is not there yet. */
function add(res, table, lower, name, value) {
  if (table !== undefined && table[lower] === undefined) table[lower] = [name, value]
  else appendHeader(res, name, value)
}

function setRetryAfter(res, seconds) {
  if (!res.headersSent) res.setHeader('Retry-After', String(seconds))
}

module.exports = { SUPPORTED_DRAFTS, headerWriter, resetSeconds, partitionKey, setRetryAfter, httpDate }
