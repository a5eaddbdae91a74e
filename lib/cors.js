'use strict'
// rampart/cors: the cors package's options and behaviour, with stricter start-up checks.
//
// Options are checked and compiled once (lib/cors/options.js). Per request: read Origin,
// decide, set two or three headers. An Origin that is not allowed gets no
// Access-Control-Allow-Origin (as with cors) and is reported as `cors.rejected`.
const { compileCorsOptions, compileOrigin } = require('./cors/options')
const { report } = require('./events')
const { tableLookup, putHeader } = require('./headers/set-headers')
const { dictionaryModeStep } = require('./dictionary-mode')
const { parseFastPaths } = require('./fast-paths')

const NO_HEADERS = Object.freeze({})

/**
 * Adds `field` (a constant, valid header value) to the response's Vary header, as the
 * `vary` package does.
 */
function appendVary(res, field, tableOf) {
  const table = tableOf(res)
  if (table !== undefined && table.vary === undefined) {
    table.vary = ['Vary', field]
    return
  }
  let current = res.getHeader('Vary')
  if (current === undefined) {
    res.setHeader('Vary', field)
    return
  }
  if (Array.isArray(current)) current = current.join(', ')
  else current = String(current)
  if (current.trim() === '*') return
  const lower = field.toLowerCase()
  for (const part of current.split(',')) {
    const token = part.trim().toLowerCase()
    if (token === '*' || token === lower) return
  }
  res.setHeader('Vary', current ? `${current}, ${field}` : field)
}

function isAllowed(origin, compiled) {
  if (typeof origin !== 'string') return false
  if (compiled.strings.has(origin)) return true
  const regexps = compiled.regexps
  for (let i = 0; i < regexps.length; i++) {
    regexps[i].lastIndex = 0
    if (regexps[i].test(origin)) return true
  }
  return false
}

function rejected(req, origin) {
  report('cors.rejected', req, `origin ${JSON.stringify(String(origin).slice(0, 200))} is not allowed`)
}

/** Sets Access-Control-Allow-Origin (and Vary) per the compiled origin rule, as cors does. */
function applyOrigin(rule, req, res, requestOrigin, tableOf) {
  switch (rule.kind) {
    case 'any':
      putHeader(res, tableOf(res), 'access-control-allow-origin', 'Access-Control-Allow-Origin', '*')
      return
    case 'fixed':
      // rule.value was validated when the options were compiled.
      putHeader(res, tableOf(res), 'access-control-allow-origin', 'Access-Control-Allow-Origin', rule.value)
      appendVary(res, 'Origin', tableOf)
      if (requestOrigin !== undefined && requestOrigin !== rule.value) rejected(req, requestOrigin)
      return
    case 'reflect':
      if (requestOrigin) res.setHeader('Access-Control-Allow-Origin', requestOrigin)
      appendVary(res, 'Origin', tableOf)
      return
    default:
      if (isAllowed(requestOrigin, rule)) {
        res.setHeader('Access-Control-Allow-Origin', requestOrigin)
      } else if (requestOrigin !== undefined) {
        rejected(req, requestOrigin)
      }
      appendVary(res, 'Origin', tableOf)
  }
}

/**
 * The CORS headers of one request (origin rule already resolved to a static one), in the
 * cors package's order. Fixed headers go through the start-up-validated writers of the plan;
 * values that come from the request (its origin, its requested headers) through setHeader.
 */
function handle(plan, rule, req, res, next) {
  const headers = req.headers || NO_HEADERS
  const requestOrigin = headers.origin
  const method = req.method
  const { tableOf, noTable } = plan.fast
  if (method !== 'OPTIONS' && !(typeof method === 'string' && method.toUpperCase() === 'OPTIONS')) {
    applyOrigin(rule, req, res, requestOrigin, tableOf)
    plan.writeActual(res, noTable)
    next()
    return
  }
  // Preflight (any OPTIONS request, as in the cors package).
  applyOrigin(rule, req, res, requestOrigin, tableOf)
  plan.writePreflightHead(res, noTable)
  if (plan.allowedHeaders === null) {
    appendVary(res, 'Access-Control-Request-Headers', tableOf)
    const requested = headers['access-control-request-headers']
    if (requested) res.setHeader('Access-Control-Allow-Headers', requested)
  }
  if (plan.preflightContinue) {
    plan.writePreflightTail(res, noTable)
    next()
    return
  }
  // The tail ends with Content-Length: 0 (Safari needs it on a 204, or it waits for a body).
  res.statusCode = plan.optionsSuccessStatus
  plan.writePreflightEnd(res, noTable)
  res.end()
}

/** Runs the origin function `(origin, cb)` (or an async one), then handles the request. */
function handleDynamic(plan, req, res, next) {
  const requestOrigin = (req.headers || NO_HEADERS).origin
  let done = false
  const callback = (err, value) => {
    if (done) return
    done = true
    if (err) return next(err)
    if (!value) {
      if (requestOrigin !== undefined) rejected(req, requestOrigin)
      return next()
    }
    let rule
    try {
      rule = compileOrigin(value, plan.credentials, 'the origin function returned a value that', true)
    } catch (compileError) {
      return next(compileError)
    }
    if (rule.kind === 'off') return next()
    handle(plan, rule, req, res, next)
  }
  let result
  try {
    result = plan.origin.fn(requestOrigin, callback)
  } catch (err) {
    if (done) throw err // thrown further down the chain, after the origin function answered
    return callback(err)
  }
  if (result && typeof result.then === 'function') {
    result.then(
      (value) => callback(null, value),
      (err) => callback(err || new Error('cors: the origin function rejected')),
    )
  }
}

function run(plan, req, res, next) {
  plan.fast.toDictionaryMode(req, res)
  const kind = plan.origin.kind
  if (kind === 'function') return handleDynamic(plan, req, res, next)
  if (kind === 'off') return next()
  handle(plan, plan.origin, req, res, next)
}

/**
 * The cors package's options compiled, plus rampart's own `fastPaths` option (docs/fast-paths.md),
 * which the cors package does not know and so is taken out first.
 */
function compilePlan(options) {
  let corsOptions = options
  let fastPaths
  if (options && typeof options === 'object' && 'fastPaths' in options) {
    ;({ fastPaths, ...corsOptions } = options)
  }
  const paths = parseFastPaths(fastPaths, 'cors')
  const plan = compileCorsOptions(corsOptions)
  plan.fast = {
    tableOf: tableLookup(paths.headerTable),
    noTable: !paths.headerTable,
    toDictionaryMode: dictionaryModeStep(paths.dictionaryMode),
  }
  return plan
}

/**
 * cors(options) → middleware. `options` is the cors package's options object (origin
 * required), or a function `(req, callback(err, options))` that picks options per request.
 */
function cors(options) {
  if (typeof options === 'function') {
    const delegate = options
    const compiled = new WeakMap()
    return function corsMiddleware(req, res, next) {
      let called = false
      const done = (err, perRequest) => {
        if (called) return
        called = true
        if (err) return next(err)
        let plan
        try {
          plan = perRequest && typeof perRequest === 'object' ? compiled.get(perRequest) : undefined
          if (!plan) {
            plan = compilePlan(perRequest)
            if (perRequest && typeof perRequest === 'object') compiled.set(perRequest, plan)
          }
        } catch (optionsError) {
          return next(optionsError)
        }
        run(plan, req, res, next)
      }
      try {
        delegate(req, done)
      } catch (err) {
        if (called) throw err // thrown further down the chain, after the delegate answered
        done(err)
      }
    }
  }
  const plan = compilePlan(options)
  return function corsMiddleware(req, res, next) {
    run(plan, req, res, next)
  }
}

// `require('rampart/cors')` is cors itself, with the named export on it (as the cors package).
module.exports = Object.assign(cors, { cors })
Object.defineProperty(cors, 'default', { value: cors, writable: true, configurable: true })
