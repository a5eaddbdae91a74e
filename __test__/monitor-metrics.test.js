'use strict'
// rampart/monitor metrics(): a real Express app under a scripted attack, scraped over HTTP in
// the Prometheus text format; bounded labels (route patterns, no IPs, no client text);
// the rate-limit and JWT taps; sampled native durations; prom-client as an optional peer.
const test = require('node:test')
const anyTap = () => taps.event || taps.rateLimit || taps.jwt
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const express = require('express')
const client = require('prom-client')
const { serve } = require('./helpers/serve')
const { metrics } = require('../lib/monitor')
const { taps, tap, events } = require('../lib/events')
const { jwtAuth, sign } = require('../lib/jwt')
const { json, validate } = require('../lib/validate')
const rateLimit = require('../lib/rate-limit')
const cors = require('../lib/cors')

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!'

/** Parses the Prometheus text format into [{ name, labels, value }]. */
function parse(text) {
  const samples = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    assert.ok(m, `not a Prometheus sample line: ${line}`)
    const labels = {}
    for (const [, k, v] of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[k] = v
    samples.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return samples
}

function value(samples, name, labels) {
  const hit = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  return hit.reduce((sum, s) => sum + s.value, 0)
}

function attackApp(m) {
  const app = express()
  app.get('/metrics', m.handler)
  app.use(cors({ origin: 'https://app.example' }))
  const login = rateLimit({ windowMs: 60_000, limit: 2, standardHeaders: 'draft-8', legacyHeaders: false })
  app.post('/login', login, (_req, res) => res.json({ ok: true }))
  const requireJwt = jwtAuth({ secret: SECRET, algorithms: ['HS256'] })
  app.get('/api/items/:id', requireJwt, (req, res) => res.json({ id: req.params.id }))
  const schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }
  app.post('/api/items', json({ limit: '1kb' }), validate({ body: schema }), (_req, res) =>
    res.status(201).end(),
  )
  app.use((err, _req, res, _next) => res.status(err.status || 500).end())
  return app
}

async function scripted(url) {
  const send = (p, init) => fetch(url + p, init).then((r) => r.status)
  const statuses = []
  // token guessing on three different item ids: one route pattern
  for (const id of [1, 2, 3]) {
    statuses.push(await send(`/api/items/${id}`, { headers: { authorization: 'Bearer not.a.jwt' } }))
  }
  const expired = sign({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 60 }, SECRET)
  statuses.push(await send('/api/items/4', { headers: { authorization: `Bearer ${expired}` } }))
  const good = sign({ sub: 'x' }, SECRET)
  statuses.push(await send('/api/items/5', { headers: { authorization: `Bearer ${good}` } }))
  // oversized and malformed bodies, then a schema failure
  const post = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body })
  statuses.push(await send('/api/items', post(JSON.stringify({ name: 'x'.repeat(5000) }))))
  statuses.push(await send('/api/items', post(JSON.stringify({ name: 'y'.repeat(5000) }))))
  statuses.push(await send('/api/items', post('{"name":')))
  statuses.push(await send('/api/items', post('{"nom":"x"}')))
  // a login flood: 2 allowed, 3 blocked
  for (let i = 0; i < 5; i++) statuses.push(await send('/login', { method: 'POST' }))
  // a foreign origin, with a script in it (must not reach a label)
  statuses.push(await send('/api/items/6', { headers: { origin: 'https://evil.example/<script>' } }))
  return statuses
}

async function scrape(url) {
  const res = await fetch(`${url}/metrics`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
  return res.text()
}

const rateLimitWired = /tap\('rateLimit'/.test(
  fs.readFileSync(path.join(__dirname, '..', 'lib', 'rate-limit.js'), 'utf8'),
)
const jwtWired = /tap\('jwt'/.test(
  fs.readFileSync(path.join(__dirname, '..', 'lib', 'jwt', 'middleware.js'), 'utf8'),
)

test('a scripted attack shows in /metrics with bounded labels', async (t) => {
  const registry = new client.Registry()
  const m = metrics({ registry })
  t.after(() => m.stop())
  const srv = await serve(attackApp(m))
  t.after(() => srv.close())

  const statuses = await scripted(srv.url)
  assert.deepEqual(statuses, [401, 401, 401, 401, 200, 413, 413, 400, 400, 200, 200, 429, 429, 429, 401])
  const text = await scrape(srv.url)
  const s = parse(text)
  const events = (labels) => value(s, 'rampart_events_total', labels)

  assert.equal(events({ type: 'auth.failed', reason: 'invalid_token', route: '/api/items/:id' }), 4)
  assert.equal(events({ type: 'auth.failed', reason: 'credentials_required', route: '/api/items/:id' }), 1)
  // body-parser's errors happen inside the route (json() is route-level here)
  assert.equal(events({ type: 'body.rejected', reason: 'entity.too.large', route: '/api/items' }), 2)
  assert.equal(events({ type: 'body.rejected', reason: 'entity.parse.failed', route: '/api/items' }), 1)
  assert.equal(events({ type: 'validation.failed', reason: 'body', route: '/api/items' }), 1)
  assert.equal(events({ type: 'ratelimit.exceeded', reason: 'limit', route: '/login' }), 3)
  // CORS runs before routing: no route pattern exists yet
  assert.equal(events({ type: 'cors.rejected', reason: 'origin', route: 'none' }), 1)
  assert.equal(events({}), 13)

  assert.equal(value(s, 'rampart_body_rejections_total', { code: 'entity.too.large' }), 2)
  assert.equal(value(s, 'rampart_body_rejections_total', { code: 'entity.parse.failed' }), 1)

  // Cardinality: no raw path, no IP, no client text in any label.
  for (const sample of s) {
    assert.ok(!('ip' in sample.labels), `an ip label on ${sample.name}`)
    for (const v of Object.values(sample.labels)) {
      assert.doesNotMatch(v, /127\.0\.0\.1|::1|\/api\/items\/\d|evil|script/, `${sample.name} has label ${v}`)
    }
  }
  assert.doesNotMatch(text, /127\.0\.0\.1|evil\.example/)
})

test(
  'rate-limit decisions are counted (lib/rate-limit.js calls the tap)',
  {
    skip: !rateLimitWired && "lib/rate-limit.js does not call tap('rateLimit', ...) yet: see docs/monitor.md",
  },
  async (t) => {
    const registry = new client.Registry()
    const m = metrics({ registry })
    t.after(() => m.stop())
    const srv = await serve(attackApp(m))
    t.after(() => srv.close())
    await scripted(srv.url)
    const s = parse(await scrape(srv.url))
    assert.equal(value(s, 'rampart_ratelimit_decisions_total', { result: 'allowed' }), 2)
    assert.equal(value(s, 'rampart_ratelimit_decisions_total', { result: 'blocked' }), 3)
  },
)

test(
  'JWT verifications are counted (lib/jwt/middleware.js calls the tap)',
  {
    skip: !jwtWired && "lib/jwt/middleware.js does not call tap('jwt', ...) yet: see docs/monitor.md",
  },
  async (t) => {
    const registry = new client.Registry()
    const m = metrics({ registry })
    t.after(() => m.stop())
    const srv = await serve(attackApp(m))
    t.after(() => srv.close())
    await scripted(srv.url)
    const s = parse(await scrape(srv.url))
    assert.equal(value(s, 'rampart_jwt_verifications_total', { result: 'valid', alg: 'HS256' }), 1)
    assert.equal(value(s, 'rampart_jwt_verifications_total', { result: 'expired', alg: 'HS256' }), 1)
    assert.equal(value(s, 'rampart_jwt_verifications_total', { result: 'invalid' }), 3)
  },
)

test('the taps feed the decision and verification counters; alg is never client text', async (t) => {
  const registry = new client.Registry()
  const m = metrics({ registry })
  t.after(() => m.stop())
  tap('rateLimit', {}, 1, 2, 1000)
  tap('rateLimit', {}, 2, 2, 1000)
  tap('rateLimit', {}, 3, 2, 1000)
  const header = (h) => Buffer.from(JSON.stringify(h)).toString('base64url')
  tap('jwt', `${header({ alg: 'ES256' })}.e30.sig`, null)
  tap('jwt', `${header({ alg: '<script>' })}.e30.sig`, new Error('invalid algorithm'))
  tap('jwt', `${header({ alg: 'none' })}.e30.`, new Error('jwt signature is required'))
  tap('jwt', 'garbage', Object.assign(new Error('jwt malformed'), { name: 'JsonWebTokenError' }))
  tap(
    'jwt',
    `${header({ alg: 'RS256' })}.e30.sig`,
    Object.assign(new Error('x'), { name: 'TokenExpiredError' }),
  )
  const s = parse(await registry.metrics())
  assert.equal(value(s, 'rampart_ratelimit_decisions_total', { result: 'allowed' }), 2)
  assert.equal(value(s, 'rampart_ratelimit_decisions_total', { result: 'blocked' }), 1)
  assert.equal(value(s, 'rampart_jwt_verifications_total', { result: 'valid', alg: 'ES256' }), 1)
  assert.equal(value(s, 'rampart_jwt_verifications_total', { result: 'invalid', alg: 'other' }), 3)
  assert.equal(value(s, 'rampart_jwt_verifications_total', { result: 'expired', alg: 'RS256' }), 1)
  const algs = new Set(s.filter((x) => x.name === 'rampart_jwt_verifications_total').map((x) => x.labels.alg))
  assert.deepEqual([...algs].sort(), ['ES256', 'RS256', 'other'])
})

test('route labels are capped by maxRoutes: the rest are "other"', async (t) => {
  const registry = new client.Registry()
  const m = metrics({ registry, maxRoutes: 2 })
  t.after(() => m.stop())
  const app = express()
  const requireJwt = jwtAuth({ secret: SECRET, algorithms: ['HS256'] })
  for (const r of ['/a', '/b', '/c', '/d']) app.get(r, requireJwt, (_req, res) => res.end())
  app.use((err, _req, res, _next) => res.status(err.status || 500).end())
  const srv = await serve(app)
  t.after(() => srv.close())
  for (const r of ['/a', '/b', '/c', '/d']) assert.equal((await fetch(srv.url + r)).status, 401)
  const s = parse(await registry.metrics())
  const routes = s.filter((x) => x.name === 'rampart_events_total').map((x) => [x.labels.route, x.value])
  assert.deepEqual(routes.sort(), [
    ['/a', 1],
    ['/b', 1],
    ['other', 2],
  ])
})

test('prefix, the default registry, and stop() removes the metrics and the taps', async () => {
  assert.equal(anyTap(), false, 'no tap before')
  const m = metrics({ prefix: 'shop_' })
  assert.equal(m.registry, client.register)
  assert.ok(client.register.getSingleMetric('shop_rampart_events_total'))
  assert.equal(anyTap(), true)
  m.stop()
  assert.equal(client.register.getSingleMetric('shop_rampart_events_total'), undefined)
  assert.equal(anyTap(), false, 'stop() leaves no tap behind')
  assert.equal(events.listenerCount('*'), 0, 'the public stream never had a listener')
})

test('report() stays free when nothing listens or taps: no event is even built', (t) => {
  const { report } = require('../lib/events')
  const now = t.mock.method(Date, 'now')
  report('auth.failed', { ip: '192.0.2.1' }, 'x')
  assert.equal(now.mock.callCount(), 0)
  const m = metrics({ registry: new client.Registry() })
  report('auth.failed', { ip: '192.0.2.1' }, 'x')
  assert.equal(now.mock.callCount(), 1, 'with metrics on, the event is built')
  m.stop()
  report('auth.failed', { ip: '192.0.2.1' }, 'x')
  assert.equal(now.mock.callCount(), 1)
})

test('twice on one registry: a clear error, and the first keeps counting', async (t) => {
  const registry = new client.Registry()
  const first = metrics({ registry })
  t.after(() => first.stop())
  assert.throws(
    () => metrics({ registry }),
    /already registered on this registry .*call stop\(\) on the first/,
  )
  const second = metrics({ registry, prefix: 'b_' })
  second.stop()
  require('../lib/events').report('cors.rejected', {}, 'origin "x" is not allowed')
  assert.equal(value(parse(await registry.metrics()), 'rampart_events_total', { type: 'cors.rejected' }), 1)
})

test('bad options fail at start-up', () => {
  assert.throws(() => metrics({ regsitry: new client.Registry() }), /unknown option regsitry/)
  assert.throws(() => metrics({ prefix: 'a-b' }), /prefix must match/)
  assert.throws(() => metrics({ maxRoutes: 0 }), /maxRoutes/)
  assert.throws(() => metrics({ nativeDurations: { every: 0 } }), /every must be a positive integer/)
  assert.equal(anyTap(), false)
})

test('nativeDurations: a histogram of sampled native calls, off by default, undone by stop()', async () => {
  const native = require('../lib/native')
  const original = native.jwtVerify
  const registry = new client.Registry()
  const off = metrics({ registry })
  assert.equal(registry.getSingleMetric('rampart_native_call_duration_seconds'), undefined)
  assert.equal(native.jwtVerify, original)
  off.stop()

  const m = metrics({ registry, nativeDurations: { every: 2 } })
  assert.notEqual(native.jwtVerify, original)
  const { verify } = require('../lib/jwt')
  const token = sign({ sub: 'x' }, SECRET)
  for (let i = 0; i < 10; i++) verify(token, SECRET)
  const s = parse(await registry.metrics())
  assert.equal(value(s, 'rampart_native_call_duration_seconds_count', { fn: 'jwtVerify' }), 5)
  assert.ok(value(s, 'rampart_native_call_duration_seconds_sum', { fn: 'jwtVerify' }) > 0)
  m.stop()
  assert.equal(native.jwtVerify, original)
})

test('rampart/monitor loads without prom-client and @opentelemetry/api; metrics() then says what to install', () => {
  const script = `
    const Module = require('node:module')
    const resolve = Module._resolveFilename
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'prom-client' || request.startsWith('@opentelemetry/')) {
        throw Object.assign(new Error('Cannot find module ' + request), { code: 'MODULE_NOT_FOUND' })
      }
      return resolve.call(this, request, ...rest)
    }
    const monitor = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'monitor.js'))})
    let message = ''
    try { monitor.metrics() } catch (err) { message = err.message }
    const stop = monitor.traceEvents()
    stop()
    const loaded = Object.keys(require.cache).filter((f) => /prom-client|@opentelemetry|\\.node$/.test(f))
    console.log(JSON.stringify({ message, loaded, stopType: typeof stop }))
  `
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 })
  assert.equal(out.status, 0, out.stderr)
  const r = JSON.parse(out.stdout)
  assert.match(r.message, /needs prom-client.*npm install prom-client/)
  assert.deepEqual(r.loaded, [])
  assert.equal(r.stopType, 'function')
})

for (const [name, lib] of [
  ['Express 5', 'express'],
  ['Express 4', 'express4'],
]) {
  test(`${name}: a router mounted at /v1 gives the route label /v1/items/:id`, async (t) => {
    const xp = require(lib)
    const registry = new client.Registry()
    const m = metrics({ registry })
    t.after(() => m.stop())
    const app = xp()
    const router = xp.Router()
    router.get('/items/:id', jwtAuth({ secret: SECRET, algorithms: ['HS256'] }), (_req, res) => res.end())
    app.use('/v1', router)
    app.use((err, _req, res, _next) => res.status(err.status || 500).end())
    const srv = await serve(app)
    t.after(() => srv.close())
    for (const id of ['1', '2']) assert.equal((await fetch(`${srv.url}/v1/items/${id}`)).status, 401)
    const s = parse(await registry.metrics())
    assert.equal(
      value(s, 'rampart_events_total', { route: '/v1/items/:id', reason: 'credentials_required' }),
      2,
    )
  })
}
