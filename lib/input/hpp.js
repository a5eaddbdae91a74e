'use strict'
// hpp(options): HTTP Parameter Pollution protection, hpp's options and behaviour on Express
// 4 and 5. A parameter given several times (`?id=1&id=2`) arrives as an array, which code
// expecting a string mishandles; each such top-level query or body value collapses to its
// last element and the array moves to req.queryPolluted / req.bodyPolluted. Whitelisted
// names keep their arrays. As in hpp, a second hpp() only applies its own whitelist.
const { compileContentType } = require('./content-type')
const { putOnRequest } = require('./request')
const { checkOptions, is } = require('./options')
const { report } = require('../events')

const SHAPES = {
  checkQuery: is.boolean,
  checkBody: is.boolean,
  checkBodyOnlyForContentType(label, v) {
    if (typeof v !== 'string' && !Array.isArray(v))
      throw new TypeError(`${label} must be a string or an array`)
  },
  whitelist(label, v) {
    const list = typeof v === 'string' ? [v] : v
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      throw new TypeError(`${label} must be a string or an array of strings`)
    }
  },
}

/**
 * Moves arrays in `values` (req[part], read once by the caller: on Express 5 each read of
 * req.query is a new object) aside into req[pollutedKey] (once per request) and puts the
 * whitelisted ones back. Returns how many parameters were collapsed by this call.
 */
function putAside(req, values, part, pollutedKey, whitelist) {
  let changed = false
  let collapsed = 0
  let polluted = req[pollutedKey]
  if (polluted === undefined) {
    polluted = req[pollutedKey] = {}
    for (const key of Object.keys(values)) {
      const value = values[key]
      if (!Array.isArray(value)) continue
      polluted[key] = value
      values[key] = value[value.length - 1]
      changed = true
      collapsed++
    }
  }
  for (let i = 0; i < whitelist.length; i++) {
    const name = whitelist[i]
    if (!polluted[name]) continue
    values[name] = polluted[name]
    delete polluted[name]
    changed = true
    collapsed--
  }
  // Express 5's query getter parses again on every read: keep the object just changed.
  if (changed && part === 'query') putOnRequest(req, 'query', values)
  return collapsed
}

function hpp(rawOptions) {
  const options = checkOptions('hpp', rawOptions, SHAPES)
  const checkQuery = options.checkQuery !== false
  const checkBody = options.checkBody !== false
  const bodyType = compileContentType(options.checkBodyOnlyForContentType ?? 'urlencoded')
  const whitelist = typeof options.whitelist === 'string' ? [options.whitelist] : options.whitelist || []

  return function hppMiddleware(req, _res, next) {
    let collapsed = 0
    if (checkQuery) {
      const query = req.query
      if (query && typeof query === 'object')
        collapsed += putAside(req, query, 'query', 'queryPolluted', whitelist)
    }
    if (checkBody && req.body && typeof req.body === 'object' && bodyType(req)) {
      collapsed += putAside(req, req.body, 'body', 'bodyPolluted', whitelist)
    }
    if (collapsed > 0) report('input.rejected', req, `${collapsed} repeated parameter(s) collapsed`)
    next()
  }
}

module.exports = { hpp }
