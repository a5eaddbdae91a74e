'use strict'
// Misconfiguration checks, after express-rate-limit's (same codes, so its docs apply):
// each runs at most once per limiter, and reports through the logger as an error (or a
// warning, for ChangeWarning) with one clear sentence; none of them stops the app.
// `validate: false` turns them all off, `validate: { name: false }` one of them.
const { isIP } = require('node:net')

class ValidationError extends Error {
  constructor(code, message) {
    const url = `https://express-rate-limit.github.io/${code}/`
    super(`rampart/rate-limit: ${message} See ${url} for more information.`)
    this.name = this.constructor.name
    this.code = code
    this.help = url
  }
}
class ChangeWarning extends ValidationError {}

const usedStores = new WeakSet()
const singleCountKeys = new WeakMap()

const KNOWN_OPTIONS = new Set([
  'windowMs',
  'limit',
  'max',
  'message',
  'statusCode',
  'legacyHeaders',
  'standardHeaders',
  'identifier',
  'retryAfter',
  'requestPropertyName',
  'skipFailedRequests',
  'skipSuccessfulRequests',
  'keyGenerator',
  'ipv6Subnet',
  'handler',
  'skip',
  'requestWasSuccessful',
  'store',
  'validate',
  'headers',
  'passOnStoreError',
  'logger',
  'algorithm',
  'fastPaths',
  // Handled by their own, more specific checks, or by express-slow-down.
  'draft_polli_ratelimit_headers',
  'onLimitReached',
  'delayAfter',
  'delayMs',
  'maxDelayMs',
])

const checks = {
  ip(ip) {
    if (ip === undefined) {
      throw new ValidationError(
        'ERR_ERL_UNDEFINED_IP_ADDRESS',
        "The client's IP address is undefined (no request.ip and no socket address); the connection may have been destroyed, or a proxy misconfigured. Such requests share one limit.",
      )
    }
    if (!isIP(ip)) {
      throw new ValidationError(
        'ERR_ERL_INVALID_IP_ADDRESS',
        `request.ip (${ip}) is not a valid IP address. Pass a custom 'keyGenerator' to the rate limiter.`,
      )
    }
  },
  trustProxy(req) {
    if (req.app && typeof req.app.get === 'function' && req.app.get('trust proxy') === true) {
      throw new ValidationError(
        'ERR_ERL_PERMISSIVE_TRUST_PROXY',
        "The Express 'trust proxy' setting is true, which lets any client set its own IP through X-Forwarded-For and bypass IP-based rate limiting. Set it to the number of proxies in front of the app (for example 1) or their addresses.",
      )
    }
  },
  xForwardedForHeader(req) {
    if (
      req.headers &&
      req.headers['x-forwarded-for'] &&
      req.app &&
      typeof req.app.get === 'function' &&
      req.app.get('trust proxy') === false
    ) {
      throw new ValidationError(
        'ERR_ERL_UNEXPECTED_X_FORWARDED_FOR',
        "The 'X-Forwarded-For' header is set but the Express 'trust proxy' setting is false (the default), so every client behind the proxy shares the proxy's IP and one limit. Set 'trust proxy' to match your proxies.",
      )
    }
  },
  forwardedHeader(req) {
    if (req.headers && req.headers.forwarded && req.ip === (req.socket && req.socket.remoteAddress)) {
      throw new ValidationError(
        'ERR_ERL_FORWARDED_HEADER',
        "The 'Forwarded' header is set but ignored (Express reads only X-Forwarded-For). Add a custom keyGenerator to use a value from this header.",
      )
    }
  },
  positiveHits(hits) {
    if (typeof hits !== 'number' || hits < 1 || hits !== Math.round(hits)) {
      throw new ValidationError(
        'ERR_ERL_INVALID_HITS',
        `The totalHits value returned from the store must be a positive integer, got ${hits}.`,
      )
    }
  },
  unsharedStore(store) {
    if (usedStores.has(store)) {
      const unique = store && store.localKeys ? '' : ' (with a unique prefix)'
      throw new ValidationError(
        'ERR_ERL_STORE_REUSE',
        `One store instance is shared by several rate limiters, so their counts mix. Create a new ${store.constructor.name}${unique} for each limiter.`,
      )
    }
    usedStores.add(store)
  },
  singleCount(req, store, key) {
    let perStore = singleCountKeys.get(req)
    if (!perStore) {
      perStore = new Map()
      singleCountKeys.set(req, perStore)
    }
    const storeId = store.localKeys ? store : store.constructor.name
    let keys = perStore.get(storeId)
    if (!keys) {
      keys = []
      perStore.set(storeId, keys)
    }
    const prefixed = `${store.prefix ?? ''}${key}`
    if (keys.includes(prefixed)) {
      throw new ValidationError(
        'ERR_ERL_DOUBLE_COUNT',
        `The hit count for ${key} was incremented more than once for a single request: the same limiter (or store) is applied twice on this route.`,
      )
    }
    keys.push(prefixed)
  },
  limit(limit) {
    if (limit === 0) {
      throw new ChangeWarning(
        'WRN_ERL_MAX_ZERO',
        'limit (or max) is 0, which blocks every request (express-rate-limit v6 and older treated 0 as "no limit").',
      )
    }
  },
  draftPolliHeaders(value) {
    if (value) {
      throw new ChangeWarning(
        'WRN_ERL_DEPRECATED_DRAFT_POLLI_HEADERS',
        "The draft_polli_ratelimit_headers option was removed in express-rate-limit v7 and is ignored; set standardHeaders: 'draft-6' instead.",
      )
    }
  },
  onLimitReached(value) {
    if (value) {
      throw new ChangeWarning(
        'WRN_ERL_DEPRECATED_ON_LIMIT_REACHED',
        "The onLimitReached option was removed in express-rate-limit v7 and is ignored; use a custom handler, or listen to rampart's 'ratelimit.exceeded' event.",
      )
    }
  },
  headersDraftVersion(version) {
    throw new ValidationError(
      'ERR_ERL_HEADERS_UNSUPPORTED_DRAFT_VERSION',
      `standardHeaders: ${JSON.stringify(version)} is not supported; use true, false, 'draft-6', 'draft-7' or 'draft-8'. No standard headers will be sent.`,
    )
  },
  headersResetTime(resetTime) {
    if (!resetTime) {
      throw new ValidationError(
        'ERR_ERL_HEADERS_NO_RESET',
        "standardHeaders 'draft-7' and 'draft-8' need a resetTime, but the store did not provide one; windowMs is used instead, which may make clients wait longer than needed.",
      )
    }
  },
  knownOptions(options) {
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key)) {
        throw new ValidationError(
          'ERR_ERL_UNKNOWN_OPTION',
          `Unexpected configuration option: ${key} (it is ignored).`,
        )
      }
    }
  },
  creationStack(store) {
    const { stack } = new Error('rate limiter creation check')
    if (
      stack &&
      (stack.includes('Layer.handle [as handle_request]') || stack.includes('Layer.handleRequest'))
    ) {
      throw new ValidationError(
        'ERR_ERL_CREATED_IN_REQUEST_HANDLER',
        store.localKeys
          ? 'A rate limiter was created inside a request handler, so every request gets a fresh, empty limit. Create it once, at app start-up.'
          : 'A rate limiter should usually be created at app start-up, not while responding to a request.',
      )
    }
  },
  ipv6Subnet(subnet) {
    if (subnet === false) return
    if (!Number.isInteger(subnet) || subnet < 32 || subnet > 64) {
      throw new ValidationError(
        'ERR_ERL_IPV6_SUBNET',
        `Unexpected ipv6Subnet value: ${subnet}. Expected an integer between 32 and 64 (usually 48-64), or false.`,
      )
    }
  },
  ipv6SubnetOrKeyGenerator(options) {
    if (options.ipv6Subnet !== undefined && options.keyGenerator) {
      throw new ValidationError(
        'ERR_ERL_IPV6SUBNET_OR_KEYGENERATOR',
        "Incompatible options: 'ipv6Subnet' is ignored when a custom 'keyGenerator' is set; call ipKeyGenerator(ip, subnet) inside the keyGenerator instead.",
      )
    }
  },
  keyGeneratorIpFallback(keyGenerator) {
    if (!keyGenerator) return
    const src = String(keyGenerator)
    if ((src.includes('req.ip') || src.includes('request.ip')) && !src.includes('ipKeyGenerator')) {
      throw new ValidationError(
        'ERR_ERL_KEY_GEN_IPV6',
        'The custom keyGenerator uses the request IP without the ipKeyGenerator helper, so an IPv6 client can get a fresh limit for every address in its network. Use ipKeyGenerator(req.ip).',
      )
    }
  },
}

const NAMES = Object.keys(checks)
// Checks that keep running (on the requests the caller chooses) until they find something.
const UNTIL_FOUND = new Set(['singleCount'])

/**
 * The checks bound to one limiter: each runs at most once, and reports instead of
 * throwing. `enabled` is `validate` resolved.
 */
function createValidations(validate, logger) {
  const enabled = typeof validate === 'boolean' ? { default: validate } : { default: true, ...validate }
  const bound = { enabled }
  for (const name of NAMES) {
    bound[name] = (...args) => {
      if (!(enabled[name] ?? enabled.default)) return
      const once = !UNTIL_FOUND.has(name)
      if (once) enabled[name] = false
      try {
        checks[name](...args)
      } catch (error) {
        enabled[name] = false
        if (error instanceof ChangeWarning) logger.warn(error)
        else logger.error(error)
      }
    }
  }
  bound.isOn = (name) => enabled[name] ?? enabled.default
  bound.validationsConfig = () => {
    for (const key of Object.keys(enabled)) {
      if (key !== 'default' && !NAMES.includes(key)) {
        logger.error(
          new ValidationError(
            'ERR_ERL_UNKNOWN_VALIDATION',
            `options.validate.${key} is not recognized. Supported validate options are: ${NAMES.join(', ')}, default.`,
          ),
        )
      }
    }
  }
  return bound
}

module.exports = { ValidationError, ChangeWarning, createValidations }
