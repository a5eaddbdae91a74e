'use strict'
// The key walk behind mongoSanitize: keys that start with `$` or contain `.` are MongoDB
// operators or dotted paths, and are removed (or renamed with `replaceWith`) at any depth,
// arrays included. express-mongo-sanitize's semantics, without its closure and regex per
// key, and bounded: a walk deeper than `depth`, or over `maxNodes` objects (a cyclic or
// shared-reference graph), stops with a 400 instead of overflowing the stack or hanging.
const { HttpError } = require('../errors/http-error')

const DOLLAR = 36 // '$'
const DEFAULT_DEPTH = 64 // levels of objects and arrays, the root counting as one (as json())
const DEFAULT_MAX_NODES = 1_000_000
// Keys a rename must never produce (express-mongo-sanitize skips them too).
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key)

/** True when `key` is refused: a leading `$`, or (unless allowDots) a `.` anywhere. */
function isProhibited(key, allowDots) {
  return key.charCodeAt(0) === DOLLAR || (!allowDots && key.indexOf('.') !== -1)
}

/**
 * express-mongo-sanitize's rename (`key.replace(/^\$|\./g, replaceWith)`): the leading `$`
 * and every `.` replaced, even under allowDots (a `$` key there may also hold dots).
 */
function rename(key, replaceWith) {
  const out = key.charCodeAt(0) === DOLLAR ? replaceWith + key.slice(1) : key
  return out.indexOf('.') === -1 ? out : out.split('.').join(replaceWith)
}

class WalkLimitError extends HttpError {
  constructor(reason) {
    super(400, `request input is ${reason}; rampart/input stops there`, { code: 'input_too_deep' })
  }
}

/**
 * Compiles `{ replaceWith, allowDots, dryRun, depth, maxNodes }` into
 * `(target) => boolean` that cleans `target` in place and says whether anything matched.
 * It throws a WalkLimitError (a 400) past the depth or node bound.
 */
function compileWalk(options = {}) {
  const allowDots = Boolean(options.allowDots)
  const dryRun = Boolean(options.dryRun)
  const maxDepth = options.depth === undefined ? DEFAULT_DEPTH : options.depth
  const maxNodes = options.maxNodes === undefined ? DEFAULT_MAX_NODES : options.maxNodes
  // A replaceWith that is itself prohibited is ignored, as in express-mongo-sanitize.
  const raw = options.replaceWith
  const replaceWith =
    typeof raw === 'string' && raw !== '' && raw !== '.' && !isProhibited(raw, allowDots) ? raw : null
  let nodes = 0

  function visit(value, depth) {
    if (value === null || typeof value !== 'object') return false
    if (depth >= maxDepth) throw new WalkLimitError(`nested deeper than ${maxDepth} levels`)
    if (++nodes > maxNodes) throw new WalkLimitError(`larger than ${maxNodes} objects (or cyclic)`)
    let found = false
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i]
        if (item !== null && typeof item === 'object' && visit(item, depth + 1)) found = true
      }
      return found
    }
    // for…in walks V8's enum cache without allocating a key array (Object.keys did, and
    // cost a third more on the 100-item order body). Inherited keys (a polluted
    // Object.prototype) are never touched: an own-property check guards every change and
    // every descent.
    for (const key in value) {
      const child = value[key]
      if (key.charCodeAt(0) !== DOLLAR && (allowDots || key.indexOf('.') === -1)) {
        if (child !== null && typeof child === 'object' && hasOwn(value, key) && visit(child, depth + 1))
          found = true
        continue
      }
      if (!hasOwn(value, key)) continue
      found = true
      if (dryRun) {
        visit(child, depth + 1)
        continue
      }
      delete value[key]
      if (replaceWith === null) continue
      const renamed = rename(key, replaceWith)
      if (UNSAFE_KEYS.has(renamed)) continue
      value[renamed] = child
      visit(child, depth + 1)
    }
    return found
  }

  return function walk(target) {
    nodes = 0
    return visit(target, 0)
  }
}

/**
 * express-mongo-sanitize's `has(obj, allowDots)`: whether any key at any depth is refused.
 * Input past the bounds counts as having one (it cannot be shown clean).
 */
function has(target, allowDots, depth = DEFAULT_DEPTH, maxNodes = DEFAULT_MAX_NODES) {
  let nodes = 0
  function visit(value, level) {
    if (value === null || typeof value !== 'object') return false
    if (level >= depth || ++nodes > maxNodes) return true
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (visit(value[i], level + 1)) return true
      return false
    }
    for (const key of Object.keys(value)) {
      if (isProhibited(key, allowDots) || visit(value[key], level + 1)) return true
    }
    return false
  }
  return visit(target, 0)
}

module.exports = { compileWalk, has, isProhibited, WalkLimitError, DEFAULT_DEPTH, DEFAULT_MAX_NODES }
