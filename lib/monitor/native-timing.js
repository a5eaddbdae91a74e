'use strict'
// Sampled durations of calls into the native core (metrics({ nativeDurations })). Off by
// default: it wraps the addon's exported functions, so every call pays a counter check.
// (The memory store binds its functions at load, so rate counting is not among them.)
// Sampling is every N-th call, not random, so a test can count on it.

const TIMED = ['jwtVerify', 'jwtSign', 'validateJsonById', 'checkBodyById', 'scanBody']

function checkSampling(option) {
  const o = option === true ? {} : option
  if (o === null || typeof o !== 'object') {
    throw new TypeError(
      'metrics: nativeDurations must be true or { every?: N } (time one call in N, default 100)',
    )
  }
  const every = o.every === undefined ? 100 : o.every
  if (!Number.isInteger(every) || every < 1)
    throw new TypeError('metrics: nativeDurations.every must be a positive integer')
  return every
}

/** Wraps the timed native functions; observe(fn, seconds) gets one call in `every`. Returns the undo. */
function sampleNativeCalls(option, observe) {
  const every = checkSampling(option)
  const native = require('../native')
  const originals = new Map()
  for (const fn of TIMED) {
    const original = native[fn]
    if (typeof original !== 'function') continue
    originals.set(fn, original)
    let n = 0
    native[fn] = function timed(...args) {
      if (++n < every) return original.apply(this, args)
      n = 0
      const start = process.hrtime.bigint()
      try {
        return original.apply(this, args)
      } finally {
        observe(fn, Number(process.hrtime.bigint() - start) / 1e9)
      }
    }
  }
  return () => {
    for (const [fn, original] of originals) native[fn] = original
  }
}

module.exports = { sampleNativeCalls, checkSampling, TIMED }
