'use strict'
// rampart/monitor logEvents(): one structured line per event on a pino (or .warn) logger;
// floods aggregated to one line per source per window; IPs kept, hashed or dropped.
const test = require('node:test')
const anyTap = () => taps.event || taps.rateLimit || taps.jwt
const assert = require('node:assert/strict')
const { Writable } = require('node:stream')
const pino = require('pino')
const express = require('express')
const { serve } = require('./helpers/serve')
const { logEvents } = require('../lib/monitor')
const { report, taps } = require('../lib/events')
const { jwtAuth } = require('../lib/jwt')

function fakeLogger() {
  const lines = []
  return { lines, warn: (obj, msg) => lines.push({ obj, msg }) }
}

const req = (ip, path = '/login') => ({ ip, method: 'POST', originalUrl: path })

test('a flood from one source is one line, then one summary per window with the count', (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'] })
  const log = fakeLogger()
  const stop = logEvents(log, { windowMs: 1000 })
  t.after(stop)

  for (let i = 0; i < 500; i++) report('auth.failed', req('203.0.113.7'), 'invalid_token: invalid signature')
  report('ratelimit.exceeded', req('198.51.100.1'), 'more than 10 requests in 60000 ms')
  // at once: the first event of each source, in full
  assert.equal(log.lines.length, 2)
  assert.deepEqual(log.lines[0].obj, {
    event: 'rampart.security',
    type: 'auth.failed',
    ip: '203.0.113.7',
    method: 'POST',
    path: '/login',
    reason: 'invalid_token: invalid signature',
  })
  assert.equal(log.lines[0].msg, 'rampart security event: auth.failed')

  for (let i = 0; i < 20; i++)
    report('body.rejected', req('203.0.113.7'), '413 entity.too.large: request entity too large')
  t.mock.timers.tick(1000)
  // the window: one summary for the flooding source (499 + 20 held back), none for the quiet one
  assert.equal(log.lines.length, 3)
  assert.deepEqual(log.lines[2].obj, {
    event: 'rampart.security.repeated',
    count: 519,
    types: { 'auth.failed': 499, 'body.rejected': 20 },
    windowMs: 1000,
    ip: '203.0.113.7',
  })

  // the flood goes on: still one line per window
  for (let w = 0; w < 3; w++) {
    for (let i = 0; i < 100; i++) report('auth.failed', req('203.0.113.7'), 'credentials_required')
    t.mock.timers.tick(1000)
  }
  assert.equal(log.lines.length, 6)
  assert.deepEqual(
    log.lines.slice(3).map((l) => l.obj.count),
    [100, 100, 100],
  )

  // a quiet window forgets the source; its next event is written in full at once
  t.mock.timers.tick(1000)
  t.mock.timers.tick(1000)
  assert.equal(log.lines.length, 6)
  report('auth.failed', req('203.0.113.7'), 'credentials_required')
  assert.equal(log.lines.length, 7)
  assert.equal(log.lines[6].obj.event, 'rampart.security')
})

test('stop() writes the pending summaries and stops listening', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] })
  const log = fakeLogger()
  const stop = logEvents(log, { windowMs: 60_000 })
  for (let i = 0; i < 5; i++) report('cors.rejected', req('192.0.2.1'), 'origin "x" is not allowed')
  stop()
  assert.deepEqual(
    log.lines.map((l) => l.obj.count),
    [undefined, 4],
  )
  assert.equal(anyTap(), false)
  report('cors.rejected', req('192.0.2.1'), 'origin "x" is not allowed')
  assert.equal(log.lines.length, 2)
})

test("ip: 'hash' writes a keyed hash, stable per source, never the address; 'drop' writes none", (t) => {
  const hashed = fakeLogger()
  const dropped = fakeLogger()
  const salted = fakeLogger()
  const stops = [
    logEvents(hashed, { ip: 'hash' }),
    logEvents(dropped, { ip: 'drop' }),
    logEvents(salted, { ip: 'hash', ipSalt: 'a-stable-salt-of-32-characters!!' }),
  ]
  t.after(() => stops.forEach((s) => s()))
  report('auth.failed', req('203.0.113.7'), 'x')
  report('auth.failed', req('203.0.113.8'), 'x')
  const [a, b] = hashed.lines.map((l) => l.obj.ip)
  assert.match(a, /^[0-9a-f]{16}$/)
  assert.notEqual(a, b)
  assert.ok(!JSON.stringify(hashed.lines).includes('203.0.113'))
  // not a plain hash of the address (that could be reversed over the IPv4 space)
  const plain = require('node:crypto').createHash('sha256').update('203.0.113.7').digest('hex').slice(0, 16)
  assert.notEqual(a, plain)
  assert.notEqual(salted.lines[0].obj.ip, a, 'the per-process key differs from the given salt')
  const again = require('node:crypto')
    .createHmac('sha256', 'a-stable-salt-of-32-characters!!')
    .update('203.0.113.7')
  assert.equal(salted.lines[0].obj.ip, again.digest('hex').slice(0, 16))
  for (const l of dropped.lines) assert.ok(!('ip' in l.obj))
})

test('a spoofed-IP flood: sources are bounded by maxSources, the rest share one summary', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] })
  const log = fakeLogger()
  const stop = logEvents(log, { windowMs: 1000, maxSources: 10 })
  t.after(stop)
  for (let i = 0; i < 1000; i++) report('auth.failed', req(`10.0.${i >> 8}.${i & 255}`), 'x')
  assert.equal(log.lines.length, 10, 'the first ten sources in full')
  t.mock.timers.tick(1000)
  assert.equal(log.lines.length, 11)
  assert.deepEqual(log.lines[10].obj, {
    event: 'rampart.security.repeated',
    count: 990,
    types: { 'auth.failed': 990 },
    windowMs: 1000,
    sources: 'other',
  })
})

test('real pino over a real app: one JSON line per event, with pino’s own level and time', async (t) => {
  const out = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      )
      cb()
    },
  })
  const logger = pino({ level: 'info' }, stream)
  const stop = logEvents(logger, { ip: 'drop' })
  t.after(stop)
  const app = express()
  app.get('/api/items/:id', jwtAuth({ secret: 'x'.repeat(32), algorithms: ['HS256'] }), (_q, res) =>
    res.end(),
  )
  app.use((err, _req, res, _next) => res.status(err.status).end())
  const srv = await serve(app)
  t.after(() => srv.close())
  const res = await fetch(`${srv.url}/api/items/7?q=1`, { headers: { authorization: 'Bearer a.b.c' } })
  assert.equal(res.status, 401)
  assert.equal(out.length, 1)
  const line = out[0]
  assert.equal(line.level, 40)
  assert.equal(typeof line.time, 'number')
  assert.equal(line.type, 'auth.failed')
  assert.equal(line.path, '/api/items/7')
  assert.equal(line.method, 'GET')
  assert.match(line.reason, /^invalid_token/)
  assert.ok(!('ip' in line))
})

test('bad options fail at start-up', () => {
  assert.throws(() => logEvents({}), /\.warn\(obj, msg\)/)
  assert.throws(() => logEvents(fakeLogger(), { ip: 'mask' }), /ip must be one of 'keep', 'hash', 'drop'/)
  assert.throws(() => logEvents(fakeLogger(), { windowMs: 0 }), /windowMs/)
  assert.throws(() => logEvents(fakeLogger(), { window: 10 }), /unknown option window/)
  assert.throws(() => logEvents(fakeLogger(), { ip: 'hash', ipSalt: 'short' }), /ipSalt/)
  assert.equal(anyTap(), false)
})

test('a logger that throws does not break the request path: it becomes a process warning', async (t) => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const stop = logEvents({
    warn() {
      throw new Error('disk full')
    },
  })
  t.after(stop)
  assert.doesNotThrow(() => report('auth.failed', req('192.0.2.9'), 'x'))
  await new Promise((resolve) => setImmediate(resolve))
  assert.ok(warnings.some((w) => /the logger threw: disk full/.test(w.message)))
})
