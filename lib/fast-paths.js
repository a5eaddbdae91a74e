'use strict'
// The two shortcuts that rely on node/V8 internals (docs/fast-paths.md), what state they are
// in on this process, and the `fastPaths` middleware option that turns them off.
//   headerTable:    validated headers stored straight into node's response header table
//                   (lib/headers/set-headers.js); off: RAMPART_NO_HEADER_TABLE=1
//   dictionaryMode: Express's req/res moved to V8 dictionary mode (lib/dictionary-mode.js);
//                   off: RAMPART_NO_DICTIONARY_MODE=1
const { headerTableStatus } = require('./headers/set-headers')
const { dictionaryModeStatus } = require('./dictionary-mode')

const NAMES = ['headerTable', 'dictionaryMode']

/**
 * `{ headerTable, dictionaryMode }`, each 'active', 'disabled by <ENV VAR>' or 'unavailable'
 * (this node/engine does not have what the path relies on: the plain path is used).
 */
function fastPathStatus() {
  return { headerTable: headerTableStatus(), dictionaryMode: dictionaryModeStatus() }
}

/**
 * A middleware's `fastPaths` option → `{ headerTable, dictionaryMode }` booleans (true: use the
 * path where this process has it). `undefined`/`true`: both; `false`: neither; an object
 * names the ones to turn off. Anything else throws at start-up.
 */
function parseFastPaths(value, where) {
  if (value === undefined || value === true) return { headerTable: true, dictionaryMode: true }
  if (value === false) return { headerTable: false, dictionaryMode: false }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${where}: fastPaths must be true, false or { headerTable, dictionaryMode }`)
  }
  for (const key of Object.keys(value)) {
    if (!NAMES.includes(key)) {
      throw new TypeError(
        `${where}: unknown fastPaths entry ${JSON.stringify(key)} (known: ${NAMES.join(', ')})`,
      )
    }
    if (typeof value[key] !== 'boolean') {
      throw new TypeError(`${where}: fastPaths.${key} must be a boolean, got ${typeof value[key]}`)
    }
  }
  return { headerTable: value.headerTable !== false, dictionaryMode: value.dictionaryMode !== false }
}

module.exports = { fastPathStatus, parseFastPaths }
