'use strict'
// Why secureHeaders, cors, rateLimit, json and jwtAuth (and so fortify(), which runs the
// first four) re-add one property of req and of res, whichever of them runs first.
//
// Express gives every request and response its own prototype (Object.setPrototypeOf in
// app.handle). In V8 an object whose prototype was set that way gets a shape that later
// property additions cannot share with any other object: every `req.body = ...`,
// `req.user = ...`, `req.baseUrl = ...`, `res.locals = ...` then builds a brand-new hidden
// class (about 0.6 µs and a few hundred bytes of garbage each, measured here on Node 20), and
// every property read on req/res misses V8's caches. A dozen such additions happen on each
// request in a plain Express app, before any security work.
//
// Deleting a property that is not the newest one moves the object to V8's dictionary
// representation, whose additions are hash inserts and whose lookups are cached per shared
// map. So these middlewares delete Express's own back-reference (`req.res`, `res.req`) and
// set it again at once: same property, same value, same attributes; only its position in
// Object.keys() moves to the end. Nothing else is observable; on an engine where this does
// not help it costs two property writes, and once an object is in dictionary mode a repeat
// costs next to nothing (measured: five repeats within noise). See bench/E2E.md for what it
// buys.
//
// Opt-out (docs/fast-paths.md): RAMPART_NO_DICTIONARY_MODE=1 in the environment, or a
// middleware's `fastPaths: { dictionaryMode: false }` (secureHeaders, rateLimit, cors).

const disabledByEnv = process.env.RAMPART_NO_DICTIONARY_MODE === '1'
// Only V8 has the representation this is about; elsewhere the two writes buy nothing.
const onV8 = typeof process.versions.v8 === 'string'

/** 'active', 'disabled by RAMPART_NO_DICTIONARY_MODE', or 'unavailable' (not V8). */
function dictionaryModeStatus() {
  if (disabledByEnv) return 'disabled by RAMPART_NO_DICTIONARY_MODE'
  return onV8 ? 'active' : 'unavailable'
}

/** Deletes and re-sets `obj[key]` when it is a plain own data property; else does nothing. */
function resetOwnProperty(obj, key) {
  if (obj === null || typeof obj !== 'object') return
  const value = obj[key]
  if (value === undefined || !Object.prototype.hasOwnProperty.call(obj, key)) return
  if (Reflect.deleteProperty(obj, key)) obj[key] = value
}

/**
 * Moves an Express request and response to V8's dictionary representation (see above).
 * Only where Express linked them (`req.res === res`): a plain node:http pair keeps its own
 * shared shapes, and converting it would only cost (about 1 µs for a fresh object).
 */
function toDictionaryMode(req, res) {
  if (disabledByEnv || !onV8) return
  if (req === null || typeof req !== 'object' || res === undefined || req.res !== res) return
  resetOwnProperty(req, 'res')
  resetOwnProperty(res, 'req')
}

/** toDictionaryMode, or a no-op when a middleware's option turned it off. */
function dictionaryModeStep(enabled) {
  return enabled === false ? noop : toDictionaryMode
}
function noop() {}

module.exports = { toDictionaryMode, dictionaryModeStep, dictionaryModeStatus, resetOwnProperty }
