'use strict'
// Writes a precomputed list of response headers in one pass.
//
// Every name and value here was checked with node:http's own validators at start-up, so at
// request time the work that is left is storing them. When `res` is a plain node:http
// response (its setHeader/removeHeader are node's own, nobody wrapped them), the entries go
// straight into node's header table, the same `[name, value]` pairs `setHeader` stores. In
// every other case (a patched setHeader, an http2 compat response, a mock) each header goes
// through `res.setHeader`, so behaviour is the same either way. Removals always go through
// `res.removeHeader`: it also keeps node's bookkeeping (removing Date clears sendDate, so node
// does not add it back), which deleting the table entry would skip.
//
// Opt-out (docs/fast-paths.md): RAMPART_NO_HEADER_TABLE=1 in the environment, or
// `{ headerTable: false }` to compileHeaders/headerWriter (the middlewares' `fastPaths` option).
const http = require('node:http')

const { setHeader: nativeSetHeader, removeHeader: nativeRemoveHeader } = http.OutgoingMessage.prototype
const disabledByEnv = process.env.RAMPART_NO_HEADER_TABLE === '1'
const kOutHeaders = disabledByEnv ? undefined : findHeaderTable()

/** Finds node's private header-table symbol, and checks it behaves as expected; else undefined. */
function findHeaderTable() {
  try {
    const probe = new http.OutgoingMessage()
    probe.setHeader('X-Rampart-Probe', 'a')
    for (const sym of Object.getOwnPropertySymbols(probe)) {
      const table = probe[sym]
      if (!table || typeof table !== 'object') continue
      const entry = table['x-rampart-probe']
      if (!Array.isArray(entry) || entry.length !== 2 || entry[0] !== 'X-Rampart-Probe' || entry[1] !== 'a')
        continue
      probe.removeHeader('X-Rampart-Probe')
      if (table['x-rampart-probe'] !== undefined) return undefined
      return sym
    }
  } catch {
    // fall through: always use setHeader
  }
  return undefined
}

/**
 * node's header table of `res` (lower-cased name → [name, value]), when it is safe to store
 * headers into it directly: a node:http response nobody has wrapped, headers not yet sent.
 * Else undefined, and the caller goes through setHeader. Only values validated beforehand
 * may be stored.
 */
function headerTableOf(res) {
  if (
    kOutHeaders === undefined ||
    res.setHeader !== nativeSetHeader ||
    res.removeHeader !== nativeRemoveHeader ||
    res._header
  ) {
    return undefined
  }
  const table = res[kOutHeaders]
  if (table === null) return (res[kOutHeaders] = { __proto__: null })
  return typeof table === 'object' ? table : undefined
}

/**
 * Why the header-table path is on or off in this process: 'active', 'disabled by
 * RAMPART_NO_HEADER_TABLE', or 'unavailable' (this node keeps its headers elsewhere).
 */
function headerTableStatus() {
  if (disabledByEnv) return 'disabled by RAMPART_NO_HEADER_TABLE'
  // A response whose class overrides setHeader/removeHeader would always fall back.
  const { setHeader, removeHeader } = http.ServerResponse.prototype
  if (kOutHeaders === undefined || setHeader !== nativeSetHeader || removeHeader !== nativeRemoveHeader) {
    return 'unavailable'
  }
  return 'active'
}

/** headerTableOf, or a function that always says "no table" when `enabled` is false. */
function tableLookup(enabled) {
  return enabled === false ? noTable : headerTableOf
}
function noTable() {
  return undefined
}

/**
 * Sets one header whose value was validated beforehand: into `table` (from headerTableOf)
 * when there is one, else through setHeader.
 */
function putHeader(res, table, lower, name, value) {
  if (table !== undefined) table[lower] = [name, value]
  else res.setHeader(name, value)
}

/** Throws at start-up, with node's own message, if a header could not be sent. */
function checkHeader(name, value) {
  http.validateHeaderName(name)
  http.validateHeaderValue(name, value)
}

/**
 * Compiles `[[name, value], ...]` (plus names to remove) into `write(res)`, which sets them
 * all in one pass. Names and values are validated now, never per request.
 * `options.headerTable === false` always goes through setHeader.
 */
function compileHeaders(entries, removals = [], options = {}) {
  const tableOf = tableLookup(options.headerTable)
  const names = []
  const keys = []
  const values = []
  for (const [name, value] of entries) {
    checkHeader(name, value)
    names.push(name)
    keys.push(name.toLowerCase())
    values.push(value)
  }
  for (const name of removals) http.validateHeaderName(name)
  const removeNames = removals.slice()
  const count = names.length
  const removeCount = removeNames.length

  // `noTable`: this call goes through setHeader (a caller's own fastPaths option).
  return function writeHeaders(res, noTable) {
    const table = noTable === true ? undefined : tableOf(res)
    if (table !== undefined) {
      for (let i = 0; i < count; i++) table[keys[i]] = [names[i], values[i]]
    } else {
      for (let i = 0; i < count; i++) res.setHeader(names[i], values[i])
    }
    for (let i = 0; i < removeCount; i++) res.removeHeader(removeNames[i])
  }
}

module.exports = { compileHeaders, checkHeader, headerTableOf, headerTableStatus, tableLookup, putHeader }
