'use strict'
// rateLimit() options: defaults, express-rate-limit's start-up checks, the store (wrapped
// when it is an old callback-style one), and the default way to send a blocked response.
const { MemoryStore } = require('./memory-store')
const { RedisStore } = require('./redis-store')
const { SUPPORTED_DRAFTS } = require('./headers')
const { createValidations } = require('./validations')
const { parseFastPaths } = require('../fast-paths')

const DEFAULT_MESSAGE = 'Too many requests, please try again later.'
const ALGORITHMS = ['fixed-window', 'gcra']

const consoleLogger = {
  warn: (...args) => console.warn(...args.reverse()),
  error: (...args) => console.error(...args.reverse()),
}

const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function'

/** express-rate-limit's default identifier for draft-8: "<limit>-in-<duration>". */
function defaultIdentifier(windowMs, limit) {
  const seconds = windowMs / 1000
  const minutes = windowMs / 60_000
  const hours = windowMs / 3_600_000
  const days = windowMs / 86_400_000
  let duration
  if (seconds < 60) duration = `${seconds}sec`
  else if (minutes < 60) duration = `${minutes}min`
  else if (hours < 24) duration = `${hours}hr${hours > 1 ? 's' : ''}`
  else duration = `${days}day${days > 1 ? 's' : ''}`
  return `${limit}-in-${duration}`
}

function isValidStore(store) {
  return (
    store !== null &&
    typeof store === 'object' &&
    typeof store.increment === 'function' &&
    typeof store.decrement === 'function' &&
    typeof store.resetKey === 'function' &&
    (store.resetAll === undefined || typeof store.resetAll === 'function') &&
    (store.init === undefined || typeof store.init === 'function')
  )
}

/** Wraps an old callback-style store (`incr(key, cb)`) in the promise interface. */
function promisifyLegacyStore(store) {
  if (typeof store.incr !== 'function' || typeof store.increment === 'function') return store
  return {
    increment: (key) =>
      new Promise((resolve, reject) =>
        store.incr(key, (err, totalHits, resetTime) =>
          err ? reject(err) : resolve({ totalHits, resetTime }),
        ),
      ),
    decrement: async (key) => store.decrement(key),
    resetKey: async (key) => store.resetKey(key),
    resetAll: async () => (typeof store.resetAll === 'function' ? store.resetAll() : undefined),
  }
}

/** Writes `message` with only node:http (Express's res.send when it exists). */
function sendMessage(res, message) {
  if (typeof res.send === 'function') return res.send(message)
  if (message === undefined) return res.end()
  let body = message
  if (typeof message === 'string') {
    if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'text/html; charset=utf-8')
  } else if (Buffer.isBuffer(message)) {
    if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'application/octet-stream')
  } else {
    body = JSON.stringify(message)
    if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8')
  }
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

function parseOptions(passed) {
  if (passed !== undefined && (passed === null || typeof passed !== 'object')) {
    throw new TypeError('rateLimit(options): options must be an object')
  }
  const options = Object.create(null)
  for (const k of Object.keys(passed || {})) if (passed[k] !== undefined) options[k] = passed[k]

  const logger = options.logger ?? consoleLogger
  if (!logger || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
    throw new TypeError('rateLimit: options.logger must have error() and warn() methods')
  }
  const validations = createValidations(options.validate ?? true, logger)
  validations.validationsConfig()
  validations.knownOptions(options)
  validations.draftPolliHeaders(options.draft_polli_ratelimit_headers)
  validations.onLimitReached(options.onLimitReached)
  if (options.ipv6Subnet !== undefined && typeof options.ipv6Subnet !== 'function') {
    validations.ipv6Subnet(options.ipv6Subnet)
  }
  validations.keyGeneratorIpFallback(options.keyGenerator)
  validations.ipv6SubnetOrKeyGenerator(options)

  const algorithm = options.algorithm ?? 'fixed-window'
  if (!ALGORITHMS.includes(algorithm)) {
    throw new TypeError(
      `rateLimit: algorithm must be 'fixed-window' or 'gcra', got ${JSON.stringify(algorithm)}`,
    )
  }
  const windowMs = options.windowMs ?? 60_000
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 1) {
    throw new TypeError(`rateLimit: windowMs must be a number of milliseconds of at least 1, got ${windowMs}`)
  }
  let standardHeaders = options.standardHeaders ?? false
  if (standardHeaders === true) standardHeaders = 'draft-6'
  if (standardHeaders !== false && !SUPPORTED_DRAFTS.includes(standardHeaders)) {
    validations.headersDraftVersion(standardHeaders)
    standardHeaders = false
  }
  const limit = options.limit ?? options.max ?? 5
  if (typeof limit !== 'function' && (typeof limit !== 'number' || Number.isNaN(limit))) {
    throw new TypeError(`rateLimit: limit (or max) must be a number or a function, got ${typeof limit}`)
  }
  const store = promisifyLegacyStore(options.store ?? new MemoryStore())
  if (!isValidStore(store)) {
    throw new TypeError(
      'rateLimit: an invalid store was passed; it must implement the Store interface (increment, decrement, resetKey, and optionally init, get, resetAll).',
    )
  }
  if (algorithm === 'gcra' && !(store instanceof MemoryStore) && !(store instanceof RedisStore)) {
    throw new TypeError(
      `rateLimit: algorithm 'gcra' needs rampart's MemoryStore or RedisStore; ${store.constructor.name} counts fixed windows only. Drop the store option or use algorithm 'fixed-window'.`,
    )
  }
  const fastPaths = parseFastPaths(options.fastPaths, 'rateLimit')
  const config = {
    windowMs,
    limit,
    message: DEFAULT_MESSAGE,
    statusCode: 429,
    legacyHeaders: options.headers ?? true,
    requestPropertyName: 'rateLimit',
    skipFailedRequests: false,
    skipSuccessfulRequests: false,
    requestWasSuccessful: (_req, res) => res.statusCode < 400,
    skip: undefined,
    keyGenerator: undefined,
    ipv6Subnet: 56,
    identifier: undefined,
    handler: undefined,
    passOnStoreError: false,
    retryAfter: undefined,
    ...options,
    algorithm,
    fastPaths,
    standardHeaders,
    store,
    validations,
    logger,
  }
  return config
}

module.exports = { parseOptions, defaultIdentifier, sendMessage, isThenable }
