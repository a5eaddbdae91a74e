'use strict'
// Turns a header plan into Express/Connect middleware (`(req, res, next)`).
const { compileHeaders } = require('./set-headers')

/** A middleware that sets fixed headers (and removes some) in one pass. */
function fixedHeaders(functionName, entries, removals) {
  const write = compileHeaders(entries, removals)
  const middleware = function (_req, res, next) {
    write(res)
    next()
  }
  Object.defineProperty(middleware, 'name', { value: functionName })
  return middleware
}

/** Throws if options is not an object (or undefined), as a plain options bag must be. */
function optionsObject(headerName, options) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${headerName}: options must be an object, got ${describe(options)}`)
  }
  return options
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'function') return 'a function'
  return typeof value === 'string' ? JSON.stringify(value) : typeof value
}

module.exports = { fixedHeaders, optionsObject, describe }
