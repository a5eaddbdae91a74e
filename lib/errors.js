'use strict'
// rampart/errors: errorHandler() renders any error as RFC 9457 problem details
// (application/problem+json), logs 5xx in full to a pino-compatible logger, and never
// shows a 5xx's message, stack or cause to the client.
const crypto = require('node:crypto')
const { HttpError } = require('./errors/http-error')
const { toProblem } = require('./errors/problem')
const { events, requestPath } = require('./events')

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/
const OPTIONS = new Set(['logger', 'typeBase'])
// Headers that described the body the failed handler meant to send, not the problem.
const STALE_HEADERS = ['Content-Encoding', 'Content-Language', 'Content-Range', 'Content-Disposition', 'ETag']

const consoleLogger = {
  error(obj, msg) {
    console.error(msg, obj)
  },
}

/** The request id: the incoming X-Request-Id when it is safe to echo, else a new one. */
function requestIdOf(req) {
  const incoming = req && req.headers ? req.headers['x-request-id'] : undefined
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
}

function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('errorHandler: options must be an object')
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new TypeError(
        `errorHandler: unknown option ${JSON.stringify(key)}; the options are logger, typeBase`,
      )
    }
  }
  const { logger = consoleLogger, typeBase } = options
  if (!logger || typeof logger.error !== 'function') {
    throw new TypeError('errorHandler: `logger` must have an error(obj, msg) method (pino, or console-like)')
  }
  if (typeBase !== undefined && (typeof typeBase !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(typeBase))) {
    throw new TypeError(
      'errorHandler: `typeBase` must be an absolute URI prefix, e.g. "https://example.com/problems/"',
    )
  }
  return { logger, typeBase }
}

/** http-errors' `err.headers` (e.g. Allow, Retry-After), set when they are valid. */
function applyErrorHeaders(res, err) {
  const headers = err && typeof err === 'object' ? err.headers : undefined
  if (!headers || typeof headers !== 'object') return
  for (const name of Object.keys(headers)) {
    try {
      res.setHeader(name, headers[name])
    } catch {
      // an invalid header on an error object must not turn into a second error
    }
  }
}

/**
 * errorHandler({ logger?, typeBase? }) → Express error middleware `(err, req, res, next)`.
 * Mount it last. When the response has already started it hands over to `next(err)`.
 */
function errorHandler(options = {}) {
  const { logger, typeBase } = checkOptions(options)
  // Express finds error middleware by its four parameters, so `next` stays even when unused.
  return function rampartErrorHandler(err, req, res, next) {
    if (res.headersSent) return next(err)
    const requestId = requestIdOf(req)
    const { status, body, challenge, retryAfter } = toProblem(err, typeBase)

    if (status >= 500) {
      try {
        logger.error(
          {
            err,
            requestId,
            status,
            method: req ? req.method : undefined,
            url: req ? req.originalUrl || req.url : undefined,
          },
          `request failed (${status})`,
        )
      } catch {
        // a broken logger must not stop the response
      }
    }

    for (const name of STALE_HEADERS) res.removeHeader(name)
    applyErrorHeaders(res, err)
    if (challenge && res.getHeader('WWW-Authenticate') === undefined)
      res.setHeader('WWW-Authenticate', challenge)
    if (retryAfter && res.getHeader('Retry-After') === undefined) res.setHeader('Retry-After', retryAfter)

    const payload = JSON.stringify(body)
    res.statusCode = status
    res.setHeader('Content-Type', 'application/problem+json')
    res.setHeader('Content-Length', Buffer.byteLength(payload))
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('X-Request-Id', requestId)
    res.end(req && req.method === 'HEAD' ? undefined : payload)
  }
}

/**
 * notFound() → middleware for the end of the routes: every request that reaches it becomes
 * an HttpError(404), so errorHandler() answers unmatched routes with problem+json too.
 */
function notFound() {
  return function rampartNotFound(req, _res, next) {
    const method = req && typeof req.method === 'string' ? req.method : 'GET'
    const path = req ? requestPath(req) : undefined
    next(new HttpError(404, path ? `Cannot ${method} ${path}` : undefined))
  }
}

module.exports = { errorHandler, notFound, HttpError, events }
