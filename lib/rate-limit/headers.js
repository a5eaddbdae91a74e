'use strict'
// Rate-limit response headers, in express-rate-limit 8's exact formats:
//   legacy:  X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (epoch seconds) + Date
//   draft-6: RateLimit-Policy "L;w=W", RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset
//   draft-7: RateLimit-Policy "L;w=W", RateLimit "limit=L, remaining=R, reset=S"
//   draft-8: RateLimit "\"name\"; r=R; t=S", RateLimit-Policy "\"name\"; q=L; w=W; pk=:PK:"
//   Retry-After (seconds) on a blocked request.
// Everything that does not change per request (the limit, the policy) is computed once.
const crypto = require('node:crypto')

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
 * its strings are made once.
 */
function headerWriter({ legacy, draft, windowMs, constLimit }) {
  const windowSeconds = Math.ceil(windowMs / 1000)
  const fixed = typeof constLimit === 'number'
  const limitText = fixed ? String(constLimit) : ''
  const policyText = fixed ? `${constLimit};w=${windowSeconds}` : ''
  const draftPolicy8 = fixed ? `; q=${constLimit}; w=${windowSeconds}; pk=:` : ''
  let lastKey
  let lastPk = ''

  return function writeHeaders(res, limit, remaining, resetMs, now, key, name) {
    if (res.headersSent) return
    const limitStr = fixed && limit === constLimit ? limitText : String(limit)
    if (legacy) {
      res.setHeader('X-RateLimit-Limit', limitStr)
      res.setHeader('X-RateLimit-Remaining', String(remaining))
      if (resetMs !== undefined) {
        res.setHeader('Date', httpDate(now))
        res.setHeader('X-RateLimit-Reset', String(Math.ceil(resetMs / 1000)))
      }
    }
    if (draft === false) return
    const reset = resetSeconds(windowMs, resetMs, now)
    if (draft === 'draft-7') {
      res.setHeader(
        'RateLimit-Policy',
        limitStr === limitText ? policyText : `${limitStr};w=${windowSeconds}`,
      )
      res.setHeader('RateLimit', `limit=${limitStr}, remaining=${remaining}, reset=${reset}`)
    } else if (draft === 'draft-6') {
      res.setHeader(
        'RateLimit-Policy',
        limitStr === limitText ? policyText : `${limitStr};w=${windowSeconds}`,
      )
      res.setHeader('RateLimit-Limit', limitStr)
      res.setHeader('RateLimit-Remaining', String(remaining))
      res.setHeader('RateLimit-Reset', String(reset))
    } else if (draft === 'draft-8') {
      if (key !== lastKey) {
        lastKey = key
        lastPk = partitionKey(key)
      }
      const policy = limitStr === limitText ? draftPolicy8 : `; q=${limitStr}; w=${windowSeconds}; pk=:`
      appendHeader(res, 'RateLimit', `"${name}"; r=${remaining}; t=${reset}`)
      appendHeader(res, 'RateLimit-Policy', `"${name}"${policy}${lastPk}:`)
    }
  }
}

function setRetryAfter(res, seconds) {
  if (!res.headersSent) res.setHeader('Retry-After', String(seconds))
}

module.exports = { SUPPORTED_DRAFTS, headerWriter, resetSeconds, partitionKey, setRetryAfter, httpDate }
