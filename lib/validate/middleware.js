'use strict'
// validate({ body, query, params, headers }, options): request validation middleware.
// Every schema compiles once; a request that fails gets next(ValidationError) listing
// every failure of every location. Query, params and headers are coerced from strings by
// default, and the coerced, cleaned and defaulted values replace req.query / req.params /
// req.body (req.query is redefined on the request, since Express 5 makes it a getter).

const { compile, normalizeOptions } = require('./compile')
const { ValidationError, toDetails } = require('./errors')
const { report } = require('../events')

const LOCATIONS = ['params', 'query', 'headers', 'body']
// Strings arrive in these locations, so they are coerced unless the app says otherwise.
const STRING_LOCATIONS = new Set(['params', 'query', 'headers'])

/** Builds the middleware; throws at start-up on an unknown location or a bad schema. */
function validate(schemas, options) {
  if (!schemas || typeof schemas !== 'object') {
    throw new TypeError('rampart/validate: validate() takes { body?, query?, params?, headers? }')
  }
  for (const key of Object.keys(schemas)) {
    if (!LOCATIONS.includes(key)) {
      throw new TypeError(`rampart/validate: unknown location ${key} (use body, query, params or headers)`)
    }
  }
  const base = { ...(options || {}) }
  normalizeOptions(base) // reject bad options once, with a clear message
  const checks = []
  for (const location of LOCATIONS) {
    if (schemas[location] === undefined) continue
    const opts = { ...base, allErrors: true }
    if (STRING_LOCATIONS.has(location) && base.coerceTypes === undefined) opts.coerceTypes = 'array'
    checks.push({ location, check: compile(schemas[location], opts) })
  }

  return function validateRequest(req, res, next) {
    let details = null
    for (const { location, check } of checks) {
      let data = read(req, location)
      if (data === undefined) {
        if (location === 'body') {
          details = details || []
          details.push({ location, path: '', message: 'is required', keyword: 'required' })
          continue
        }
        data = {}
      }
      if (check(data)) {
        write(req, location, data)
      } else {
        details = details || []
        for (const d of toDetails(location, check.errors)) details.push(d)
      }
    }
    if (details === null) return next()
    const err = new ValidationError(details)
    report('validation.failed', req, err.message)
    next(err)
  }
}

function read(req, location) {
  if (location === 'headers') return req.headers ? { ...req.headers } : undefined
  return req[location]
}

/** Makes the validated value what the handler sees. Headers are never rewritten. */
function write(req, location, value) {
  if (location === 'headers') return
  if (location === 'query') {
    Object.defineProperty(req, 'query', { value, writable: true, configurable: true, enumerable: true })
    return
  }
  if (req[location] !== value) req[location] = value
}

module.exports = { validate }
