'use strict'
// ajv's mutating options, applied to the JS value the app receives before Rust validates
// it: useDefaults, coerceTypes (true | 'array') and removeAdditional (true | 'all' |
// 'failing'). The walk follows the keywords ajv mutates through: properties,
// patternProperties, additionalProperties, items / prefixItems, allOf and $ref (local,
// $anchor and app-added schemas). anyOf, oneOf, not and if/then/else are not followed (ajv
// applies no defaults there either). Patterns are matched by the native linear-time engine.

const COERCIBLE = new Set(['number', 'integer', 'string', 'boolean', 'null'])
const MAX_DEPTH = 200

/**
 * Builds `(data) => data` that mutates `data` in place (and returns the root, which
 * coercion may replace), or null when no mutating option is set.
 */
function createMutator(schema, options, registry, hooks) {
  const useDefaults = Boolean(options.useDefaults)
  const coerce = options.coerceTypes === 'array' ? 'array' : Boolean(options.coerceTypes)
  const remove = options.removeAdditional
  if (!useDefaults && !coerce && !remove) return null
  const opts = { useDefaults, coerce, remove }
  // Every resource and anchor by absolute URI, and each subschema's base URI, so $ref
  // resolves as the validator resolves it (relative URIs, $id, $anchor, URNs).
  const ids = new Map()
  const baseOf = new WeakMap()
  ids.set(ROOT_BASE, schema)
  collectIds(schema, ids, baseOf, ROOT_BASE, 0)
  for (const [uri, s] of Object.entries(registry || {})) {
    const key = stripFragment(resolveUri(uri, ROOT_BASE) || uri)
    ids.set(key, s)
    collectIds(s, ids, baseOf, key, 0)
  }
  const ctx = { root: schema, ids, baseOf, opts, hooks }
  return (data) => walk(ctx, schema, schema, data, 0)
}

function walk(ctx, schema, base, data, depth) {
  if (schema === null || typeof schema !== 'object' || depth > MAX_DEPTH) return data
  const { opts } = ctx
  if (typeof schema.$ref === 'string') {
    const target = resolve(ctx, schema, schema.$ref)
    if (target) data = walk(ctx, target.schema, target.base, data, depth + 1)
  }
  if (opts.coerce && schema.type !== undefined) data = coerceType(schema.type, data, opts.coerce)
  if (Array.isArray(schema.allOf)) {
    for (const sub of schema.allOf) data = walk(ctx, sub, base, data, depth + 1)
  }
  if (isPlainObject(data)) walkObject(ctx, schema, base, data, depth)
  else if (Array.isArray(data)) walkArray(ctx, schema, base, data, depth)
  return data
}

function walkObject(ctx, schema, base, data, depth) {
  const { opts } = ctx
  const props = isPlainObject(schema.properties) ? schema.properties : null
  if (props && opts.useDefaults) {
    for (const key of Object.keys(props)) {
      const sub = props[key]
      if (sub && typeof sub === 'object' && 'default' in sub && data[key] === undefined) {
        data[key] = clone(sub.default)
      }
    }
  }
  const patterns = isPlainObject(schema.patternProperties) ? Object.keys(schema.patternProperties) : []
  const additional = schema.additionalProperties
  for (const key of Object.keys(data)) {
    let known = false
    if (props && Object.prototype.hasOwnProperty.call(props, key)) {
      known = true
      const next = walk(ctx, props[key], base, data[key], depth + 1)
      if (next !== data[key]) data[key] = next
    }
    for (const pattern of patterns) {
      if (ctx.hooks.matchPattern(pattern, key)) {
        known = true
        const next = walk(ctx, schema.patternProperties[pattern], base, data[key], depth + 1)
        if (next !== data[key]) data[key] = next
      }
    }
    if (known) continue
    // ajv's 'all' removes through additionalProperties (whatever its value) and, when that
    // keyword is absent, through properties: every key neither one names goes.
    if (opts.remove === 'all' && (additional !== undefined || props !== null)) {
      delete data[key]
      continue
    }
    if (additional === undefined) continue
    if (opts.remove && additional === false) {
      delete data[key]
      continue
    }
    if (additional && typeof additional === 'object') {
      if (opts.remove === 'failing' && !ctx.hooks.isValid(additional, base, data[key])) {
        delete data[key]
        continue
      }
      const next = walk(ctx, additional, base, data[key], depth + 1)
      if (next !== data[key]) data[key] = next
    }
  }
}

function walkArray(ctx, schema, base, data, depth) {
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : null
  const rest = tuple ? (Array.isArray(schema.items) ? schema.additionalItems : schema.items) : schema.items
  // ajv fills defaults for draft-07's array-form items, not for prefixItems.
  if (Array.isArray(schema.items) && ctx.opts.useDefaults) {
    for (let i = data.length; i < tuple.length; i++) {
      const sub = tuple[i]
      if (!(sub && typeof sub === 'object' && 'default' in sub)) break
      data[i] = clone(sub.default)
    }
  }
  for (let i = 0; i < data.length; i++) {
    const sub = tuple && i < tuple.length ? tuple[i] : rest
    if (sub === undefined || sub === null) continue
    const next = walk(ctx, sub, base, data[i], depth + 1)
    if (next !== data[i]) data[i] = next
  }
}

/** ajv's type coercion: the first listed type the value can become, else unchanged. */
function coerceType(type, data, mode) {
  const types = Array.isArray(type) ? type : [type]
  if (types.some((t) => hasType(t, data))) return data
  if (mode === 'array' && Array.isArray(data) && data.length === 1) {
    // ajv unwraps a one-item array, then coerces the item if it still does not fit.
    const item = data[0]
    if (types.some((t) => hasType(t, item))) return item
    for (const t of types) {
      if (!COERCIBLE.has(t)) continue
      const out = coerceTo(t, item)
      if (out !== NONE) return out
    }
    return data
  }
  for (const t of types) {
    if (!COERCIBLE.has(t) && !(t === 'array' && mode === 'array')) continue
    const out = coerceTo(t, data)
    if (out !== NONE) return out
  }
  return data
}

const NONE = Symbol('none')

function coerceTo(t, data) {
  const kind = typeof data
  switch (t) {
    case 'string':
      if (kind === 'number' || kind === 'boolean') return String(data)
      if (data === null) return ''
      return NONE
    case 'number':
    case 'integer':
      if (kind === 'boolean' || data === null) return Number(data)
      if (kind === 'string' && data && data == +data && (t === 'number' || !(data % 1))) return +data
      return NONE
    case 'boolean':
      if (data === 'false' || data === 0 || data === null) return false
      if (data === 'true' || data === 1) return true
      return NONE
    case 'null':
      if (data === '' || data === 0 || data === false) return null
      return NONE
    case 'array':
      if (kind === 'string' || kind === 'number' || kind === 'boolean' || data === null) return [data]
      return NONE
    default:
      return NONE
  }
}

function hasType(t, data) {
  switch (t) {
    case 'null':
      return data === null
    case 'boolean':
      return typeof data === 'boolean'
    case 'number':
      return typeof data === 'number'
    case 'integer':
      return typeof data === 'number' && Number.isInteger(data)
    case 'string':
      return typeof data === 'string'
    case 'array':
      return Array.isArray(data)
    case 'object':
      return isPlainObject(data)
    default:
      return false
  }
}

// A hierarchical stand-in for the root's URI when it has no $id, so relative refs resolve.
const ROOT_BASE = 'rampart:/root.json'

/** Resolves a `$ref` against its schema's base URI: a pointer, an anchor or a resource. */
function resolve(ctx, from, ref) {
  const absolute = resolveUri(ref, ctx.baseOf.get(from) || ROOT_BASE)
  if (absolute === null) return null
  const hash = absolute.indexOf('#')
  const uri = hash === -1 ? absolute : absolute.slice(0, hash)
  const fragment = hash === -1 ? '' : decodeURIComponent(absolute.slice(hash + 1))
  const doc = ctx.ids.get(uri)
  if (!doc) return null
  if (!fragment) return { schema: doc, base: doc }
  if (!fragment.startsWith('/')) {
    const anchored = ctx.ids.get(`${uri}#${fragment}`)
    return anchored ? { schema: anchored, base: doc } : null
  }
  let node = doc
  for (const raw of fragment.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part))
      return null
    node = node[part]
  }
  return { schema: node, base: doc }
}

function resolveUri(ref, base) {
  try {
    return new URL(ref, base).href
  } catch {
    // URNs and other opaque bases take only fragment-relative references.
    if (ref.startsWith('#')) return `${stripFragment(base)}${ref}`
    try {
      return new URL(ref).href
    } catch {
      return null
    }
  }
}

/** Records every `$id` (resolved against its parent), `$anchor` and `$dynamicAnchor`. */
function collectIds(schema, ids, baseOf, base, depth) {
  if (schema === null || typeof schema !== 'object' || depth > MAX_DEPTH) return
  if (!Array.isArray(schema)) {
    if (typeof schema.$id === 'string') {
      const id = resolveUri(schema.$id, base)
      if (id !== null && schema.$id.startsWith('#')) {
        ids.set(id, schema) // draft-07's anchor form
      } else if (id !== null) {
        base = stripFragment(id)
        ids.set(base, schema)
      }
    }
    for (const key of ['$anchor', '$dynamicAnchor']) {
      if (typeof schema[key] === 'string') ids.set(`${stripFragment(base)}#${schema[key]}`, schema)
    }
    baseOf.set(schema, base)
  }
  for (const value of Object.values(schema)) collectIds(value, ids, baseOf, base, depth + 1)
}

function stripFragment(uri) {
  const hash = uri.indexOf('#')
  return hash === -1 ? uri : uri.slice(0, hash)
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function clone(v) {
  return v === null || typeof v !== 'object' ? v : structuredClone(v)
}

/** The JSON Pointer of `target` inside `schema` (by identity), or null. */
function pointerTo(schema, target, depth = 0) {
  if (schema === target) return ''
  if (schema === null || typeof schema !== 'object' || depth > MAX_DEPTH) return null
  for (const key of Object.keys(schema)) {
    const rest = pointerTo(schema[key], target, depth + 1)
    if (rest !== null) return `/${encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'))}${rest}`
  }
  return null
}

module.exports = { createMutator, coerceType, pointerTo }
