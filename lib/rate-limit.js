'use strict'
// rampart/rate-limit: express-rate-limit 8's rateLimit() on a native store.
// `require('rampart/rate-limit')` is rateLimit itself, with the named exports on it.
//
// A request runs one linear pipeline, in express-rate-limit's order: outcome listeners,
// skip, key, limit, store, req.rateLimit + headers, decide. Every user function (skip,
// keyGenerator, limit, identifier, retryAfter, handler) and the store may answer with a
// promise, and the pipeline awaits exactly those answers. The default MemoryStore with a
// fixed limit takes a synchronous copy of the same steps (`middleware`), which hands over
// to the pipeline at the first promise. Options, header names and fixed header values are
// resolved once. See docs/rate-limit.md.
const { report, taps, tap } = require('./events')
const { dictionaryModeStep } = require('./dictionary-mode')
const { MemoryStore } = require('./rate-limit/memory-store')
const { RedisStore } = require('./rate-limit/redis-store')
const { ipKeyGenerator } = require('./rate-limit/ip-key-generator')
const { defaultKeyGenerator } = require('./rate-limit/default-key')
const { watchOutcome } = require('./rate-limit/outcome')
const { headerWriter, resetSeconds, setRetryAfter } = require('./rate-limit/headers')
const { parseOptions, defaultIdentifier, sendMessage, isThenable } = require('./rate-limit/options')

function rateLimit(passedOptions) {
  const config = parseOptions(passedOptions)
  const { store, validations, logger, windowMs, requestPropertyName, statusCode } = config
  const options = { ...config, validate: validations.enabled }
  delete options.validations

  validations.creationStack(store)
  validations.unsharedStore(store)
  initStore(store, options, logger)

  // The default MemoryStore counts synchronously in Rust; others answer with a promise.
  const native = store instanceof MemoryStore ? store : null
  const ownHit = !native && typeof store.hit === 'function' && store instanceof RedisStore
  const limitOption = config.limit
  const limitFn = typeof limitOption === 'function' ? limitOption : null
  const skip = typeof config.skip === 'function' ? config.skip : null
  const keyGenerator =
    typeof config.keyGenerator === 'function'
      ? config.keyGenerator
      : defaultKeyGenerator(config.ipv6Subnet, validations)
  const handler = typeof config.handler === 'function' ? config.handler : defaultHandler
  const retryAfterFn = typeof config.retryAfter === 'function' ? config.retryAfter : null
  const draft = config.standardHeaders
  const anyHeaders = Boolean(config.legacyHeaders) || draft !== false
  const writeHeaders = anyHeaders
    ? headerWriter({
        legacy: Boolean(config.legacyHeaders),
        draft,
        windowMs,
        constLimit: limitFn ? undefined : limitOption,
        headerTable: config.fastPaths.headerTable,
      })
    : null
  const toDictionaryMode = dictionaryModeStep(config.fastPaths.dictionaryMode)
  const policyName = draft === 'draft-8' ? policyNamer(config.identifier, windowMs) : null
  const countOutcomes = Boolean(config.skipFailedRequests || config.skipSuccessfulRequests)
  // GCRA does not spend capacity on a request it blocks, so there is nothing to give back:
  // taking one back would let every blocked (failed) request buy a fresh one.
  const gcra = config.algorithm === 'gcra'
  // How many requests the double-count check watches (a WeakMap entry each).
  let doubleCountWatch = validations.isOn('singleCount') ? 100 : 0
  // Checks of the first counted request (each reports at most once, as in express-rate-limit).
  let firstDecision = true

  // The sync fast path below serves the default MemoryStore with a fixed limit and no
  // identifier function: profiled, the async function alone (its promise per request) cost
  // 5-9% of the whole middleware there. Everything else runs the pipeline.
  const fast =
    native !== null && limitFn === null && !(policyName !== null && typeof config.identifier === 'function')

  function middleware(req, res, next) {
    toDictionaryMode(req, res)
    let counted = null
    let skipped = false
    let key
    try {
      if (countOutcomes) counted = watchOutcome(req, res, config, giveBack, logger)
      if (!fast) return pipeline(req, res, next, counted)
      if (skip !== null) skipped = skip(req, res)
      if (isThenable(skipped)) return pipeline(req, res, next, counted, skipped)
      if (!skipped) {
        key = keyGenerator(req, res)
        if (isThenable(key)) return pipeline(req, res, next, counted, false, key)
      }
    } catch (error) {
      return next(error)
    }
    if (skipped) return next()
    const now = Date.now()
    try {
      native.hit(typeof key === 'string' ? key : String(key), now, limitOption)
    } catch (error) {
      return storeFailed(error, next)
    }
    const used = native.used
    const resetMs = native.resetMs
    try {
      const name = policyName === null ? undefined : policyName(req, res, limitOption)
      record(req, res, counted, key, limitOption, used, resetMs, now, name)
    } catch (error) {
      return next(error)
    }
    if (used <= limitOption) return next()
    return blocked(req, res, next, limitOption, resetMs)
  }

  /**
   * The whole request, in express-rate-limit's order; each answer is awaited only when it is
   * a promise. `skipped` and `key`: what the fast path already has (undefined: not asked yet).
   */
  async function pipeline(req, res, next, counted, skipped, key) {
    try {
      // 1. skip, key and limit.
      if (skipped === undefined) skipped = skip === null ? false : skip(req, res)
      if (isThenable(skipped)) skipped = await skipped
      if (skipped) return next()
      if (key === undefined) key = keyGenerator(req, res)
      if (isThenable(key)) key = await key
      let limit = limitFn === null ? limitOption : limitFn(req, res)
      if (isThenable(limit)) limit = await limit

      // 2. The store.
      let used, resetMs, now
      try {
        now = Date.now()
        if (native !== null) {
          native.hit(typeof key === 'string' ? key : String(key), now, limit)
          used = native.used
          resetMs = native.resetMs
        } else {
          const result = await (ownHit ? store.hit(key, now, limit) : store.increment(key))
          used = result ? result.totalHits : undefined
          const resetTime = result && result.resetTime
          resetMs = resetTime instanceof Date ? resetTime.getTime() : undefined
          now = Date.now()
        }
      } catch (error) {
        return storeFailed(error, next)
      }

      // 3. req.rateLimit and the headers (draft-8's policy name may come from a promise).
      let name
      if (policyName !== null && writeHeaders !== null && !res.headersSent) {
        name = policyName(req, res, limit)
        if (isThenable(name)) name = await name
      }
      record(req, res, counted, key, limit, used, resetMs, now, name)

      // 4. Decide.
      if (used <= limit) return next()
      await blocked(req, res, next, limit, resetMs)
    } catch (error) {
      // A response or request that cannot take what we write (a bare object, a frozen
      // request) sends the error to next(), as express-rate-limit's async wrapper does.
      next(error)
    }
  }

  /** After the store counted: arms the outcome watch, sets req.rateLimit, writes the headers. */
  function record(req, res, counted, key, limit, used, resetMs, now, name) {
    // rampart/monitor's measurement point: one property read while nothing taps it.
    if (taps.rateLimit) tap('rateLimit', req, used, limit, windowMs)
    if (counted !== null) counted(key, limit, resetMs, !(gcra && used > limit))
    check(req, key, limit, used, resetMs)
    const remaining = limit - used > 0 ? limit - used : 0
    const resetTime = resetMs === undefined ? undefined : new Date(resetMs)
    const info = { limit, used, remaining, resetTime, key }
    Object.defineProperty(info, 'current', { configurable: false, enumerable: false, value: used })
    req[requestPropertyName] = info
    if (writeHeaders !== null && !res.headersSent)
      writeHeaders(res, limit, remaining, resetMs, now, key, name)
  }

  /** A blocked request: the ratelimit.exceeded event, Retry-After, then the handler. */
  async function blocked(req, res, next, limit, resetMs) {
    try {
      report('ratelimit.exceeded', req, `more than ${limit} requests in ${windowMs} ms`)
      if (anyHeaders) {
        let seconds = retryAfterFn === null ? config.retryAfter : retryAfterFn(req, res)
        if (isThenable(seconds)) seconds = await seconds
        setRetryAfter(res, seconds ?? resetSeconds(windowMs, resetMs, Date.now()))
      }
      const out = handler(req, res, next, options)
      if (isThenable(out)) await out
    } catch (error) {
      next(error)
    }
  }

  function storeFailed(error, next) {
    if (!config.passOnStoreError) return next(error)
    logger.error(error, 'rampart/rate-limit: error from store, allowing request without rate-limiting.')
    next()
  }

  /** express-rate-limit's checks of the first counted requests (each reports at most once). */
  function check(req, key, limit, used, resetMs) {
    if (doubleCountWatch > 0) {
      doubleCountWatch--
      validations.positiveHits(used)
      validations.singleCount(req, store, key)
    }
    if (firstDecision) {
      firstDecision = false
      validations.limit(limit)
      if (draft === 'draft-7' || draft === 'draft-8') validations.headersResetTime(resetMs)
    }
  }

  function giveBack(key, limit) {
    const failed = (error) => logger.error(error, 'rampart/rate-limit: error from store during decrement.')
    try {
      const done = native !== null ? native.decrementSync(key, limit) : store.decrement(key, limit)
      if (isThenable(done)) done.then(undefined, failed)
    } catch (error) {
      failed(error)
    }
  }

  function defaultHandler(req, res) {
    res.statusCode = statusCode
    if (typeof res.status === 'function') res.status(statusCode)
    const message = typeof config.message === 'function' ? config.message(req, res) : config.message
    if (isThenable(message)) {
      return message.then((m) => {
        if (!res.writableEnded) sendMessage(res, m)
      })
    }
    if (!res.writableEnded) sendMessage(res, message)
  }

  const getThrow = () => {
    throw new Error('The current store does not support the get/getKey method')
  }
  middleware.resetKey = store.resetKey.bind(store)
  middleware.getKey = typeof store.get === 'function' ? store.get.bind(store) : getThrow
  return middleware
}

/**
 * Calls store.init(options). A failing init of a custom store is logged, as in
 * express-rate-limit; rampart's own MemoryStore failing (no native addon) stops start-up.
 */
function initStore(store, options, logger) {
  if (typeof store.init !== 'function') return
  try {
    const initialised = store.init(options)
    if (isThenable(initialised)) {
      initialised.then(undefined, (error) =>
        logger.error(error, 'rampart/rate-limit: async error during store initialization.'),
      )
    }
  } catch (error) {
    if (store instanceof MemoryStore) throw error
    logger.error(error, 'rampart/rate-limit: error during store initialization.')
  }
}

/**
 * draft-8's policy name as `(req, res, limit)`: the identifier option resolved once. The
 * default name depends only on the limit, so it is made again only when the limit changes.
 */
function policyNamer(identifier, windowMs) {
  if (typeof identifier === 'function') return (req, res) => identifier(req, res)
  if (identifier !== undefined && identifier !== null) return () => identifier
  let namedLimit
  let limitName
  return (_req, _res, limit) => {
    if (limit !== namedLimit) {
      limitName = defaultIdentifier(windowMs, limit)
      namedLimit = limit
    }
    return limitName
  }
}

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// `default` is not enumerable, so that `{ ...require('./rate-limit') }` (lib/index.js)
// does not carry it into the package root.
Object.defineProperty(rateLimit, 'default', { value: rateLimit, enumerable: false })
module.exports = Object.assign(rateLimit, {
  rateLimit,
  MemoryStore,
  RedisStore,
  ipKeyGenerator,
  SECOND,
  MINUTE,
  HOUR,
  DAY,
})
