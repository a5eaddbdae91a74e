'use strict'
// `npm run bench -- ratelimit`: rampart/rate-limit against express-rate-limit (its
// MemoryStore), in-process, with the same options and the same headers.
//   - middleware cost per request: 1 key, and 10,000 rotating keys
//   - bytes per tracked key at 1M keys (JS heap and RSS), each library in its own child
//   - RSS growth from 1M to 2M distinct keys (rampart's maxKeys is 1M: bounded)
//   - p99 latency of one request during a flood of 1M distinct keys
// BENCH_RATELIMIT_MIDDLEWARE_ONLY=1 runs only the three per-request cases (minutes faster:
// what a change to lib/rate-limit.js is measured with, see docs/rate-limit.md).
const http = require('node:http')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..', '..')
// singleCount is off for both: the 1-key case sends the same request object again and again.
const OPTIONS = {
  windowMs: 60_000,
  limit: 1e9,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
  validate: { singleCount: false },
}
const LEGACY = { windowMs: 60_000, limit: 1e9, validate: { singleCount: false } } // defaults: legacy headers + Date

const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
const app = { get: () => false } // what express-rate-limit's validations read from req.app

function requests(n) {
  return Array.from({ length: n }, (_, i) => ({ ip: ip(i), headers: {}, app, method: 'GET', url: '/' }))
}

/** One reused node:http response, so both contenders pay the real setHeader cost. */
function response() {
  return new http.ServerResponse(new http.IncomingMessage(null))
}

function contenders(options, n) {
  const rateLimit = require(path.join(root, 'lib', 'rate-limit'))
  const erl = require('express-rate-limit')
  const rampart = rateLimit({ ...options })
  const peer = erl.rateLimit({ ...options })
  const reqs = requests(n)
  const res = response()
  const noop = () => {}
  let i = 0
  let j = 0
  const probeReq = () => ({ ip: '10.9.9.9', headers: {}, app })
  const header = options.legacyHeaders === false ? 'ratelimit' : 'x-ratelimit-remaining'
  const verify = (name, req, r, called) => {
    if (!called || req.rateLimit.used !== 1) throw new Error(`${name} did not count the request`)
    if (r.getHeader(header) === undefined) throw new Error(`${name} set no ${header} header`)
  }
  let rampartChecked = false
  let peerChecked = false
  return {
    // Each contender's first call checks that it counted the request and set the headers.
    rampart: () => {
      if (!rampartChecked) {
        rampartChecked = true
        const req = probeReq()
        const r = response()
        let called = false
        rampart(req, r, () => (called = true))
        verify('rampart', req, r, called)
      }
      rampart(reqs[i], res, noop)
      if (++i === n) i = 0
    },
    'express-rate-limit': () => {
      if (!peerChecked) {
        peerChecked = true
        const req = probeReq()
        const r = response()
        let called = false
        return peer(req, r, () => (called = true)).then(() => verify('express-rate-limit', req, r, called))
      }
      const p = peer(reqs[j], res, noop)
      if (++j === n) j = 0
      return p
    },
  }
}

/** Runs `script` in a fresh node (with --expose-gc) from the repo root; returns its JSON line. */
function child(script) {
  const out = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (out.status !== 0) throw new Error(`bench child failed: ${out.stderr || out.error}`)
  return JSON.parse(out.stdout.trim().split('\n').pop())
}
const FLOOD_PRELUDE = `
  const path = require('node:path')
  const http = require('node:http')
  const which = process.argv[1]
  const ip = (i) => '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255)
  const app = { get: () => false }
  const res = new http.ServerResponse(new http.IncomingMessage(null))
  const options = ${JSON.stringify(OPTIONS)}
  const mw = which === 'rampart'
    ? require(path.resolve('lib/rate-limit'))({ ...options })
    : require('express-rate-limit').rateLimit({ ...options })
  const noop = () => {}
  async function hit(i) { await mw({ ip: ip(i), headers: {}, app }, res, noop) }
`

/** Bytes per key at 1M keys, and RSS growth from 1M to 2M keys, for one contender. */
function memoryRun(which) {
  return child(
    `${FLOOD_PRELUDE}
    ;(async () => {
      for (let i = 0; i < 1000; i++) await hit(5_000_000 + i) // warm up code, not keys
      global.gc(); const m0 = process.memoryUsage()
      for (let i = 0; i < 1_000_000; i++) await hit(i)
      global.gc(); const m1 = process.memoryUsage()
      for (let i = 1_000_000; i < 2_000_000; i++) await hit(i)
      global.gc(); const m2 = process.memoryUsage()
      console.log(JSON.stringify({
        heapPerKey: (m1.heapUsed - m0.heapUsed) / 1e6,
        rssPerKey: (m1.rss - m0.rss) / 1e6,
        rssGrowthMB: (m2.rss - m1.rss) / 1048576,
      }))
    })()`.replace('process.argv[1]', JSON.stringify(which)),
  )
}

/** p99 (µs) of single requests timed during a flood of 1M distinct keys. */
function floodRun(which) {
  return child(
    `${FLOOD_PRELUDE}
    ;(async () => {
      for (let i = 0; i < 1000; i++) await hit(5_000_000 + i)
      const samples = new Float64Array(1_000_000)
      for (let i = 0; i < 1_000_000; i++) {
        const t = process.hrtime.bigint()
        await hit(i)
        samples[i] = Number(process.hrtime.bigint() - t) / 1000
      }
      samples.sort()
      console.log(JSON.stringify({ p50: samples[500_000], p99: samples[990_000], p999: samples[999_000] }))
    })()`.replace('process.argv[1]', JSON.stringify(which)),
  )
}

let memoryCache
function memory() {
  if (!memoryCache)
    memoryCache = { rampart: memoryRun('rampart'), 'express-rate-limit': memoryRun('express-rate-limit') }
  return memoryCache
}

module.exports = {
  name: 'ratelimit',
  title: 'Rate limiting: middleware per request, memory per key, latency under a key flood',
  cases() {
    const oneKey = contenders(OPTIONS, 1)
    const rotating = contenders(OPTIONS, 10_000)
    const legacy = contenders(LEGACY, 10_000)
    const all = [
      {
        name: 'middleware, 1 key, draft-7 headers',
        target: { peer: 'express-rate-limit', ratio: 2 },
        fns: oneKey,
      },
      {
        name: 'middleware, 10,000 rotating keys, draft-7 headers',
        target: { peer: 'express-rate-limit', ratio: 2 },
        fns: rotating,
      },
      {
        name: 'middleware, 10,000 rotating keys, default (legacy) headers',
        target: { peer: 'express-rate-limit', ratio: 2 },
        fns: legacy,
      },
      {
        name: 'JS heap bytes per tracked key at 1M keys',
        unit: 'B/key',
        lowerIsBetter: true,
        target: { peer: 'express-rate-limit', ratio: 3 },
        measure: async () => {
          const m = memory()
          return {
            rampart: Math.max(0.01, m.rampart.heapPerKey), // ~0: shown as 0.01 so a ratio exists
            'express-rate-limit': m['express-rate-limit'].heapPerKey,
          }
        },
      },
      {
        name: 'RSS bytes per tracked key at 1M keys',
        unit: 'B/key',
        lowerIsBetter: true,
        target: { peer: 'express-rate-limit', ratio: 3 },
        measure: async () => {
          const m = memory()
          return { rampart: m.rampart.rssPerKey, 'express-rate-limit': m['express-rate-limit'].rssPerKey }
        },
      },
      {
        name: 'RSS growth from 1M to 2M distinct keys (rampart maxKeys = 1M)',
        unit: 'MB',
        lowerIsBetter: true,
        measure: async () => {
          const m = memory()
          return {
            rampart: Math.max(0.01, m.rampart.rssGrowthMB),
            'express-rate-limit': Math.max(0.01, m['express-rate-limit'].rssGrowthMB),
          }
        },
      },
      {
        name: 'p99 latency of a request during a 1M distinct-key flood',
        unit: 'µs',
        lowerIsBetter: true,
        target: { peer: 'express-rate-limit', ratio: 2 },
        measure: async () => ({
          rampart: floodRun('rampart').p99,
          'express-rate-limit': floodRun('express-rate-limit').p99,
        }),
      },
    ]
    return process.env.BENCH_RATELIMIT_MIDDLEWARE_ONLY === '1' ? all.slice(0, 3) : all
  },
}
