'use strict'
// Reading a request body the way body-parser does: content-type matching, charset,
// Content-Encoding (gzip, deflate, br through node:zlib, with the limit applied to the
// inflated size), and a byte limit that is enforced while reading.

const zlib = require('node:zlib')
const { bodyError } = require('./errors')

const UNITS = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 }

/** '100kb' → 102400, as the `bytes` package (and so body-parser) reads it. */
function parseLimit(limit) {
  if (typeof limit === 'number' && Number.isFinite(limit) && limit >= 0) return Math.floor(limit)
  if (typeof limit === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(limit)
    if (m) return Math.floor(Number(m[1]) * UNITS[(m[2] || 'b').toLowerCase()])
  }
  throw new TypeError(
    `rampart/validate: limit must be a number of bytes or a string like '100kb' (got ${String(limit)})`,
  )
}

/** Compiles `type` (string, array of strings, or function) into a request predicate. */
function typeMatcher(type) {
  if (typeof type === 'function') return type
  const list = (Array.isArray(type) ? type : [type]).map(normalizePattern)
  const verdict = rememberLast((header) => {
    const essence = mediaType(header)
    return essence !== '' && list.some((pattern) => matchesPattern(pattern, essence))
  })
  return (req) => verdict(req.headers['content-type'])
}

/**
 * `fn` with its last argument and answer kept: clients of one route send the same header
 * over and over, so the header is parsed once, not per request (`fn` must be pure).
 */
function rememberLast(fn) {
  let seen = false
  let lastIn
  let lastOut
  return (x) => {
    if (seen && x === lastIn) return lastOut
    lastOut = fn(x)
    lastIn = x
    seen = true
    return lastOut
  }
}

function normalizePattern(p) {
  if (typeof p !== 'string' || !p)
    throw new TypeError('rampart/validate: type must be a string, an array or a function')
  p = p.toLowerCase()
  if (p.startsWith('+')) return ['*', `*${p}`]
  if (!p.includes('/')) return p === 'json' ? ['application', 'json'] : ['*', p]
  const [t, s] = p.split('/')
  return [t, s]
}

function matchesPattern([t, s], essence) {
  const slash = essence.indexOf('/')
  const type = essence.slice(0, slash)
  const subtype = essence.slice(slash + 1)
  if (t !== '*' && t !== type) return false
  if (s === '*') return true
  if (s.startsWith('*+')) return subtype.endsWith(s.slice(1))
  return s === subtype
}

/** `application/json; charset=utf-8` → `application/json`, or '' when absent or malformed. */
function mediaType(header) {
  if (typeof header !== 'string') return ''
  const semi = header.indexOf(';')
  const essence = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase()
  return /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/.test(essence) ? essence : ''
}

/** The charset parameter, lower-cased, or undefined. */
const charsetOf = rememberLast((header) => {
  if (typeof header !== 'string') return undefined
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(header)
  return m ? m[1].toLowerCase() : undefined
})

/** Whether the request carries a body (type-is's hasBody). */
function hasBody(req) {
  const h = req.headers || {}
  return (
    h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && !isNaN(h['content-length']))
  )
}

/**
 * Reads the body into one Buffer, inflating it if encoded; calls back with a body-parser
 * shaped error for 413 (too large), 415 (unknown encoding) and 400 (aborted, bad length,
 * corrupt compressed data).
 */
function readBody(req, { limit, inflate }, callback) {
  const encoding = String(req.headers['content-encoding'] || 'identity').toLowerCase()
  const length =
    req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined
  let stream = req
  const chunks = []
  let received = 0
  let done = false
  if (encoding !== 'identity') {
    const make = { gzip: zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress }[
      encoding
    ]
    if (!inflate || !make) {
      return finish(
        bodyError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`, { encoding }),
      )
    }
    stream = make()
    req.pipe(stream)
  } else if (length !== undefined && length > limit) {
    return finish(tooLarge(length, limit))
  }

  stream.on('data', onData)
  stream.on('end', onEnd)
  stream.on('error', onError)
  req.on('aborted', onAborted)

  function onData(chunk) {
    if (done) return
    received += chunk.length
    if (received > limit)
      return finish(tooLarge(encoding === 'identity' ? (length ?? received) : received, limit))
    chunks.push(chunk)
  }
  function onEnd() {
    if (done) return
    if (encoding === 'identity' && length !== undefined && received !== length) {
      return finish(
        bodyError(400, 'request.size.invalid', 'request size did not match content length', {
          expected: length,
          length: received,
          received,
        }),
      )
    }
    finish(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received))
  }
  function onError(err) {
    if (done) return
    finish(
      bodyError(
        400,
        stream === req ? 'request.aborted' : 'entity.parse.failed',
        stream === req ? 'request aborted' : `invalid ${encoding} data: ${err.message}`,
      ),
    )
  }
  function onAborted() {
    if (done) return
    finish(
      bodyError(400, 'request.aborted', 'request aborted', {
        code: 'ECONNABORTED',
        expected: length,
        length,
        received,
      }),
    )
  }
  function finish(err, buf) {
    done = true
    stream.removeListener('data', onData)
    stream.removeListener('end', onEnd)
    req.removeListener('aborted', onAborted)
    if (err) {
      // Stop inflating and let Node discard whatever else the client sends.
      if (stream !== req) {
        req.unpipe(stream)
        stream.destroy()
      }
      stream.on('error', () => {})
      req.resume()
    }
    callback(err, buf)
  }
  return undefined
}

function tooLarge(length, limit) {
  return bodyError(413, 'entity.too.large', 'request entity too large', { expected: length, length, limit })
}

module.exports = { parseLimit, typeMatcher, mediaType, charsetOf, hasBody, readBody }
