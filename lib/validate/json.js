'use strict'
// json(options): a drop-in for express.json() (body-parser) that reads the raw bytes,
// checks them in Rust in one pass (UTF-8, syntax, depth, __proto__ / constructor.prototype
// keys, and the optional schema, without building a tree), and only then lets JSON.parse
// build req.body. Errors are body-parser's (status, type, expose) or a ValidationError.

const { isUtf8 } = require('node:buffer')
const native = require('../native')
const { compile, normalizeOptions, emitter } = require('./compile')
const { closedPlan } = require('./emit')
const { ValidationError, toDetails, bodyError } = require('./errors')
const { parseLimit, typeMatcher, charsetOf, hasBody, readBody } = require('./read')
const { report } = require('../events')
const { toDictionaryMode } = require('../dictionary-mode')

// What each body status code from Rust becomes here. The numbers come from Rust
// (native.bodyStatusCodes()); a code Rust has and this table lacks fails json() at start-up.
const OUTCOMES = {
  ok: 'the body, parsed by JSON.parse',
  syntax: "400 entity.parse.failed (JSON.parse's message)",
  tooDeep: '400 entity.parse.failed (depth limit)',
  invalid: 'ValidationError (the schema errors)',
  unknownId: 'internal error (thrown)',
}
const FLAGS = new Set(['protoFlag', 'codeMask'])
let codes = null

/** The body status codes, read from Rust on the first json() made, then kept. */
function statusTable() {
  if (codes !== null) return codes
  const table = native.bodyStatusCodes()
  for (const name of Object.keys(table)) {
    if (!FLAGS.has(name) && !Object.prototype.hasOwnProperty.call(OUTCOMES, name))
      throw new Error(`rampart/validate: the native body code ${name} has no meaning here (addon mismatch)`)
  }
  for (const name of [...Object.keys(OUTCOMES), ...FLAGS]) {
    if (!Number.isInteger(table[name]))
      throw new Error(`rampart/validate: the native addon has no body code ${name} (addon mismatch)`)
  }
  codes = Object.freeze({ ...table })
  return codes
}
const PROTO_ACTIONS = new Set(['error', 'remove', 'ignore'])
const SCHEMA_OPTIONS = ['coerceTypes', 'removeAdditional', 'useDefaults', 'validateFormats', 'schemas']
const KNOWN = new Set([
  'limit',
  'type',
  'strict',
  'depth',
  'protoAction',
  'schema',
  'strictType',
  'inflate',
  'reviver',
  'verify',
  ...SCHEMA_OPTIONS,
])

function requireNative(names) {
  for (const name of names) {
    if (typeof native[name] !== 'function')
      throw new Error(`rampart/validate: the native addon has no ${name}`)
  }
}

/**
 * Checks json() options and builds `parse(buf)` → `{ body }` or an error (body-parser
 * shaped, or a ValidationError): the whole path from raw bytes to req.body.
 */
function createParser(options) {
  const opts = options || {}
  for (const key of Object.keys(opts)) {
    if (!KNOWN.has(key)) throw new TypeError(`rampart/validate: unknown json() option ${key}`)
  }
  const limit = parseLimit(opts.limit === undefined ? '100kb' : opts.limit)
  const depth = opts.depth === undefined ? 64 : opts.depth
  if (!Number.isInteger(depth) || depth < 1)
    throw new TypeError('rampart/validate: depth must be a positive integer')
  const protoAction = opts.protoAction === undefined ? 'error' : opts.protoAction
  if (!PROTO_ACTIONS.has(protoAction)) {
    throw new TypeError("rampart/validate: protoAction must be 'error', 'remove' or 'ignore'")
  }
  if (opts.reviver !== undefined && typeof opts.reviver !== 'function')
    throw new TypeError('rampart/validate: reviver must be a function')
  if (opts.verify !== undefined && typeof opts.verify !== 'function')
    throw new TypeError('rampart/validate: verify must be a function')
  const strict = opts.strict !== false
  const inflate = opts.inflate !== false
  const matches = typeMatcher(opts.type === undefined ? 'application/json' : opts.type)
  const strictType = Boolean(opts.strictType) || opts.schema !== undefined

  const { syntax, tooDeep, invalid, unknownId, protoFlag, codeMask } = statusTable()
  // Touched here so a missing addon fails at start-up; called through `native` per request
  // so metrics({ nativeDurations }) can wrap them after this json() is made.
  requireNative([
    'checkBodyById',
    'scanBody',
    'takeBodyErrors',
    'schemaPlanById',
    'checkStringsById',
    'checkStringById',
  ])
  let check = null
  let mutating = false
  if (opts.schema !== undefined) {
    const schemaOptions = { allErrors: true }
    for (const key of SCHEMA_OPTIONS) if (opts[key] !== undefined) schemaOptions[key] = opts[key]
    normalizeOptions(schemaOptions)
    check = compile(opts.schema, schemaOptions)
    // Mutating options act on the parsed object, so those schemas validate after JSON.parse.
    mutating = Boolean(
      schemaOptions.coerceTypes || schemaOptions.removeAdditional || schemaOptions.useDefaults,
    )
  }
  const schemaId = check && !mutating ? check.schemaId : -1
  const reviver = opts.reviver
  const small = smallBodyPath(schemaId, depth, reviver, strict)

  function parse(buf) {
    if (small !== null && buf.length <= SMALL_BODY) {
      const out = small(buf)
      if (out !== undefined) return out
    }
    if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3)
    if (buf.length === 0) {
      // body-parser makes an empty body {}; a schema then judges that {}.
      const body = {}
      if (check !== null && !check(body)) return new ValidationError(toDetails('body', check.errors))
      return { body }
    }
    if (strict) {
      const at = firstNonSpace(buf)
      if (at === -1) return parseFailure(buf, 'Unexpected end of JSON input')
      const c = buf[at]
      if (c !== 0x7b && c !== 0x5b) {
        return parseFailure(
          buf,
          `Unexpected token ${String.fromCharCode(c)} in JSON at position ${at}, expected an object or an array (strict mode)`,
        )
      }
    }
    const status = schemaId !== -1 ? native.checkBodyById(schemaId, buf, depth) : native.scanBody(buf, depth)
    if (status === unknownId) throw new Error('rampart/validate: internal error: schema id not registered')
    const code = status & codeMask
    if (code === syntax) return parseFailure(buf)
    if (code === tooDeep) {
      return bodyError(400, 'entity.parse.failed', `JSON nesting exceeds the depth limit of ${depth}`, {
        body: undefined,
      })
    }
    const proto = (status & protoFlag) !== 0
    if (proto && protoAction === 'error') {
      if (code === invalid) native.takeBodyErrors()
      return bodyError(400, 'entity.parse.failed', 'Object contains forbidden prototype property')
    }
    // 'remove' strips keys after Rust has judged the body: the schema must judge what is
    // left, which is the object JavaScript builds (validated below).
    const stripped = proto && protoAction === 'remove'
    if (code === invalid) {
      const errors = JSON.parse(native.takeBodyErrors())
      if (!stripped) return new ValidationError(toDetails('body', errors))
    }
    const text = buf.toString('utf8')
    let body
    try {
      body = stripped ? JSON.parse(text, stripProto(reviver)) : JSON.parse(text, reviver)
    } catch (err) {
      return parseFailure(buf, err.message)
    }
    if (check !== null && (schemaId === -1 || stripped) && !check(body)) {
      return new ValidationError(toDetails('body', check.errors))
    }
    return { body }
  }

  return { parse, limit, inflate, matches, strictType, verify: opts.verify }
}

// Bodies up to this size may take the small-body path: JSON.parse first (it may build up
// to ~40x the body, ~0.6 MiB, garbage once the call returns; docs/validate.md), then the JS
// validator emitted from the Rust plan.
// Larger bodies are always refused by Rust before JSON.parse allocates anything.
const SMALL_BODY = 16 * 1024

/**
 * The small-body path of json({ schema }): `(buf) => { body }` or a ValidationError, or
 * undefined to take the Rust path. It answers only for valid UTF-8 (the decoder writes U+FFFD for every bad byte, so
 * text without one came from valid UTF-8) whose text cannot spell a prototype key or hold a
 * `\u` escape (so no lone surrogate), that JSON.parse accepts and the emitted validator
 * finds valid with no container deeper than `depth` and no number it is unsure of (a
 * number beyond the double range parses as Infinity, which it refuses): the bodies the
 * Rust check would pass. Of those same bodies, one the explain function finds exactly one
 * error in is refused here with that error (built from Rust's templates). Everything else
 * goes to Rust, which decides and reports exactly as before. Null when the schema has no plan, mutates, or a
 * reviver is set (the schema judges the text, not the reviver's output). It runs before
 * any other step of parse(): whatever it does not answer gets every step as before.
 */
function smallBodyPath(schemaId, depth, reviver, strict) {
  if (schemaId === -1 || reviver !== undefined) return null
  const emitted = emitter(schemaId, depth)
  const fast = emitted.fast()
  if (fast === null) return null
  // A closed plan passes no body with a prototype key: the text search for one (the costly
  // one of the three on a large body) waits until the validator has said no.
  const closed = closedPlan(emitted.plan())
  // Made on the first rejected body (emit.js): one error it is sure of is the error the
  // Rust path would report (json() collects all errors, and there is only that one).
  let explain
  return function small(buf) {
    // No argument: Buffer#toString's own fast path for UTF-8 (an encoding name costs a lookup).
    const text = buf.toString()
    if (
      (!closed && text.indexOf('proto') !== -1) ||
      text.indexOf('\\u') !== -1 ||
      text.indexOf('\ufffd') !== -1
    )
      return undefined
    let body
    try {
      body = JSON.parse(text)
    } catch {
      return undefined
    }
    // Strict mode takes only an object or array; the Rust path words its refusal. A BOM
    // stays in the text and fails JSON.parse above, so it takes the Rust path too.
    if (strict && (typeof body !== 'object' || body === null)) return undefined
    if (fast(body)) return { body }
    if (closed && text.indexOf('proto') !== -1) return undefined
    if (explain === undefined) explain = emitted.explain()
    const errors = explain === null ? null : explain(body)
    return errors !== null && errors.length === 1 ? new ValidationError(toDetails('body', errors)) : undefined
  }
}

/** Builds the body parser; throws at start-up on a wrong option. */
function json(options) {
  const { parse, limit, inflate, matches, strictType, verify } = createParser(options)

  return function jsonParser(req, res, next) {
    toDictionaryMode(req, res)
    if (req._body || req.readableEnded) return next()
    if (!('body' in req)) req.body = undefined
    if (!hasBody(req)) return next()
    if (!matches(req)) {
      if (!strictType) return next()
      return reject(
        req,
        next,
        bodyError(
          415,
          'entity.type.unsupported',
          `unsupported media type "${req.headers['content-type'] || ''}"; this route expects JSON`,
        ),
      )
    }
    const charset = charsetOf(req.headers['content-type'])
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return reject(
        req,
        next,
        bodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`, { charset }),
        true,
      )
    }
    readBody(req, { limit, inflate }, (err, buf) => {
      if (err) return reject(req, next, err)
      if (verify) {
        try {
          verify(req, res, buf, 'utf-8')
        } catch (e) {
          const v = bodyError(e.status || e.statusCode || 403, 'entity.verify.failed', e.message)
          return reject(req, next, v)
        }
      }
      const out = parse(buf)
      if (out instanceof ValidationError) {
        report('validation.failed', req, out.message)
        return next(out)
      }
      if (out instanceof Error) return reject(req, next, out)
      req.body = out.body
      req._body = true
      next()
    })
  }
}

function reject(req, next, err, drain) {
  report('body.rejected', req, `${err.status} ${err.type}: ${err.message}`)
  if (drain) req.resume()
  next(err)
}

/** body-parser's 400: JSON.parse's own message where JSON.parse fails, with `body`. */
function parseFailure(buf, message) {
  const text = buf.toString('utf8')
  if (message === undefined) {
    try {
      JSON.parse(text)
      // JSON.parse accepts what serde_json refuses: say which, rather than blame UTF-8.
      message =
        isUtf8 && isUtf8(buf)
          ? 'Unsupported JSON in body: a number beyond the double range or a lone surrogate escape'
          : 'Invalid UTF-8 in JSON body'
    } catch (err) {
      message = err.message
    }
  }
  return bodyError(400, 'entity.parse.failed', message, {
    body: text.length > 1024 ? `${text.slice(0, 1024)}…` : text,
  })
}

function firstNonSpace(buf) {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i
  }
  return -1
}

/** A reviver that drops `__proto__` keys and `constructor.prototype`, then runs the app's. */
function stripProto(reviver) {
  return function strip(key, value) {
    if (key === '__proto__') return undefined
    if (
      key === 'constructor' &&
      value !== null &&
      typeof value === 'object' &&
      Object.prototype.hasOwnProperty.call(value, 'prototype')
    ) {
      delete value.prototype
    }
    return reviver ? reviver.call(this, key, value) : value
  }
}

module.exports = { json, createParser, statusTable, OUTCOMES }
