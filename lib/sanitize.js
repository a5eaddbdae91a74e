'use strict'
// rampart/sanitize: sanitize-html's API (sanitizeHtml, its options and defaults) on a native
// sanitizer, plus escapeHtml and the sanitize() middleware. Policies compile once; strings
// with no '<' and no '&' never leave JavaScript.
const native = require('./native')
const { defaults, normalize, callbacksOf, SanitizeOptionsError } = require('./sanitize/options')
const { compileCallbacks } = require('./sanitize/callbacks')
const { eachString, eachFieldString, compileFields } = require('./sanitize/walk')

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const ESCAPE_CHARS = /[&<>"']/g
const NEEDS_ESCAPE = /[&<>"']/

function hasMarkup(s) {
  return s.indexOf('<') !== -1 || s.indexOf('&') !== -1
}

/**
 * What sanitizeHtml does with a value that is not a string (sanitize-html's answers,
 * minus its crashes): null and undefined give '', numbers, booleans and bigints their
 * String(), anything else (objects, arrays, functions, symbols) ''.
 */
function toInput(dirty) {
  if (typeof dirty === 'string') return dirty
  const t = typeof dirty
  if (t === 'number' || t === 'boolean' || t === 'bigint') return String(dirty)
  return ''
}

function compileNormalized(normalized) {
  const HtmlPolicy = native.HtmlPolicy // a missing addon throws its own error, unwrapped
  let policy
  try {
    policy = new HtmlPolicy(JSON.stringify(normalized))
  } catch (err) {
    throw new SanitizeOptionsError(String(err.message).replace(/^rampart\/sanitize: /, ''))
  }
  if (normalized.disallowedTagsMode !== 'completelyDiscard') return policy
  // completelyDiscard drops plain text too: no string skips the native call.
  return {
    always: true,
    clean: (input) => policy.clean(input),
    cleanMany: (inputs) => policy.cleanMany(inputs),
    records: (input) => policy.records(input),
  }
}

/**
 * A policy with JavaScript callbacks: Rust tokenizes the input into records (one call), the
 * callbacks run over them, and the native policy cleans what they produced (one call).
 * Always runs, plain text included (textFilter sees every text).
 */
function compileWithCallbacks(normalized, callbacks) {
  const policy = compileNormalized({ ...normalized, transformTags: {} })
  const run = compileCallbacks(callbacks, normalized)
  return {
    always: true,
    clean: (input) => policy.clean(run(policy.records(input))),
    cleanMany: (inputs) => inputs.map((input) => policy.clean(run(policy.records(input)))),
  }
}

// Policies behind sanitizeHtml: by options object (WeakMap), then by content, so that an
// options literal written inline in a hot path compiles once too.
const byObject = new WeakMap()
const byContent = new Map()
const MAX_BY_CONTENT = 256
let defaultPolicy

function policyFor(options) {
  if (options === undefined || options === null) {
    return defaultPolicy || (defaultPolicy = compileNormalized(normalize()))
  }
  if (typeof options !== 'object') throw new SanitizeOptionsError('options must be an object')
  let policy = byObject.get(options)
  if (policy) return policy
  const normalized = normalize(options)
  const callbacks = callbacksOf(options)
  if (callbacks) {
    // Functions are not content: cached by options object only.
    policy = compileWithCallbacks(normalized, callbacks)
    byObject.set(options, policy)
    return policy
  }
  const key = JSON.stringify(normalized)
  policy = byContent.get(key)
  if (!policy) {
    policy = compileNormalized(normalized)
    if (byContent.size >= MAX_BY_CONTENT) byContent.delete(byContent.keys().next().value)
    byContent.set(key, policy)
  }
  byObject.set(options, policy)
  return policy
}

/**
 * Sanitizes `dirty` with sanitize-html's options (merged over `sanitizeHtml.defaults`).
 * The compiled policy is cached by options object: do not mutate an options object after
 * first use.
 */
function sanitizeHtml(dirty, options) {
  const policy = policyFor(options)
  const input = toInput(dirty)
  return policy.always === true || hasMarkup(input) ? policy.clean(input) : input
}

/** Compiles `options` once and returns `(dirty) => clean`. */
function createSanitizer(options) {
  const normalized = normalize(options)
  const callbacks = callbacksOf(options)
  const policy = callbacks ? compileWithCallbacks(normalized, callbacks) : compileNormalized(normalized)
  const always = policy.always === true
  return function sanitizer(dirty) {
    const input = toInput(dirty)
    return always || hasMarkup(input) ? policy.clean(input) : input
  }
}

/** Escapes & < > " ' so that `text` is safe in HTML content and in quoted attributes. */
function escapeHtml(text) {
  const input = toInput(text)
  return NEEDS_ESCAPE.test(input) ? input.replace(ESCAPE_CHARS, (c) => ESCAPES[c]) : input
}

const MIDDLEWARE_KEYS = new Set(['mode', 'fields', 'query', 'params'])

/**
 * Middleware: cleans every string in req.body (and req.query / req.params when asked).
 * mode 'text' (default) strips every tag, 'html' applies sanitizeHtml's allowlist (its
 * options go in the same object), 'escape' escapes the text.
 */
function sanitize(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new SanitizeOptionsError('sanitize(options): options must be an object')
  }
  const mode = options.mode === undefined ? 'text' : options.mode
  const htmlOptions = {}
  for (const key of Object.keys(options)) {
    if (!MIDDLEWARE_KEYS.has(key)) htmlOptions[key] = options[key]
  }
  let policy = null
  if (mode === 'html') {
    const normalized = normalize(htmlOptions)
    const callbacks = callbacksOf(htmlOptions)
    policy = callbacks ? compileWithCallbacks(normalized, callbacks) : compileNormalized(normalized)
  } else if (mode === 'text' || mode === 'escape') {
    const extra = Object.keys(htmlOptions)
    if (extra.length > 0) {
      throw new SanitizeOptionsError(
        `sanitize(): '${extra[0]}' only applies with mode: 'html' (mode is '${mode}')`,
      )
    }
    if (mode === 'text') policy = textPolicy()
  } else {
    throw new SanitizeOptionsError(
      `sanitize(): mode must be 'text', 'html' or 'escape' (got ${JSON.stringify(mode)})`,
    )
  }
  for (const flag of ['query', 'params']) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new SanitizeOptionsError(`sanitize(): ${flag} must be a boolean`)
    }
  }
  const paths = compileFields(options.fields)
  const needsWork =
    mode === 'escape'
      ? (s) => NEEDS_ESCAPE.test(s)
      : policy && policy.always === true
        ? () => true
        : hasMarkup
  const cleanOne = mode === 'escape' ? escapeHtml : (s) => policy.clean(s)

  function cleanTree(root) {
    if (typeof root === 'string') return paths || !needsWork(root) ? root : cleanOne(root)
    if (root === null || typeof root !== 'object') return root
    const parents = []
    const keys = []
    const values = []
    const visit = (parent, key, value) => {
      if (needsWork(value)) {
        parents.push(parent)
        keys.push(key)
        values.push(value)
      }
    }
    if (paths) eachFieldString(root, paths, visit)
    else eachString({ root }, 'root', visit)
    if (values.length === 0) return root
    // One native call for the whole body from 3 strings up (measured: ~15-20% less time than
    // a call per string at 5-100 strings; no gain at 2).
    const cleaned = policy && values.length >= 3 ? policy.cleanMany(values) : values.map(cleanOne)
    for (let i = 0; i < values.length; i++) parents[i][keys[i]] = cleaned[i]
    return root
  }

  const doQuery = options.query === true
  const doParams = options.params === true
  return function sanitizeMiddleware(req, _res, next) {
    try {
      if (req.body !== undefined) req.body = cleanTree(req.body)
      if (doQuery) {
        const query = req.query
        if (query !== undefined) {
          // Express 5's req.query is a getter that parses the URL again on every read.
          Object.defineProperty(req, 'query', {
            value: cleanTree(query),
            writable: true,
            configurable: true,
            enumerable: true,
          })
        }
      }
      if (doParams && req.params !== undefined) req.params = cleanTree(req.params)
    } catch (err) {
      next(err)
      return
    }
    next()
  }
}

let cachedTextPolicy
function textPolicy() {
  return (
    cachedTextPolicy ||
    (cachedTextPolicy = compileNormalized(normalize({ allowedTags: [], allowedAttributes: {} })))
  )
}

// Non-enumerable, so that `{ ...require('rampart/sanitize') }` (lib/index.js) spreads only
// the named functions.
Object.defineProperty(sanitizeHtml, 'defaults', { value: defaults, enumerable: false })
Object.defineProperty(sanitizeHtml, 'default', { value: sanitizeHtml, enumerable: false })
sanitizeHtml.sanitizeHtml = sanitizeHtml
sanitizeHtml.createSanitizer = createSanitizer
sanitizeHtml.escapeHtml = escapeHtml
sanitizeHtml.sanitize = sanitize
sanitizeHtml.SanitizeOptionsError = SanitizeOptionsError

/** sanitize-html's simpleTransform: a transformTags function renaming the tag and setting attributes. */
sanitizeHtml.simpleTransform = function simpleTransform(newTagName, newAttribs, merge) {
  merge = merge === undefined ? true : merge
  newAttribs = newAttribs || {}
  return function (tagName, attribs) {
    if (merge) {
      for (const a of Object.keys(newAttribs)) attribs[a] = newAttribs[a]
    } else {
      attribs = newAttribs
    }
    return { tagName: newTagName, attribs }
  }
}

module.exports = sanitizeHtml
