'use strict'
// Small helpers shared by jwtAuth and authorize.

function isThenable(v) {
  return v !== null && typeof v === 'object' && typeof v.then === 'function'
}

/** Sets `req[a][b]...` for a dotted property path, as express-jwt does. */
function setPath(obj, path, value) {
  if (!path.includes('.')) {
    obj[path] = value
    return
  }
  const keys = path.split('.')
  let target = obj
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return
    if (target[k] === null || typeof target[k] !== 'object') target[k] = {}
    target = target[k]
  }
  target[keys[keys.length - 1]] = value
}

function getPath(obj, path) {
  if (!path.includes('.')) return obj[path]
  let value = obj
  for (const k of path.split('.')) {
    if (value === null || value === undefined) return undefined
    value = value[k]
  }
  return value
}

module.exports = { isThenable, setPath, getPath }
