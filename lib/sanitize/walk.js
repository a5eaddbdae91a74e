'use strict'
// Walking a request body (or query, or params) and replacing every string in it.

const MAX_NODES = 100000

/**
 * Calls `visit(container, key, value)` for every string reachable from `container[key]`.
 * Iterative (no recursion limit), each object seen once (cycles are safe), bounded in size.
 */
function eachString(container, key, visit) {
  const stack = [container, key]
  const seen = new Set()
  let nodes = 0
  while (stack.length > 0) {
    const k = stack.pop()
    const parent = stack.pop()
    const value = parent[k]
    if (typeof value === 'string') {
      visit(parent, k, value)
    } else if (value !== null && typeof value === 'object' && !seen.has(value)) {
      if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) continue
      seen.add(value)
      if (++nodes > MAX_NODES) break
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push(value, i)
      } else {
        const keys = Object.keys(value)
        for (let i = keys.length - 1; i >= 0; i--) stack.push(value, keys[i])
      }
    }
  }
}

/** Splits `['a.b', 'c']` into `[['a','b'], ['c']]`, checking each path once. */
function compileFields(fields) {
  if (fields === undefined) return undefined
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string' || f === '')) {
    throw new TypeError('rampart/sanitize: fields must be an array of dotted paths (non-empty strings)')
  }
  return fields.map((f) => f.split('.'))
}

/**
 * Visits the strings under each path. A path step that meets an array applies the rest of
 * the path to every element (`items.name` reaches `items[i].name`), unless the step is an index.
 */
function eachFieldString(root, paths, visit) {
  const holder = { root }
  for (const path of paths) follow(holder, 'root', path, 0, visit)
  return holder.root
}

function follow(parent, key, path, at, visit) {
  if (at === path.length) {
    eachString(parent, key, visit)
    return
  }
  const value = parent[key]
  if (value === null || typeof value !== 'object') return
  const step = path[at]
  if (Array.isArray(value) && !/^\d+$/.test(step)) {
    for (let i = 0; i < value.length; i++) follow(value, i, path, at, visit)
    return
  }
  if (Object.hasOwn(value, step)) follow(value, step, path, at + 1, visit)
}

module.exports = { eachString, eachFieldString, compileFields }
