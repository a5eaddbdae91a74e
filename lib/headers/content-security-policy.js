'use strict'
// Content-Security-Policy (or -Report-Only): helmet 8's directives, options and checks.
//
// Directives are parsed and checked once. When every value is a string the header is a
// fixed string; when some value is a function (a nonce: `(req, res) => string`) the header
// is built per request from the pre-joined parts. With `nonce: true` (fastify-helmet's
// enableCSPNonces) each request gets a fresh 128-bit nonce in `res.locals.cspNonce`, added
// to script-src and style-src.
const crypto = require('node:crypto')
const { compileHeaders } = require('./set-headers')
const { optionsObject, describe } = require('./middleware')

const NAME = 'Content-Security-Policy'
const REPORT_ONLY_NAME = 'Content-Security-Policy-Report-Only'
const dangerouslyDisableDefaultSrc = Symbol('dangerouslyDisableDefaultSrc')

// Keywords that are only meaningful quoted: `self` unquoted is a host named "self".
const MUST_BE_QUOTED = new Set([
  'none',
  'self',
  'strict-dynamic',
  'report-sample',
  'inline-speculation-rules',
  'unsafe-inline',
  'unsafe-eval',
  'unsafe-hashes',
  'wasm-unsafe-eval',
])
const DIRECTIVE_NAME = /^[a-z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/

/** helmet 8's default directives (a fresh copy each call). */
function getDefaultDirectives() {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'font-src': ["'self'", 'https:', 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", 'https:', "'unsafe-inline'"],
    'upgrade-insecure-requests': [],
  }
}

function dashed(name) {
  return name.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase())
}

function parseDirectiveName(raw) {
  if (!DIRECTIVE_NAME.test(raw)) {
    throw new Error(`${NAME} received an invalid directive name ${JSON.stringify(raw)}`)
  }
  return dashed(raw)
}

/** An Error if the joined directive value would break the header's syntax, else null. */
function valueError(directive, value) {
  return /[;,]/.test(value)
    ? new Error(`${NAME} received an invalid directive value for ${JSON.stringify(directive)}`)
    : null
}

/** An Error if one source is a keyword or nonce/hash that is missing its quotes, else null. */
function entryError(directive, entry) {
  if (typeof entry !== 'string') {
    return new Error(
      `${NAME} received an invalid directive value for ${JSON.stringify(directive)}: a function returned ${describe(entry)}, not a string`,
    )
  }
  if (
    MUST_BE_QUOTED.has(entry) ||
    entry.startsWith('nonce-') ||
    entry.startsWith('sha256-') ||
    entry.startsWith('sha384-') ||
    entry.startsWith('sha512-')
  ) {
    return new Error(
      `${NAME} received an invalid directive value for ${JSON.stringify(directive)}. ${JSON.stringify(entry)} should be quoted`,
    )
  }
  return null
}

/**
 * Parses the options into an ordered Map of directive name → array of sources (strings or
 * functions), with helmet's start-up checks. `defaults` is the directive set `useDefaults`
 * starts from.
 */
function parseDirectives(options, defaults = getDefaultDirectives()) {
  const { useDefaults = true, directives: raw = {} } = options
  if (raw === null || typeof raw !== 'object') {
    throw new TypeError(`${NAME}: \`directives\` must be an object, got ${describe(raw)}`)
  }
  const result = new Map(useDefaults ? Object.entries(defaults) : [])
  let defaultSrcDisabled = false
  const seen = new Set()

  for (const rawName of Object.keys(raw)) {
    const name = parseDirectiveName(rawName)
    if (seen.has(name)) throw new Error(`${NAME} received a duplicate directive ${JSON.stringify(name)}`)
    seen.add(name)

    const rawValue = raw[rawName]
    let sources
    if (rawValue === null) {
      if (name === 'default-src') {
        throw new Error(
          `${NAME} needs a default-src but it was set to \`null\`. If you really want to disable it, set it to \`contentSecurityPolicy.dangerouslyDisableDefaultSrc\`.`,
        )
      }
      result.delete(name)
      continue
    } else if (typeof rawValue === 'string') {
      sources = [rawValue]
    } else if (rawValue === dangerouslyDisableDefaultSrc) {
      if (name !== 'default-src') {
        throw new Error(
          `${NAME}: tried to disable ${JSON.stringify(name)} as if it were default-src; simply omit the key`,
        )
      }
      defaultSrcDisabled = true
      result.delete(name)
      continue
    } else if (rawValue && typeof rawValue[Symbol.iterator] === 'function') {
      sources = Array.from(rawValue)
    } else {
      throw new Error(`${NAME} received an invalid directive value for ${JSON.stringify(name)}`)
    }

    for (const source of sources) {
      if (typeof source === 'function') continue
      if (typeof source !== 'string') {
        throw new Error(
          `${NAME} received an invalid directive value for ${JSON.stringify(name)}: ${describe(source)} is neither a string nor a function`,
        )
      }
      const err = valueError(name, source) || entryError(name, source)
      if (err) throw err
    }
    result.set(name, sources)
  }

  if (result.size === 0) {
    throw new Error(`${NAME} has no directives. Either set some or disable the header`)
  }
  if (!result.has('default-src') && !defaultSrcDisabled) {
    throw new Error(
      `${NAME} needs a default-src but none was provided. If you really want to disable it, set it to \`contentSecurityPolicy.dangerouslyDisableDefaultSrc\`.`,
    )
  }
  return result
}

const NONCE_DIRECTIVES = ['script-src', 'style-src']

/** `'nonce-…'` for this response (set by the policy's value function just before). */
function nonceSource(_req, res) {
  return `'nonce-${res.locals.cspNonce}'`
}

/**
 * Adds the per-request nonce to script-src and style-src. A missing one starts from
 * default-src's sources (what the browser would have fallen back to), without 'none',
 * which may not stand next to a nonce.
 */
function addNonceSources(directives) {
  const fallback = directives.get('default-src') || []
  for (const name of NONCE_DIRECTIVES) {
    const base = directives.has(name) ? directives.get(name) : fallback
    directives.set(name, [...base.filter((s) => s !== "'none'"), nonceSource])
  }
}

/** Wraps the per-request value so it first makes the response's nonce. */
function withNonce(build) {
  return function contentSecurityPolicyWithNonce(req, res) {
    const locals = res.locals || (res.locals = {})
    locals.cspNonce = crypto.randomBytes(16).toString('base64')
    return build(req, res)
  }
}

/**
 * Compiles CSP options into `{ name, value }` where value is a fixed string, or a function
 * `(req, res) => string | Error` when a directive holds a function. `separator` is helmet's
 * `;` unless a preset asks for another.
 */
function compileContentSecurityPolicy(options, { defaults, separator = ';' } = {}) {
  const opts = optionsObject(NAME, options)
  const name = opts.reportOnly ? REPORT_ONLY_NAME : NAME
  const directives = parseDirectives(opts, defaults)
  if (opts.nonce !== undefined && typeof opts.nonce !== 'boolean') {
    throw new TypeError(`${NAME}: \`nonce\` must be true or false`)
  }
  if (opts.nonce) addNonceSources(directives)

  let dynamic = false
  for (const sources of directives.values()) if (sources.some((s) => typeof s === 'function')) dynamic = true

  if (!dynamic) {
    const parts = []
    for (const [directive, sources] of directives) {
      const joined = sources.join(' ')
      parts.push(joined ? `${directive} ${joined}` : directive)
    }
    return { name, value: parts.join(separator) }
  }

  // Per request: the text between function values is joined once now, so a request only
  // calls the functions, checks their results and concatenates. The result is the string
  // helmet builds (each directive is its name plus " source" per source).
  const pieces = [] // strings, and { fn, directive } for function values
  let text = ''
  let first = true
  for (const [directive, sources] of directives) {
    if (!first) text += separator
    first = false
    text += directive
    for (const source of sources) {
      if (typeof source === 'function') {
        pieces.push(text + ' ', { fn: source, directive })
        text = ''
      } else {
        text += ' ' + source
      }
    }
  }
  pieces.push(text)
  const value = function contentSecurityPolicyValue(req, res) {
    let header = ''
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]
      if (typeof piece === 'string') {
        header += piece
        continue
      }
      let source
      try {
        source = piece.fn(req, res)
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err))
      }
      const err = entryError(piece.directive, source) || valueError(piece.directive, source)
      if (err) return err
      header += source
    }
    return header
  }
  return { name, value: opts.nonce ? withNonce(value) : value }
}

function contentSecurityPolicy(options = {}) {
  const { name, value } = compileContentSecurityPolicy(options)
  if (typeof value === 'string') {
    const write = compileHeaders([[name, value]])
    return function contentSecurityPolicyMiddleware(_req, res, next) {
      write(res)
      next()
    }
  }
  return function contentSecurityPolicyMiddleware(req, res, next) {
    const header = value(req, res)
    if (header instanceof Error) return next(header)
    res.setHeader(name, header)
    next()
  }
}
contentSecurityPolicy.getDefaultDirectives = getDefaultDirectives
contentSecurityPolicy.dangerouslyDisableDefaultSrc = dangerouslyDisableDefaultSrc

module.exports = {
  NAME,
  REPORT_ONLY_NAME,
  contentSecurityPolicy,
  compileContentSecurityPolicy,
  getDefaultDirectives,
  dangerouslyDisableDefaultSrc,
}
