'use strict'
// Start-up checks for cors(): the cors package's options, read once, with rampart's stricter
// rules. Returns a plain "plan" the middleware follows per request.
const { checkHeader, compileHeaders } = require('../headers/set-headers')

const KNOWN = new Set([
  'origin',
  'methods',
  'allowedHeaders',
  'headers',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'preflightContinue',
  'optionsSuccessStatus',
])
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE'
// An origin is scheme://host[:port], nothing after it; 'null' is what opaque origins send.
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i
// Origins no allow-list could mean to accept: a regexp that matches them accepts anyone.
const PROBES = ['https://rampart-probe-7f3a9c.invalid', 'http://0.0.0.0:1', 'x']

function fail(message) {
  const err = new Error(`cors: ${message}`)
  err.code = 'RAMPART_CORS_OPTIONS'
  return err
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof RegExp) return String(value)
  return typeof value === 'string' ? JSON.stringify(value) : typeof value
}

/** A comma list from a string or an array of strings (cors joins arrays with ','). */
function list(name, value) {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',')
  throw fail(`\`${name}\` must be a string or an array of strings, got ${describe(value)}`)
}

function matchesAnyone(regexp) {
  return PROBES.some((probe) => {
    regexp.lastIndex = 0
    return regexp.test(probe)
  })
}

/**
 * Compiles an `origin` value (static, or the result of an origin function) into
 * `{ kind, value?, strings?, regexps? }`: 'off' | 'any' ('*') | 'reflect' (true) | 'fixed' | 'list'.
 * `decided` is set for an origin function's answer, where true allows this one origin.
 */
function compileOrigin(origin, credentials, where = '`origin`', decided = false) {
  if (origin === false || origin === null || origin === '') return { kind: 'off' }
  if (origin === '*') {
    if (credentials) {
      throw fail(
        `${where} is "*" but credentials is true: browsers refuse that, and reflecting every origin instead would let any site make credentialed requests. List the allowed origins, e.g. origin: ['https://app.example.com'].`,
      )
    }
    return { kind: 'any' }
  }
  if (origin === true) {
    // From an origin function, true means "this request's origin is allowed": it decided.
    if (credentials && !decided) {
      throw fail(
        `${where} is true (reflect any origin) with credentials: true, which lets any site make credentialed requests. List the allowed origins, e.g. origin: ['https://app.example.com'].`,
      )
    }
    return { kind: 'reflect' }
  }
  if (typeof origin === 'string') {
    checkOriginString(origin, credentials, where)
    checkHeader('Access-Control-Allow-Origin', origin)
    return { kind: 'fixed', value: origin }
  }
  if (origin instanceof RegExp || Array.isArray(origin)) {
    const strings = new Set()
    const regexps = []
    const add = (entry) => {
      if (Array.isArray(entry)) return entry.forEach(add)
      if (typeof entry === 'string') {
        if (entry === '*') {
          throw fail(
            `${where} lists "*", which the cors package compares literally (it matches nothing). Use origin: '*' for a public API, or list the origins.`,
          )
        }
        checkOriginString(entry, credentials, where)
        strings.add(entry)
      } else if (entry instanceof RegExp) {
        if (credentials && matchesAnyone(entry)) {
          throw fail(
            `${where} ${entry} matches any origin, and credentials is true: any site could make credentialed requests. Anchor it, e.g. /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/.`,
          )
        }
        regexps.push(entry)
      } else {
        throw fail(`${where} entries must be strings or RegExps, got ${describe(entry)}`)
      }
    }
    add(origin)
    return { kind: 'list', strings, regexps }
  }
  throw fail(
    `${where} must be a string, RegExp, array, boolean or function (origin, callback), got ${describe(origin)}`,
  )
}

function checkOriginString(origin, credentials, where) {
  if (origin === 'null') {
    if (credentials) {
      throw fail(
        `${where} allows "null" with credentials: true; sandboxed iframes and data: URLs send Origin: null, so any site could make credentialed requests.`,
      )
    }
    return
  }
  if (!ORIGIN.test(origin)) {
    throw fail(
      `${where} ${JSON.stringify(origin)} is not an origin: browsers send scheme://host[:port] with no path or trailing slash (e.g. "https://app.example.com"), so it would never match.`,
    )
  }
}

/** Checks the cors options once; returns the plan for the middleware. */
function compileCorsOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw fail(
      `options must be an object naming the allowed origins, e.g. cors({ origin: 'https://app.example.com' }); got ${describe(options)}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      throw fail(`unknown option ${JSON.stringify(key)}; the options are ${[...KNOWN].join(', ')}`)
  }
  const { origin, credentials, preflightContinue } = options
  if (origin === undefined) {
    throw fail(
      "name the allowed origins with `origin` (rampart does not default to '*' as the cors package does), e.g. cors({ origin: 'https://app.example.com' }), or origin: '*' for a public API without credentials.",
    )
  }
  if (credentials !== undefined && typeof credentials !== 'boolean') {
    throw fail(`\`credentials\` must be a boolean, got ${describe(credentials)}`)
  }
  if (preflightContinue !== undefined && typeof preflightContinue !== 'boolean') {
    throw fail(`\`preflightContinue\` must be a boolean, got ${describe(preflightContinue)}`)
  }
  const plan = {
    origin:
      typeof origin === 'function' ? { kind: 'function', fn: origin } : compileOrigin(origin, credentials),
    credentials: credentials === true,
    methods: options.methods === undefined ? DEFAULT_METHODS : list('methods', options.methods),
    allowedHeaders: null, // null: reflect Access-Control-Request-Headers
    exposedHeaders: null,
    maxAge: null,
    preflightContinue: preflightContinue === true,
    optionsSuccessStatus: 204,
  }
  const allowed = options.allowedHeaders || options.headers
  if (allowed) plan.allowedHeaders = list('allowedHeaders', allowed)
  if (options.exposedHeaders) {
    const exposed = list('exposedHeaders', options.exposedHeaders)
    if (exposed.length) plan.exposedHeaders = exposed
  }
  if (options.maxAge !== undefined && options.maxAge !== null && options.maxAge !== false) {
    const maxAge = options.maxAge
    const ok =
      (typeof maxAge === 'number' && Number.isFinite(maxAge) && maxAge >= 0) ||
      (typeof maxAge === 'string' && /^\d+$/.test(maxAge))
    if (!ok) throw fail(`\`maxAge\` must be a number of seconds >= 0, got ${describe(maxAge)}`)
    plan.maxAge = String(maxAge)
  }
  if (options.optionsSuccessStatus !== undefined) {
    const status = options.optionsSuccessStatus
    if (!Number.isInteger(status) || status < 200 || status > 299) {
      throw fail(`\`optionsSuccessStatus\` must be a 2xx status (browsers need one), got ${describe(status)}`)
    }
    plan.optionsSuccessStatus = status
  }
  return compileWriters(plan)
}

/** The fixed headers of each response kind, validated now and written in one pass later. */
function compileWriters(plan) {
  const credentials = plan.credentials ? [['Access-Control-Allow-Credentials', 'true']] : []
  const exposed = plan.exposedHeaders ? [['Access-Control-Expose-Headers', plan.exposedHeaders]] : []
  const head = [...credentials]
  if (plan.methods) head.push(['Access-Control-Allow-Methods', plan.methods])
  if (plan.allowedHeaders) head.push(['Access-Control-Allow-Headers', plan.allowedHeaders])
  const tail = plan.maxAge ? [['Access-Control-Max-Age', plan.maxAge], ...exposed] : exposed
  plan.writeActual = compileHeaders([...credentials, ...exposed])
  plan.writePreflightHead = compileHeaders(head)
  plan.writePreflightTail = compileHeaders(tail)
  plan.writePreflightEnd = compileHeaders([...tail, ['Content-Length', '0']])
  return plan
}

module.exports = { compileCorsOptions, compileOrigin }
