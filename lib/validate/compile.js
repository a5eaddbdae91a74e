'use strict'
// compile(schema, options) → (data) => boolean with ajv's `.errors`. The schema compiles
// once in Rust (jsonschema on the linear-time regex crate); mutating options run in JS
// on the app's own object first (mutate.js), then Rust validates the result.

const native = require('../native')
const { createMutator, pointerTo } = require('./mutate')
const { emitValidator, emitExplainer, stringChecks } = require('./emit')

const KNOWN = new Set([
  'allErrors',
  'coerceTypes',
  'removeAdditional',
  'useDefaults',
  'validateFormats',
  'schemas',
  'draft',
  'strict',
  'strictSchema',
  'strictTypes',
  'strictTuples',
  'strictRequired',
  'allowUnionTypes',
  'messages',
  'verbose',
  'logger',
  'formats',
  'ajvErrors',
])
// ajv options whose behaviour rampart does not have: refused at start-up, never ignored.
const REFUSED = {
  $data: 'the $data reference is not supported',
  loadSchema: 'remote schemas are never fetched; add them with options.schemas',
  jtd: 'JSON Type Definition is not supported; use JSON Schema',
  discriminator: 'the discriminator keyword is not supported',
  ownProperties: 'only own properties are ever validated (the value is serialized as JSON)',
  keywords: 'custom keywords are not supported',
  code: 'standalone code generation is not supported',
  unicodeRegExp: 'patterns always use the Unicode-aware linear-time engine',
}
const ROOT_URI = 'urn:rampart:schema'
// Per-request calls go through a numeric id (cheaper than a native class method); the id
// is freed when its validator is garbage-collected.
const released = new FinalizationRegistry((id) => native.releaseSchemaId(id))

/** Checks and normalises compile() options (throws at start-up on a wrong one). */
function normalizeOptions(options) {
  if (options === undefined || options === null) options = {}
  if (typeof options !== 'object') throw new TypeError('rampart/validate: options must be an object')
  for (const key of Object.keys(options)) {
    if (Object.prototype.hasOwnProperty.call(REFUSED, key) && options[key] !== undefined) {
      throw new TypeError(`rampart/validate: option ${key} cannot be honoured: ${REFUSED[key]}`)
    }
    if (!KNOWN.has(key)) throw new TypeError(`rampart/validate: unknown option ${key}`)
  }
  const { coerceTypes, removeAdditional } = options
  if (coerceTypes !== undefined && typeof coerceTypes !== 'boolean' && coerceTypes !== 'array') {
    throw new TypeError("rampart/validate: coerceTypes must be true, false or 'array'")
  }
  if (
    removeAdditional !== undefined &&
    typeof removeAdditional !== 'boolean' &&
    removeAdditional !== 'all' &&
    removeAdditional !== 'failing'
  ) {
    throw new TypeError("rampart/validate: removeAdditional must be true, false, 'all' or 'failing'")
  }
  if (options.useDefaults !== undefined && typeof options.useDefaults !== 'boolean') {
    throw new TypeError('rampart/validate: useDefaults must be a boolean')
  }
  if (options.formats !== undefined) {
    throw new TypeError(
      'rampart/validate: custom formats are not supported; the contract formats are built in',
    )
  }
  return {
    allErrors: Boolean(options.allErrors),
    coerceTypes: coerceTypes || false,
    removeAdditional: removeAdditional || false,
    useDefaults: Boolean(options.useDefaults),
    validateFormats: options.validateFormats !== false,
    schemas: normalizeSchemas(options.schemas),
    draft: normalizeDraft(options.draft),
  }
}

/** options.draft: the draft of a schema that has no $schema ('2020-12' default, or '07'). */
function normalizeDraft(draft) {
  if (draft === undefined || draft === null) return null
  const name = String(draft)
  if (!/^(draft-?)?(2020-12|2019-09|0?7|0?6|0?4)$/.test(name)) {
    throw new TypeError(`rampart/validate: unknown draft ${name} (use '2020-12' or '07')`)
  }
  return name
}

/** options.schemas: an array of schemas with `$id`, or an object of schemas by URI. */
function normalizeSchemas(schemas) {
  if (schemas === undefined || schemas === null) return null
  const out = {}
  if (Array.isArray(schemas)) {
    for (const s of schemas) {
      if (!s || typeof s !== 'object' || typeof s.$id !== 'string') {
        throw new TypeError(
          'rampart/validate: every schema in options.schemas needs an $id (or pass an object keyed by URI)',
        )
      }
      out[s.$id.replace(/#$/, '')] = s
    }
  } else if (typeof schemas === 'object') {
    for (const [uri, s] of Object.entries(schemas)) out[uri.replace(/#$/, '')] = s
  } else {
    throw new TypeError('rampart/validate: options.schemas must be an array or an object')
  }
  return out
}

function compileNative(schema, opts, registry) {
  let text
  try {
    text = JSON.stringify(schema)
  } catch (err) {
    throw new TypeError(`rampart/validate: the schema cannot be serialized as JSON: ${err.message}`)
  }
  if (typeof text !== 'string')
    throw new TypeError('rampart/validate: a schema must be an object or a boolean')
  const compileSchema = native.compileSchema // a missing addon throws its own error, unwrapped
  try {
    return compileSchema(
      text,
      opts.allErrors,
      opts.validateFormats,
      registry ? JSON.stringify(registry) : null,
      opts.draft,
    )
  } catch (err) {
    const e = new Error(`rampart/validate: ${err.message}`)
    e.code = 'ERR_INVALID_SCHEMA'
    throw e
  }
}

/**
 * Compiles `schema` into `(data) => boolean`; `.errors` holds ajv-shaped errors after a
 * failure and null after a success.
 */
function compile(schema, options) {
  return compileWith(schema, options, true)
}

/**
 * The JavaScript side of schema `id`'s plan (emit.js), each part made on first use from one
 * description read once from Rust: `fast()` the emitted validator (null without a plan),
 * `explain()` the explain function, `plan()` the description. Routes never hit cost nothing
 * at start-up. Native calls go through `native` each time, so metrics({ nativeDurations })
 * can time them; json() shares this with compile() (data nested deeper than `depthLimit`
 * is left to Rust).
 */
function emitter(id, depthLimit) {
  const checks = stringChecks(
    (slots, strings) => native.checkStringsById(id, slots, strings),
    (slot, string) => native.checkStringById(id, slot, string),
  )
  let description
  const plan = () => (description === undefined ? (description = native.schemaPlanById(id)) : description)
  return {
    plan,
    fast: () => emitValidator(plan(), checks.batch, depthLimit),
    explain: () => emitExplainer(plan(), checks.one, depthLimit),
  }
}

/** compile(), with the emitted JS validator on or off (`emit`: the bench compares both). */
function compileWith(schema, options, emit) {
  const opts = normalizeOptions(options)
  const handle = compileNative(schema, opts, opts.schemas)
  const id = handle.register()
  const mutate = createMutator(schema, opts, opts.schemas, hooksFor(schema, opts))
  const emitNow = emit ? emitter(id) : null
  let fast = emit ? undefined : null
  // The explain function (emit.js), made on the first failure: ajv's errors built in JS
  // from Rust's templates when it finds exactly one (then Rust would report that one,
  // first-error or allErrors alike); null or several errors leave the data to Rust.
  let explain

  function validate(data) {
    if (mutate !== null) data = mutate(data)
    if (fast === undefined) fast = emitNow.fast()
    if (fast !== null) {
      if (fast(data)) {
        validate.errors = null
        return true
      }
      if (explain === undefined) explain = emitNow.explain()
      const errors = explain === null ? null : explain(data)
      if (errors !== null && errors.length === 1) {
        validate.errors = errors
        return false
      }
    }
    let text
    try {
      text = JSON.stringify(data)
    } catch (err) {
      return fail(validate, 'type', `must be a JSON value (${err.message})`)
    }
    if (text === undefined) return fail(validate, 'type', 'must be a JSON value')
    // JSON.stringify writes NaN and ±Infinity as null: Rust would judge a null the app does
    // not hold (-Infinity passing `type: ['number', 'null'], minimum: 0`).
    if (text.includes('null') && hasNonFinite(data, 0)) {
      return fail(validate, 'type', 'must be a JSON value (NaN and Infinity are not)')
    }
    const out = native.validateJsonById(id, text)
    if (out === null) {
      validate.errors = null
      return true
    }
    if (out.charCodeAt(0) === 33 /* '!' */) {
      // JSON.stringify escapes a lone UTF-16 surrogate ("\ud800"), which Rust strings cannot
      // hold: validate again with each one as U+FFFD (same length), as ajv sees a string.
      const wellFormed = LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE_ALL, replaceLone) : null
      if (wellFormed !== null && wellFormed !== text) {
        const again = handle.validateJson(wellFormed)
        if (again === null) {
          validate.errors = null
          return true
        }
        if (again.charCodeAt(0) !== 33) {
          validate.errors = JSON.parse(again)
          return false
        }
      }
      return fail(validate, 'type', out.slice(1))
    }
    validate.errors = JSON.parse(out)
    return false
  }
  validate.schema = schema
  validate.native = handle
  validate.schemaId = id
  // Whether the emitted JS validator exists (emitting it now if not yet done).
  Object.defineProperty(validate, 'emitted', {
    get: () => {
      if (fast === undefined) fast = emitNow.fast()
      return fast !== null
    },
  })
  released.register(validate, id)
  validate.options = opts
  validate.errors = null
  return validate
}

// An escaped backslash (kept) or the escape of a lone surrogate (JSON.stringify writes
// only lone ones as escapes; pairs stay raw characters).
const LONE_SURROGATE = /\\ud[89a-f]/
const LONE_SURROGATE_ALL = /\\(?:\\|u(d[89a-f][0-9a-f]{2}))/g
const replaceLone = (match, lone) => (lone ? '\\ufffd' : match)

function hasNonFinite(value, depth) {
  if (typeof value === 'number') return !Number.isFinite(value)
  if (value === null || typeof value !== 'object' || depth > 256) return false
  for (const v of Object.values(value)) if (hasNonFinite(v, depth + 1)) return true
  return false
}

function fail(validate, keyword, message) {
  validate.errors = [{ instancePath: '', schemaPath: '#', keyword, params: {}, message }]
  return false
}

/** Native checks the mutator needs: linear-time pattern matching and sub-schema validity. */
function hooksFor(root, opts) {
  const patterns = new Map()
  const subs = new WeakMap()
  return {
    matchPattern(pattern, key) {
      let h = patterns.get(pattern)
      if (h === undefined) {
        h = native.compileSchema(JSON.stringify({ pattern }), false, false, null, null)
        patterns.set(pattern, h)
      }
      return h.validateJson(JSON.stringify(key)) === null
    },
    isValid(sub, base, value) {
      let h = subs.get(sub)
      if (h === undefined) {
        const pointer = pointerTo(base, sub) ?? ''
        const uri = typeof base.$id === 'string' ? base.$id.replace(/#$/, '') : ROOT_URI
        const registry = { ...(opts.schemas || {}), [uri]: base }
        h = native.compileSchema(
          JSON.stringify({ $ref: `${uri}#${pointer}` }),
          false,
          opts.validateFormats,
          JSON.stringify(registry),
          opts.draft,
        )
        subs.set(sub, h)
      }
      const text = JSON.stringify(value)
      return text !== undefined && h.validateJson(text) === null
    },
  }
}

module.exports = { compile, compileWith, normalizeOptions, emitter }
