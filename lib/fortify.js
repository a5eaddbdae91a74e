'use strict'
// fortify(): the recommended stack in the right order, as one middleware.
const secureHeaders = require('./headers')
const cors = require('./cors')
const rateLimit = require('./rate-limit')
const { json } = require('./validate')

// A global limit that stops floods without troubling real clients; tighten per route.
const DEFAULT_RATE_LIMIT = { windowMs: 60_000, limit: 600, standardHeaders: 'draft-8', legacyHeaders: false }

function fortify(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('rampart: fortify(options) takes an object like { headers, cors, rateLimit, json }')
  }
  const unknown = Object.keys(options).filter((k) => !['headers', 'cors', 'rateLimit', 'json'].includes(k))
  if (unknown.length) {
    throw new TypeError(
      `rampart: fortify() does not know the option(s) ${unknown.join(', ')}; use headers, cors, rateLimit or json`,
    )
  }
  const stack = []
  if (options.headers !== false) stack.push(secureHeaders(asOptions(options.headers)))
  // CORS needs named origins (rampart refuses to guess), so it is on only when they are given.
  if (options.cors && options.cors.origin !== undefined) stack.push(cors(options.cors))
  if (options.rateLimit !== false)
    stack.push(rateLimit({ ...DEFAULT_RATE_LIMIT, ...asOptions(options.rateLimit) }))
  if (options.json !== false) stack.push(json(asOptions(options.json)))
  return compose(stack)
}

function asOptions(value) {
  return value === undefined || value === true ? {} : value
}

/** Runs the middlewares in order; an error or a finished response stops the chain. */
function compose(stack) {
  // Its first middleware moves req/res to V8's dictionary mode (lib/dictionary-mode.js).
  function fortified(req, res, next) {
    let index = 0
    const step = (err) => {
      if (err) return next(err)
      const middleware = stack[index++]
      if (!middleware) return next()
      try {
        middleware(req, res, step)
      } catch (thrown) {
        next(thrown)
      }
    }
    step()
  }
  fortified.stack = stack
  return fortified
}

module.exports = { fortify }
