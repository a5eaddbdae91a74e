'use strict'
// rampart/rate-limit: express-rate-limit 8's behaviour and exact headers, side by side
// with the real express-rate-limit, over real HTTP on 127.0.0.1.
const test = require('node:test')
const assert = require('node:assert')
const { serve } = require('./helpers/serve')
const path = require('node:path')
const express = require('express')
const erl = require('express-rate-limit')
const rateLimit = require('../lib/rate-limit')
const { events } = require('../lib/events')

const { MemoryStore, ipKeyGenerator } = rateLimit

function appWith(limiter, route = (_req, res) => res.send('ok')) {
  const app = express()
  app.use(limiter)
  app.get('/', route)
  app.get('/fail', (_req, res) => res.status(500).send('boom'))
  app.get('/info', (req, res) => res.json(req.rateLimit))
  return app
}

const RATE_HEADERS = /^(x-ratelimit-|ratelimit|retry-after)/

function rateHeaders(res) {
  const out = {}
  for (const [k, v] of res.headers) if (RATE_HEADERS.test(k)) out[k] = v
  return out
}

const silent = { warn() {}, error() {} }
function recorder() {
  const seen = []
  return { seen, warn: (e) => seen.push(e), error: (e) => seen.push(e) }
}

/** Runs `n` requests against rampart and express-rate-limit with the same options. */
async function sideBySide(options, n, requestPath = '/') {
  const a = await serve(appWith(rateLimit({ ...options, logger: silent })))
  const b = await serve(appWith(erl.rateLimit({ ...options, logger: silent })))
  const realNow = Date.now
  const frozen = Math.floor(realNow() / 1000) * 1000 + 100 // same second for both
  Date.now = () => frozen
  try {
    for (let i = 0; i < n; i++) {
      const ra = await fetch(a.url + requestPath)
      const rb = await fetch(b.url + requestPath)
      assert.strictEqual(ra.status, rb.status, `status of request ${i + 1}`)
      assert.deepStrictEqual(rateHeaders(ra), rateHeaders(rb), `headers of request ${i + 1}`)
      assert.strictEqual(await ra.text(), await rb.text(), `body of request ${i + 1}`)
      assert.strictEqual(ra.headers.get('content-type'), rb.headers.get('content-type'))
    }
  } finally {
    Date.now = realNow
    await a.close()
    await b.close()
  }
}

test('require() returns rateLimit itself with the named exports; ESM too', async () => {
  assert.strictEqual(typeof rateLimit, 'function')
  assert.strictEqual(rateLimit.rateLimit, rateLimit)
  assert.strictEqual(rateLimit.default, rateLimit)
  for (const name of ['MemoryStore', 'RedisStore', 'ipKeyGenerator'])
    assert.strictEqual(typeof rateLimit[name], 'function')
  const esm = await import(path.join(__dirname, '..', 'lib', 'esm', 'rate-limit.mjs'))
  assert.strictEqual(esm.default, rateLimit)
  assert.strictEqual(esm.rateLimit, rateLimit)
  assert.strictEqual(esm.MemoryStore, MemoryStore)
  assert.strictEqual(require('rampart/rate-limit'), rateLimit)
})

for (const [label, options] of [
  ['defaults (legacy headers)', {}],
  ['draft-6', { standardHeaders: 'draft-6', legacyHeaders: false, limit: 3 }],
  ['standardHeaders: true is draft-6', { standardHeaders: true, limit: 2 }],
  ['draft-7', { standardHeaders: 'draft-7', legacyHeaders: false, limit: 3, windowMs: 15 * 60 * 1000 }],
  ['draft-8', { standardHeaders: 'draft-8', legacyHeaders: false, limit: 2, windowMs: 3 * 3600 * 1000 }],
  ['draft-8 with identifier', { standardHeaders: 'draft-8', identifier: 'api', limit: 2 }],
  ['no headers at all (no Retry-After)', { standardHeaders: false, legacyHeaders: false, limit: 1 }],
  ['max alias', { max: 2, standardHeaders: 'draft-7' }],
  ['limit function', { limit: () => 2, standardHeaders: 'draft-6' }],
  ['async limit function', { limit: async () => 1, standardHeaders: 'draft-7' }],
  ['string message and statusCode', { limit: 1, message: 'slow down', statusCode: 503 }],
  ['object message', { limit: 1, message: { error: 'too many' } }],
  ['function message', { limit: 1, message: (req) => `no more for ${req.rateLimit.limit}` }],
  ['retryAfter option', { limit: 1, retryAfter: 7 }],
  ['limit 0 blocks everything', { limit: 0, standardHeaders: 'draft-7' }],
  ['long window', { windowMs: 2 * 86_400_000, limit: 2, standardHeaders: 'draft-8' }],
]) {
  test(`same statuses, headers and bodies as express-rate-limit: ${label}`, async () => {
    await sideBySide(options, 4)
  })
}

test('same req.rateLimit as express-rate-limit (skipSuccessfulRequests too)', async () => {
  for (const options of [{ limit: 3 }, { limit: 3, skipSuccessfulRequests: true }]) {
    const a = await serve(appWith(rateLimit({ ...options, logger: silent })))
    const b = await serve(appWith(erl.rateLimit({ ...options, logger: silent })))
    try {
      for (let i = 0; i < 3; i++) {
        const ja = await (await fetch(`${a.url}/info`)).json()
        const jb = await (await fetch(`${b.url}/info`)).json()
        assert.ok(Math.abs(Date.parse(ja.resetTime) - Date.parse(jb.resetTime)) < 1000)
        delete ja.resetTime
        delete jb.resetTime
        assert.deepStrictEqual(ja, jb)
        await new Promise((r) => setTimeout(r, 20)) // let 'finish' decrement land
      }
    } finally {
      await a.close()
      await b.close()
    }
  }
})

test('req.rateLimit has limit, used, remaining, resetTime, key and a hidden current', async () => {
  let info
  const s = await serve(
    appWith(rateLimit({ limit: 5, requestPropertyName: 'quota' }), (req, res) => {
      info = req.quota
      res.send('ok')
    }),
  )
  try {
    await fetch(s.url)
    await fetch(s.url)
    assert.deepStrictEqual(Object.keys(info), ['limit', 'used', 'remaining', 'resetTime', 'key'])
    assert.strictEqual(info.limit, 5)
    assert.strictEqual(info.used, 2)
    assert.strictEqual(info.current, 2)
    assert.strictEqual(info.remaining, 3)
    assert.strictEqual(info.key, '127.0.0.1')
    assert.ok(info.resetTime instanceof Date && info.resetTime.getTime() > Date.now() + 50_000)
  } finally {
    await s.close()
  }
})

test('skip, skipFailedRequests and requestWasSuccessful', async () => {
  const app = express()
  app.use(rateLimit({ limit: 2, skip: (req) => req.query.vip === '1', skipFailedRequests: true }))
  app.get('/', (_req, res) => res.send('ok'))
  app.get('/fail', (_req, res) => res.status(500).send('boom'))
  const s = await serve(app)
  try {
    for (let i = 0; i < 5; i++) assert.strictEqual((await fetch(`${s.url}/?vip=1`)).status, 200)
    for (let i = 0; i < 5; i++) {
      assert.strictEqual((await fetch(`${s.url}/fail`)).status, 500) // not counted
      await new Promise((r) => setTimeout(r, 5))
    }
    assert.strictEqual((await fetch(s.url)).status, 200)
    assert.strictEqual((await fetch(s.url)).status, 200)
    assert.strictEqual((await fetch(s.url)).status, 429)
  } finally {
    await s.close()
  }
  const custom = await serve(
    appWith(
      rateLimit({
        limit: 1,
        skipSuccessfulRequests: true,
        requestWasSuccessful: async (req) => req.query.ok === 'yes',
      }),
    ),
  )
  try {
    for (let i = 0; i < 3; i++) {
      assert.strictEqual((await fetch(`${custom.url}/?ok=yes`)).status, 200)
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.strictEqual((await fetch(custom.url)).status, 200)
    await new Promise((r) => setTimeout(r, 10))
    assert.strictEqual((await fetch(custom.url)).status, 429)
  } finally {
    await custom.close()
  }
})

test('custom handler gets (req, res, next, options); async skip and keyGenerator work', async () => {
  let seenOptions
  const s = await serve(
    appWith(
      rateLimit({
        limit: 1,
        skip: async () => false,
        keyGenerator: async (req) => req.headers['x-api-key'] || 'anon',
        handler: (req, res, _next, options) => {
          seenOptions = options
          res.status(options.statusCode).json({ key: req.rateLimit.key })
        },
      }),
    ),
  )
  try {
    const h = { 'x-api-key': 'k1' }
    assert.strictEqual((await fetch(s.url, { headers: h })).status, 200)
    const blocked = await fetch(s.url, { headers: h })
    assert.strictEqual(blocked.status, 429)
    assert.deepStrictEqual(await blocked.json(), { key: 'k1' })
    assert.strictEqual(seenOptions.limit, 1)
    assert.strictEqual(seenOptions.windowMs, 60_000)
    assert.strictEqual((await fetch(s.url, { headers: { 'x-api-key': 'k2' } })).status, 200)
  } finally {
    await s.close()
  }
})

test('errors thrown by options functions go to next(err), and nothing crashes', async () => {
  const app = express()
  app.use(
    rateLimit({
      keyGenerator: (req) => {
        if (req.query.bad) throw new Error('key failed')
        return 'k'
      },
    }),
  )
  app.get('/', (_req, res) => res.send('ok'))
  app.use((err, _req, res, _next) => res.status(500).send(err.message))
  const s = await serve(app)
  try {
    const r = await fetch(`${s.url}/?bad=1`)
    assert.strictEqual(r.status, 500)
    assert.strictEqual(await r.text(), 'key failed')
  } finally {
    await s.close()
  }
})

test('the default key is the client IP; IPv6 is grouped by /56 (ipv6Subnet)', () => {
  assert.strictEqual(ipKeyGenerator('1.2.3.4'), '1.2.3.4')
  assert.strictEqual(ipKeyGenerator('2001:db8:85a3:8d3:1319:8a2e:370:7348'), '2001:db8:85a3:800::/56')
  assert.strictEqual(ipKeyGenerator('2001:db8:85a3:8d3:1319:8a2e:370:7348', 64), '2001:db8:85a3:8d3::/64')
  assert.strictEqual(ipKeyGenerator('2001:db8:85a3:8d3::1', false), '2001:db8:85a3:8d3::1')
  assert.strictEqual(ipKeyGenerator('::ffff:10.0.0.1'), '10.0.0.1')
  // Agrees with express-rate-limit's own helper on random addresses.
  for (let i = 0; i < 2000; i++) {
    const groups = Array.from({ length: 8 }, () =>
      (Math.random() < 0.3 ? 0 : (Math.random() * 65536) | 0).toString(16),
    )
    const ip = groups.join(':')
    for (const bits of [32, 48, 56, 60, 64])
      assert.strictEqual(ipKeyGenerator(ip, bits), erl.ipKeyGenerator(ip, bits), ip)
  }
})

test('attack: rotating IPv6 addresses inside one /56 share one limit', async () => {
  let ip
  const limiter = rateLimit({ limit: 3, logger: silent })
  const req = () => {
    const r = { ip, headers: {}, method: 'GET', url: '/' }
    return r
  }
  const res = fakeResponse()
  let passed = 0
  for (let i = 0; i < 20; i++) {
    ip = `2001:db8:1234:56${(i % 16).toString(16)}${(i % 10).toString(16)}::${((i * 7919) & 0xffff).toString(16)}`
    await new Promise((resolve) => {
      limiter(req(), res, () => {
        passed++
        resolve()
      })
      if (res.ended) resolve()
      res.ended = false
    })
  }
  assert.strictEqual(passed, 3)
})

/** A minimal node:http-like response for driving the middleware directly. */
function fakeResponse() {
  const headers = {}
  return {
    headers,
    statusCode: 200,
    headersSent: false,
    writableEnded: false,
    ended: false,
    setHeader: (k, v) => (headers[k.toLowerCase()] = v),
    getHeader: (k) => headers[k.toLowerCase()],
    end(body) {
      this.ended = true
      this.body = body
    },
    once() {},
  }
}

test('works under plain node:http (no req.ip, no res.send) and with a bare request', async () => {
  const limiter = rateLimit({ limit: 1, standardHeaders: 'draft-8', message: { error: 'slow' } })
  const { url, close } = await serve((req, res) => limiter(req, res, () => res.end('ok')))
  try {
    const ok = await fetch(url)
    assert.strictEqual(ok.status, 200)
    assert.match(ok.headers.get('ratelimit'), /^"1-in-1min"; r=0; t=60$/)
    const blocked = await fetch(url)
    assert.strictEqual(blocked.status, 429)
    assert.strictEqual(blocked.headers.get('retry-after'), '60')
    assert.strictEqual(blocked.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.deepStrictEqual(await blocked.json(), { error: 'slow' })
  } finally {
    await close()
  }
  // A request with no ip, method, path or socket at all: counted under one key, no throw.
  const bare = rateLimit({ limit: 1, logger: silent })
  let nexts = 0
  const res = fakeResponse()
  bare({ headers: {} }, res, () => nexts++)
  bare({}, res, () => nexts++)
  assert.strictEqual(nexts, 1)
  assert.strictEqual(res.statusCode, 429)
})

test('fixed windows follow Date.now() from JavaScript (fake timers)', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 })
  const limiter = rateLimit({
    limit: 2,
    windowMs: 1000,
    logger: silent,
    legacyHeaders: false,
    standardHeaders: 'draft-7',
  })
  const run = () => {
    const res = fakeResponse()
    let passed = false
    limiter({ ip: '9.9.9.9', headers: {} }, res, () => (passed = true))
    return { passed, res }
  }
  assert.ok(run().passed)
  assert.ok(run().passed)
  const blocked = run()
  assert.ok(!blocked.passed)
  assert.strictEqual(blocked.res.headers['retry-after'], '1')
  t.mock.timers.tick(999)
  assert.ok(!run().passed)
  t.mock.timers.tick(1)
  const again = run()
  assert.ok(again.passed)
  assert.strictEqual(again.res.headers.ratelimit, 'limit=2, remaining=1, reset=1')
})

test("algorithm 'gcra': a smooth limit without a burst at the window edge", async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 5_000_000 })
  const limiter = rateLimit({
    limit: 4,
    windowMs: 1000,
    algorithm: 'gcra',
    standardHeaders: 'draft-7',
    legacyHeaders: false,
  })
  const run = () => {
    const res = fakeResponse()
    const req = { ip: '8.8.8.8', headers: {} }
    let passed = false
    limiter(req, res, () => (passed = true))
    return { passed, res, info: req.rateLimit }
  }
  for (let i = 1; i <= 4; i++) {
    const r = run()
    assert.ok(r.passed, `burst request ${i}`)
    assert.strictEqual(r.info.remaining, 4 - i)
  }
  const blocked = run()
  assert.ok(!blocked.passed)
  assert.strictEqual(blocked.res.statusCode, 429)
  assert.strictEqual(blocked.res.headers['retry-after'], '1') // 250 ms, rounded up to a second
  t.mock.timers.tick(250)
  assert.ok(run().passed, 'one request drained after windowMs/limit')
  assert.ok(!run().passed)
  // Fixed windows would allow 2 x limit around an edge; GCRA allows limit + elapsed/T.
  t.mock.timers.tick(1000)
  let passed = 0
  for (let i = 0; i < 10; i++) if (run().passed) passed++
  assert.strictEqual(passed, 4)
  assert.throws(() => rateLimit({ algorithm: 'leaky' }), /algorithm must be 'fixed-window' or 'gcra'/)
  assert.throws(
    () => rateLimit({ algorithm: 'gcra', store: { increment() {}, decrement() {}, resetKey() {} } }),
    /needs rampart's MemoryStore or RedisStore/,
  )
})

test('ratelimit.exceeded is reported with ip, method, path and reason', async () => {
  const seen = []
  const listener = (e) => seen.push(e)
  events.on('ratelimit.exceeded', listener)
  const s = await serve(appWith(rateLimit({ limit: 1 })))
  try {
    await fetch(`${s.url}/?a=1`)
    assert.strictEqual(seen.length, 0)
    await fetch(`${s.url}/?a=1`)
    assert.strictEqual(seen.length, 1)
    const [e] = seen
    assert.strictEqual(e.type, 'ratelimit.exceeded')
    assert.strictEqual(e.ip, '127.0.0.1')
    assert.strictEqual(e.method, 'GET')
    assert.strictEqual(e.path, '/')
    assert.match(e.reason, /more than 1 requests in 60000 ms/)
    assert.ok(typeof e.time === 'number')
  } finally {
    events.off('ratelimit.exceeded', listener)
    await s.close()
  }
})

test('passOnStoreError: a failing store fails closed by default, open when asked', async () => {
  const failing = () => ({
    increment: async () => {
      throw new Error('store down')
    },
    decrement: async () => {},
    resetKey: async () => {},
  })
  const build = (options) => {
    const app = express()
    app.use(rateLimit({ store: failing(), logger: silent, ...options }))
    app.get('/', (_req, res) => res.send('ok'))
    app.use((err, _req, res, _next) => res.status(500).send(err.message))
    return app
  }
  const closed = await serve(build({}))
  const open = await serve(build({ passOnStoreError: true }))
  try {
    const c = await fetch(closed.url)
    assert.strictEqual(c.status, 500)
    assert.strictEqual(await c.text(), 'store down')
    assert.strictEqual((await fetch(open.url)).status, 200)
  } finally {
    await closed.close()
    await open.close()
  }
})

test('start-up and first-request validations warn with a clear sentence', async () => {
  const codes = (log) => log.seen.map((e) => e.code)

  const log1 = recorder()
  const store = new MemoryStore()
  rateLimit({ store, logger: log1 })
  rateLimit({ store, logger: log1 })
  assert.deepStrictEqual(codes(log1), ['ERR_ERL_STORE_REUSE'])
  assert.match(log1.seen[0].message, /shared by several rate limiters/)

  const log2 = recorder()
  rateLimit({ windowMS: 1000, logger: log2, onLimitReached: () => {}, standardHeaders: 'draft-5' })
  assert.deepStrictEqual(codes(log2).sort(), [
    'ERR_ERL_HEADERS_UNSUPPORTED_DRAFT_VERSION',
    'ERR_ERL_UNKNOWN_OPTION',
    'WRN_ERL_DEPRECATED_ON_LIMIT_REACHED',
  ])

  const log3 = recorder()
  rateLimit({ keyGenerator: (req) => req.ip, logger: log3, ipv6Subnet: 48 })
  assert.deepStrictEqual(codes(log3).sort(), ['ERR_ERL_IPV6SUBNET_OR_KEYGENERATOR', 'ERR_ERL_KEY_GEN_IPV6'])

  const log4 = recorder()
  rateLimit({ ipv6Subnet: 16, logger: log4 })
  assert.deepStrictEqual(codes(log4), ['ERR_ERL_IPV6_SUBNET'])

  // validate: false silences everything
  const quiet = recorder()
  rateLimit({ windowMS: 1, validate: false, logger: quiet })
  assert.deepStrictEqual(quiet.seen, [])

  assert.throws(() => rateLimit({ store: {} }), /invalid store/)
  assert.throws(() => rateLimit({ windowMs: 0 }), /windowMs must be/)
  assert.throws(() => new MemoryStore({ maxKeys: 0 }), /maxKeys/)
})

test('trust proxy misconfiguration and double counting are reported on live requests', async () => {
  const log = recorder()
  const app = express()
  app.set('trust proxy', true)
  app.use(rateLimit({ logger: log }))
  app.get('/', (_req, res) => res.send('ok'))
  let s = await serve(app)
  try {
    await fetch(s.url)
    assert.deepStrictEqual(
      log.seen.map((e) => e.code),
      ['ERR_ERL_PERMISSIVE_TRUST_PROXY'],
    )
    assert.match(log.seen[0].message, /trust proxy/)
  } finally {
    await s.close()
  }

  const log2 = recorder()
  const app2 = express()
  app2.use(rateLimit({ logger: log2 }))
  app2.get('/', (_req, res) => res.send('ok'))
  s = await serve(app2)
  try {
    await fetch(s.url, { headers: { 'x-forwarded-for': '1.2.3.4' } })
    assert.deepStrictEqual(
      log2.seen.map((e) => e.code),
      ['ERR_ERL_UNEXPECTED_X_FORWARDED_FOR'],
    )
  } finally {
    await s.close()
  }

  const log3 = recorder()
  const limiter = rateLimit({ logger: log3, limit: 100 })
  const app3 = express()
  app3.use(limiter)
  app3.get('/', (_req, res) => res.send('first'))
  app3.get('/twice', limiter, (_req, res) => res.send('ok'))
  s = await serve(app3)
  try {
    await fetch(s.url) // a clean request first: the check keeps watching
    await fetch(`${s.url}/twice`)
    assert.deepStrictEqual(
      log3.seen.map((e) => e.code),
      ['ERR_ERL_DOUBLE_COUNT'],
    )
    assert.match(log3.seen[0].message, /more than once for a single request/)
  } finally {
    await s.close()
  }

  const log4 = recorder()
  const app4 = express()
  app4.get('/', (req, res) => {
    rateLimit({ logger: log4 })
    res.send('ok')
  })
  s = await serve(app4)
  try {
    await fetch(s.url)
    assert.deepStrictEqual(
      log4.seen.map((e) => e.code),
      ['ERR_ERL_CREATED_IN_REQUEST_HANDLER'],
    )
  } finally {
    await s.close()
  }
})

test('resetKey and getKey reach the store', async () => {
  const limiter = rateLimit({ limit: 1 })
  const s = await serve(appWith(limiter))
  try {
    await fetch(s.url)
    assert.strictEqual((await fetch(s.url)).status, 429)
    const info = await limiter.getKey('127.0.0.1')
    assert.strictEqual(info.totalHits, 2)
    assert.ok(info.resetTime instanceof Date)
    await limiter.resetKey('127.0.0.1')
    assert.strictEqual(await limiter.getKey('127.0.0.1'), undefined)
    assert.strictEqual((await fetch(s.url)).status, 200)
  } finally {
    await s.close()
  }
})

test('attack: a spoofed X-Forwarded-For does not buy a fresh limit when trust proxy is off', async () => {
  const s = await serve(appWith(rateLimit({ limit: 2, logger: silent })))
  try {
    const codes = []
    for (let i = 0; i < 6; i++) {
      const r = await fetch(s.url, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })
      codes.push(r.status)
    }
    assert.deepStrictEqual(codes, [200, 200, 429, 429, 429, 429])
  } finally {
    await s.close()
  }
})

test('a wrapped res.setHeader sees every rate-limit header (no shortcut around it)', async () => {
  const seen = []
  const app = express()
  app.use((_req, res, next) => {
    const original = res.setHeader
    res.setHeader = function (name, value) {
      seen.push(name)
      return original.call(this, name, value)
    }
    next()
  })
  app.use(rateLimit({ limit: 1, standardHeaders: 'draft-6' }))
  app.get('/', (_req, res) => res.send('ok'))
  const s = await serve(app)
  try {
    await fetch(s.url)
    for (const h of [
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'RateLimit-Policy',
      'RateLimit-Reset',
    ]) {
      assert.ok(seen.includes(h), `${h} went through setHeader`)
    }
  } finally {
    await s.close()
  }
})

test('gcra with skipSuccessfulRequests gives the capacity back', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 9_000_000 })
  const limiter = rateLimit({ limit: 2, windowMs: 1000, algorithm: 'gcra', skipSuccessfulRequests: true })
  const listeners = []
  const run = (status) => {
    const res = fakeResponse()
    res.statusCode = status
    res.once = (event, fn) => event === 'finish' && listeners.push(fn)
    let passed = false
    limiter({ ip: '7.7.7.7', headers: {} }, res, () => (passed = true))
    return passed
  }
  for (let i = 0; i < 5; i++) {
    assert.ok(run(200), `successful request ${i + 1}`)
    listeners.splice(0).forEach((fn) => fn()) // the response finishes: not counted
  }
  assert.ok(run(500))
  listeners.splice(0).forEach((fn) => fn())
  assert.ok(run(500))
  listeners.splice(0).forEach((fn) => fn())
  assert.ok(!run(500), 'failed requests count')
})

test('a request or response that cannot take the result goes to next(err), as in express-rate-limit', async () => {
  const errors = []
  const log = recorder()
  await rateLimit({ logger: log })({ ip: undefined }, {}, (err) => errors.push(err))
  assert.strictEqual(errors.length, 1)
  assert.ok(errors[0] instanceof TypeError)
  assert.deepStrictEqual(
    log.seen.map((e) => e.code),
    ['ERR_ERL_UNDEFINED_IP_ADDRESS'],
  )
  const options = {}
  rateLimit(options)
  assert.deepStrictEqual(options, {}, 'the options object is not modified')
})

test('attack: with gcra and skipFailedRequests, blocked (429) requests do not buy capacity back', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 12_000_000 })
  const limiter = rateLimit({ limit: 2, windowMs: 60_000, algorithm: 'gcra', skipFailedRequests: true })
  const listeners = []
  const run = () => {
    const res = fakeResponse()
    res.once = (event, fn) => event === 'finish' && listeners.push(() => fn())
    let passed = false
    limiter({ ip: '6.6.6.6', headers: {} }, res, () => (passed = true))
    return { passed, res }
  }
  let passed = 0
  for (let i = 0; i < 20; i++) {
    const r = run()
    if (r.passed) passed++
    listeners.splice(0).forEach((fn) => fn()) // 200s succeed; each 429 "fails"
  }
  assert.strictEqual(passed, 2)
})

test('two stacked draft-8 limiters append their RateLimit headers exactly as express-rate-limit', async () => {
  const build = (lib) => {
    const app = express()
    app.use(
      lib({
        limit: 5,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        identifier: 'burst',
        logger: silent,
      }),
    )
    app.use(
      lib({
        limit: 100,
        windowMs: 3_600_000,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        logger: silent,
      }),
    )
    app.get('/', (_req, res) => res.send('ok'))
    return app
  }
  const a = await serve(build(rateLimit))
  const b = await serve(build(erl.rateLimit))
  const realNow = Date.now
  const frozen = Math.floor(realNow() / 1000) * 1000 + 100
  Date.now = () => frozen
  try {
    for (let i = 0; i < 2; i++) {
      const ra = await fetch(a.url)
      const rb = await fetch(b.url)
      assert.deepStrictEqual(rateHeaders(ra), rateHeaders(rb))
      assert.match(ra.headers.get('ratelimit'), /^"burst"; r=\d; t=60, "100-in-1hr"; r=\d+; t=3600$/)
    }
  } finally {
    Date.now = realNow
    await a.close()
    await b.close()
  }
})

test('a limit function returning text with CR/LF cannot inject a header into any draft', async (t) => {
  for (const draft of ['draft-6', 'draft-7', 'draft-8']) {
    const limiter = rateLimit({
      limit: () => '5\r\nX-Injected: yes',
      standardHeaders: draft,
      legacyHeaders: true,
      validate: false,
    })
    const app = appWith(limiter)
    app.use((err, _req, res, _next) => res.status(500).send(err.code || 'error'))
    const { url, close } = await serve(app)
    t.after(close)
    const res = await fetch(`${url}/`)
    assert.strictEqual(res.headers.get('x-injected'), null, draft)
    assert.strictEqual(res.status, 500, draft)
    assert.strictEqual(await res.text(), 'ERR_INVALID_CHAR', draft)
  }
})

test('draft-8: the identifier function runs once per request, sync or async', async () => {
  for (const answer of [undefined, 'api', Promise.resolve('api')]) {
    let calls = 0
    const limiter = rateLimit({
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: () => {
        calls++
        return answer
      },
      validate: false,
    })
    const http = require('node:http')
    const res = new http.ServerResponse(new http.IncomingMessage(null))
    await limiter({ ip: '10.7.7.7', headers: {} }, res, () => {})
    assert.strictEqual(calls, 1, `identifier returning ${answer}`)
    assert.match(String(res.getHeader('RateLimit')), /^"(api|undefined)"; r=4; t=60$/)
  }
})
