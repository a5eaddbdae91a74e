'use strict'
// The values JavaScript and the native core must agree on (algorithm names and bit
// numbers, family masks, key kinds, status codes and their messages), read from their one
// source, src/jwt (`jwtTables()`), once: on the first call, which every factory makes when
// it is created, never at require time (a missing addon then throws at start-up, and
// `require('rampart/jwt')` itself never touches the addon).
const native = require('../native')

let cached = null

function build(t) {
  const ALGS = Object.freeze([...t.algorithms])
  const ALG_INDEX = Object.create(null)
  ALGS.forEach((name, i) => (ALG_INDEX[name] = i))
  const KIND = Object.create(null)
  for (const { code, name } of t.keyKinds) KIND[name] = code
  const STATUS = Object.create(null)
  const STATUS_MESSAGES = []
  for (const { code, name, message } of t.statuses) {
    STATUS[name] = code
    STATUS_MESSAGES[code] = message
  }
  return Object.freeze({
    ALGS,
    ALG_INDEX: Object.freeze(ALG_INDEX),
    HS: t.hmacMask,
    RS: t.pkcs1Mask,
    PS: t.pssMask,
    KIND: Object.freeze(KIND),
    STATUS: Object.freeze(STATUS),
    STATUS_MESSAGES: Object.freeze(STATUS_MESSAGES),
  })
}

/** `{ ALGS, ALG_INDEX, HS, RS, PS, KIND, STATUS, STATUS_MESSAGES }`, built on first use. */
function tables() {
  if (cached === null) cached = build(native.jwtTables())
  return cached
}

/** The message for a native status number. */
function statusMessage(code) {
  return tables().STATUS_MESSAGES[code] || 'invalid token'
}

module.exports = { tables, statusMessage }
