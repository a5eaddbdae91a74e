'use strict'
// metrics({ registry?, prefix? }): rampart's counters on a prom-client Registry. prom-client is
// an optional peer, loaded here and only here.
const { addTap } = require('../events')
const labels = require('./labels')
const { sampleNativeCalls, checkSampling } = require('./native-timing')

const KNOWN = new Set(['registry', 'prefix', 'maxRoutes', 'nativeDurations'])

function loadPromClient() {
  try {
    return require('prom-client')
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') {
      throw new Error(
        'rampart/monitor: metrics() needs prom-client, an optional peer dependency: npm install prom-client',
      )
    }
    throw err
  }
}

function checkOptions(o) {
  if (o === null || typeof o !== 'object') throw new TypeError('metrics: options must be an object')
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key))
      throw new TypeError(`metrics: unknown option ${key} (known: ${[...KNOWN].join(', ')})`)
  }
  if (o.prefix !== undefined && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(o.prefix)) {
    throw new TypeError(
      'metrics: prefix must match [a-zA-Z_:][a-zA-Z0-9_:]* (a Prometheus metric name prefix)',
    )
  }
  if (o.maxRoutes !== undefined && !(Number.isInteger(o.maxRoutes) && o.maxRoutes > 0)) {
    throw new TypeError('metrics: maxRoutes must be a positive integer')
  }
  if (o.nativeDurations) checkSampling(o.nativeDurations)
}

/**
 * Registers the metrics and starts counting. Returns `{ registry, contentType, handler, stop }`:
 * `handler(req, res)` serves the registry in the Prometheus text format; `stop()` stops
 * counting and removes the metrics from the registry.
 */
function metrics(options = {}) {
  checkOptions(options)
  const client = loadPromClient()
  const registry = options.registry || client.register
  const name = (n) => `${options.prefix || ''}rampart_${n}`
  const route = labels.capped(options.maxRoutes || 200)

  if (registry.getSingleMetric(name('events_total')) !== undefined) {
    throw new Error(
      `metrics: rampart's metrics are already registered on this registry (${name('events_total')}): call stop() on the first metrics(), or pass another registry or prefix`,
    )
  }
  const made = []
  const make = (Type, config) => {
    const metric = new Type({ ...config, registers: [registry] })
    made.push(config.name)
    return metric
  }
  const eventsTotal = make(client.Counter, {
    name: name('events_total'),
    help: 'Security events reported by rampart middleware, by type, reason code and Express route pattern',
    labelNames: ['type', 'reason', 'route'],
  })
  // Decisions and verifications run on every request: they are counted in plain numbers and
  // handed to prom-client at scrape time (collect), since a labelled inc() hashes its labels
  // object on each call (~400 ns, against ~1 ns here).
  const pending = { allowed: 0, blocked: 0 }
  const pendingVerifications = new Map() // 'result alg' → count; bounded: 4 results x 14 algs
  make(client.Counter, {
    name: name('ratelimit_decisions_total'),
    help: 'Rate-limit decisions, by result (allowed or blocked)',
    labelNames: ['result'],
    collect() {
      for (const result of ['allowed', 'blocked']) {
        this.inc({ result }, pending[result])
        pending[result] = 0
      }
    },
  })
  make(client.Counter, {
    name: name('jwt_verifications_total'),
    help: 'JWT verifications by jwtAuth, by result (valid, expired, not_before, invalid) and header alg',
    labelNames: ['result', 'alg'],
    collect() {
      for (const [key, count] of pendingVerifications) {
        const [result, alg] = key.split(' ')
        this.inc({ result, alg }, count)
      }
      pendingVerifications.clear()
    },
  })
  const bodyRejections = make(client.Counter, {
    name: name('body_rejections_total'),
    help: 'Request bodies refused by the JSON body parser, by body-parser error type',
    labelNames: ['code'],
  })

  const stops = [
    addTap('event', (event, req) => {
      eventsTotal.inc({
        type: event.type,
        reason: labels.reasonCode(event),
        route: route(labels.routePattern(req)),
      })
      if (event.type === 'body.rejected') bodyRejections.inc({ code: labels.bodyCode(event.reason) })
    }),
    addTap('rateLimit', (_req, used, limit) => {
      if (used > limit) pending.blocked++
      else pending.allowed++
    }),
    addTap('jwt', (token, err) => {
      const key = `${labels.verificationResult(err)} ${labels.tokenAlg(token)}`
      pendingVerifications.set(key, (pendingVerifications.get(key) || 0) + 1)
    }),
  ]

  if (options.nativeDurations) {
    const histogram = make(client.Histogram, {
      name: name('native_call_duration_seconds'),
      help: 'Duration of sampled calls into the native core, by function',
      labelNames: ['fn'],
      buckets: [1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2],
    })
    stops.push(
      sampleNativeCalls(options.nativeDurations, (fn, seconds) => histogram.observe({ fn }, seconds)),
    )
  }

  let stopped = false
  return {
    registry,
    contentType: registry.contentType,
    /** Serves the registry (mount it where only your Prometheus can reach it). */
    async handler(_req, res) {
      try {
        const body = await registry.metrics()
        res.statusCode = 200
        res.setHeader('Content-Type', registry.contentType)
        res.end(body)
      } catch (err) {
        res.statusCode = 500
        res.end(String(err && err.message))
      }
    },
    stop() {
      if (stopped) return
      stopped = true
      for (const stop of stops) stop()
      for (const n of made) registry.removeSingleMetric(n)
    },
  }
}

module.exports = { metrics }
