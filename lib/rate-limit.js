'use strict'
// rampart/rate-limit: express-rate-limit 8's rateLimit() on a native store.
// `require('rampart/rate-limit')` is rateLimit itself, with the named exports on it.
//
// The per-request path with the default MemoryStore is synchronous: options, header
// names and fixed header values are resolved once; a request costs a few property reads,
// one native call (key string + Date.now() in, one number out) and the headers. Any
// user function (skip, keyGenerator, limit, message, ...) may return a promise; the path
// turns asynchronous only where one does.
const { report, clientIp } = require('./events')
const { toDictionaryMode } = require('./dictionary-mode')
const { MemoryStore } = require('./rate-limit/memory-store')
const { RedisStore } = require('./rate-limit/redis-store')
const { ipKeyGenerator } = require('./rate-limit/ip-key-generator')
const { headerWriter, resetSeconds, setRetryAfter } = require('./rate-limit/headers')
const { parseOptions, defaultIdentifier, sendMessage, isThenable } = require('./rate-limit/options')

function rateLimit(passedOptions) {
  const config = parseOptions(passedOptions)
  const { store, validations, logger, windowMs, requestPropertyName, statusCode } = config
  const options = { ...config, validate: validations.enabled }
  delete options.validations

  validations.creationStack(store)
  validations.unsharedStore(store)
  if (typeof store.init === 'function') {
    try {
      const initialised = store.init(options)
      if (isThenable(initialised)) {
        initialised.catch((error) =>
          logger.error(error, 'rampart/rate-limit: async error during store initialization.'),
        )
      }
    } catch (error) {
      if (store instanceof MemoryStore) throw error
      logger.error(error, 'rampart/rate-limit: error during store initialization.')
    }
  }

  const native = store instanceof MemoryStore ? store : null
  const ownHit = !native && typeof store.hit === 'function' && store instanceof RedisStore
  const limitOption = config.limit
  const limitFn = typeof limitOption === 'function' ? limitOption : null
  const skip = typeof config.skip === 'function' ? config.skip : null
  const legacy = Boolean(config.legacyHeaders)
  const draft = config.standardHeaders
  const anyHeaders = legacy || draft !== false
  const writeHeaders = anyHeaders
    ? headerWriter({ legacy, draft, windowMs, constLimit: limitFn ? undefined : limitOption })
    : null
  // The default draft-8 policy name depends only on the limit: made again only when it changes.
  // policyName(req, res, limit): the identifier option resolved once, to one call per request.
  let namedLimit
  let limitName
  const identifier = config.identifier
  const policyName =
    identifier === undefined || identifier === null
      ? (_req, _res, limit) => {
          if (limit !== namedLimit) {
            limitName = defaultIdentifier(windowMs, limit)
            namedLimit = limit
          }
          return limitName
        }
      : typeof identifier === 'function'
        ? (req, res) => identifier(req, res)
        : () => identifier
  const countOutcomes = Boolean(config.skipFailedRequests || config.skipSuccessfulRequests)
  // GCRA does not spend capacity on a request it blocks, so there is nothing to give back:
  // taking one back would let every blocked (failed) request buy a fresh one.
  const gcra = config.algorithm === 'gcra'
  const ipv6Subnet = config.ipv6Subnet
  const handler = typeof config.handler === 'function' ? config.handler : defaultHandler
  // How many requests the double-count check watches (a WeakMap entry each).
  let doubleCountWatch = validations.isOn('singleCount') ? 100 : 0
  // Checks of the first counted request (each reports at most once, as in express-rate-limit).
  let firstDecision = true

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

  let ipChecksPending = true
  function defaultKeyGenerator(req, res) {
    let ip = req.ip
    if (ip === undefined) ip = clientIp(req)
    if (ipChecksPending) {
      ipChecksPending = false
      validations.ip(ip)
      validations.trustProxy(req)
      validations.xForwardedForHeader(req)
      validations.forwardedHeader(req)
    }
    if (typeof ip !== 'string') return 'unknown-ip'
    if (ip.indexOf(':') === -1) return ip
    if (typeof ipv6Subnet === 'function') {
      const subnet = ipv6Subnet(req, res)
      if (isThenable(subnet)) {
        return subnet.then((s) => {
          validations.ipv6Subnet(s)
          return ipKeyGenerator(ip, s)
        })
      }
      validations.ipv6Subnet(subnet)
      return ipKeyGenerator(ip, subnet)
    }
    return ipKeyGenerator(ip, ipv6Subnet)
  }
  const keyGenerator = typeof config.keyGenerator === 'function' ? config.keyGenerator : defaultKeyGenerator

  function storeFailed(error, next) {
    if (config.passOnStoreError) {
      logger.error(error, 'rampart/rate-limit: error from store, allowing request without rate-limiting.')
      next()
    } else {
      next(error)
    }
  }

  function middleware(req, res, next) {
    toDictionaryMode(req, res)
    if (skip !== null) {
      let skipped
      try {
        skipped = skip(req, res)
      } catch (error) {
        return next(error)
      }
      if (isThenable(skipped)) {
        return skipped.then((s) => (s ? next() : withKey(req, res, next))).catch(next)
      }
      if (skipped) return next()
    }
    return withKey(req, res, next)
  }

  function withKey(req, res, next) {
    let key
    try {
      key = keyGenerator(req, res)
    } catch (error) {
      return next(error)
    }
    if (isThenable(key)) return key.then((k) => withLimit(req, res, next, k)).catch(next)
    return withLimit(req, res, next, key)
  }

  function withLimit(req, res, next, key) {
    if (limitFn === null) return count(req, res, next, key, limitOption)
    let limit
    try {
      limit = limitFn(req, res)
    } catch (error) {
      return next(error)
    }
    if (isThenable(limit)) return limit.then((l) => count(req, res, next, key, l)).catch(next)
    return count(req, res, next, key, limit)
  }

  function count(req, res, next, key, limit) {
    const now = Date.now()
    if (native !== null) {
      try {
        native.hit(typeof key === 'string' ? key : String(key), now, limit)
      } catch (error) {
        return storeFailed(error, next)
      }
      return decide(req, res, next, key, limit, native.used, native.resetMs, now)
    }
    let result
    try {
      result = ownHit ? store.hit(key, now, limit) : store.increment(key)
    } catch (error) {
      return storeFailed(error, next)
    }
    return Promise.resolve(result)
      .then(
        (r) => {
          const resetTime = r && r.resetTime
          const resetMs = resetTime instanceof Date ? resetTime.getTime() : undefined
          return decide(req, res, next, key, limit, r ? r.totalHits : undefined, resetMs, Date.now())
        },
        (error) => storeFailed(error, next),
      )
      .catch(next)
  }

  function decide(req, res, next, key, limit, totalHits, resetMs, now) {
    // A response or request that cannot take what we write (a bare object, a frozen
    // request) sends the error to next(), as express-rate-limit's async wrapper does.
    try {
      if (doubleCountWatch > 0) {
        doubleCountWatch--
        validations.positiveHits(totalHits)
        validations.singleCount(req, store, key)
      }
      if (firstDecision) {
        firstDecision = false
        validations.limit(limit)
        if (draft === 'draft-7' || draft === 'draft-8') validations.headersResetTime(resetMs)
      }
      const remaining = limit - totalHits > 0 ? limit - totalHits : 0
      const resetTime = resetMs === undefined ? undefined : new Date(resetMs)
      const info = { limit, used: totalHits, remaining, resetTime, key }
      Object.defineProperty(info, 'current', { configurable: false, enumerable: false, value: totalHits })
      req[requestPropertyName] = info

      if (writeHeaders !== null && !res.headersSent) {
        if (draft === 'draft-8') {
          const name = policyName(req, res, limit)
          if (isThenable(name)) {
            return name
              .then((n) => {
                if (!res.headersSent) writeHeaders(res, limit, remaining, resetMs, now, key, n)
                if (countOutcomes && !(gcra && totalHits > limit)) watchOutcome(req, res, key, limit, resetMs)
                return finish(req, res, next, key, limit, totalHits, resetMs, now)
              })
              .catch(next)
          }
          writeHeaders(res, limit, remaining, resetMs, now, key, name)
        } else {
          writeHeaders(res, limit, remaining, resetMs, now, key, undefined)
        }
      }
      if (countOutcomes && !(gcra && totalHits > limit)) watchOutcome(req, res, key, limit, resetMs)
    } catch (error) {
      return next(error)
    }
    return finish(req, res, next, key, limit, totalHits, resetMs, now)
  }

  function finish(req, res, next, key, limit, totalHits, resetMs, now) {
    if (totalHits > limit) return block(req, res, next, limit, resetMs, now)
    next()
  }

  function block(req, res, next, limit, resetMs, now) {
    report('ratelimit.exceeded', req, `more than ${limit} requests in ${windowMs} ms`)
    if (anyHeaders) {
      try {
        const retryAfter =
          typeof config.retryAfter === 'function' ? config.retryAfter(req, res) : config.retryAfter
        if (isThenable(retryAfter)) {
          return retryAfter
            .then((seconds) => {
              setRetryAfter(res, seconds ?? resetSeconds(windowMs, resetMs, Date.now()))
              return runHandler(req, res, next)
            })
            .catch(next)
        }
        setRetryAfter(res, retryAfter ?? resetSeconds(windowMs, resetMs, now))
      } catch (error) {
        return next(error)
      }
    }
    return runHandler(req, res, next)
  }

  function runHandler(req, res, next) {
    let out
    try {
      out = handler(req, res, next, options)
    } catch (error) {
      return next(error)
    }
    if (isThenable(out)) return out.then(undefined, next)
  }

  function watchOutcome(req, res, key, limit, resetMs) {
    let decremented = false
    const decrement = () => {
      if (decremented) return
      decremented = true
      if (resetMs !== undefined && Date.now() >= resetMs) return
      try {
        const done = native !== null ? native.decrementSync(key, limit) : store.decrement(key, limit)
        if (isThenable(done)) {
          done.catch((error) => logger.error(error, 'rampart/rate-limit: error from store during decrement.'))
        }
      } catch (error) {
        logger.error(error, 'rampart/rate-limit: error from store during decrement.')
      }
    }
    const judge = (success) => {
      if (success ? config.skipSuccessfulRequests : config.skipFailedRequests) decrement()
    }
    res.once('finish', () => {
      try {
        const success = config.requestWasSuccessful(req, res)
        if (isThenable(success)) {
          success.then(judge, (error) =>
            logger.error(error, 'rampart/rate-limit: error in requestWasSuccessful callback.'),
          )
        } else judge(success)
      } catch (error) {
        logger.error(error, 'rampart/rate-limit: error in requestWasSuccessful callback.')
      }
    })
    if (config.skipFailedRequests) {
      res.once('close', () => {
        if (!res.writableEnded) decrement()
      })
      res.once('error', decrement)
    }
  }

  const getThrow = () => {
    throw new Error('The current store does not support the get/getKey method')
  }
  middleware.resetKey = store.resetKey.bind(store)
  middleware.getKey = typeof store.get === 'function' ? store.get.bind(store) : getThrow
  return middleware
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
