'use strict'
// rampart/monitor securityPage(): refuses to mount unguarded; allowInsecureLocal serves
// loopback only (and never a proxied request); the guard runs before anything is served;
// the Server-Sent Events stream is bounded (connections, per-client buffer, events per
// second); the page's own CSP; secrets never reach the page. The browser test is in
// monitor-browser.test.js.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const express = require('express')
const { serve } = require('./helpers/serve')
const { securityPage } = require('../lib/monitor')
const { isLocal, describe: describePolicy } = require('../lib/monitor/page')
const { SseHub } = require('../lib/monitor/sse')
const { report, taps } = require('../lib/events')
const { HttpError } = require('../lib/errors')
const secureHeaders = require('../lib/headers')

/**
 * Opens the SSE stream and collects messages until `until(messages)` or the deadline.
 * `onHello` runs once the first message (the hello) has arrived: the stream is then open.
 */
function readStream(url, { headers = {}, until, timeoutMs = 5000, onHello } = {}) {
  return new Promise((resolve, reject) => {
    const messages = []
    const req = http.get(url, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        return resolve({ status: res.statusCode, headers: res.headers, messages })
      }
      let buf = ''
      let first = true
      const timer = setTimeout(() => finish(), timeoutMs)
      const finish = () => {
        clearTimeout(timer)
        req.destroy()
        resolve({ status: res.statusCode, headers: res.headers, messages })
      }
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        if (first) {
          first = false
          assert.match(chunk, /^retry: 3000\n\n/, 'the stream starts with its reconnection delay')
        }
        buf += chunk
        let end
        while ((end = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, end)
          buf = buf.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)
          const data = /^data: (.*)$/m.exec(block)
          if (event && data) messages.push({ event: event[1], data: JSON.parse(data[1]) })
          if (messages.length === 1 && onHello) onHello()
        }
        if (until && until(messages)) finish()
      })
      res.on('end', finish)
    })
    req.on('error', reject)
  })
}

function appWith(page, before) {
  const app = express()
  if (before) app.use(before)
  app.use('/_rampart', page)
  app.use((err, _req, res, _next) => res.status(err.status || 500).json({ code: err.code }))
  return app
}

test('refuses to mount without a guard or allowInsecureLocal', () => {
  assert.throws(() => securityPage(), /refusing to mount the security page unguarded/)
  assert.throws(() => securityPage({ allowInsecureLocal: 'yes' }), /unguarded/)
  assert.throws(() => securityPage({ authorize: [] }), /unguarded/)
  assert.throws(() => securityPage({ authorize: 'admin' }), /authorize must be a middleware/)
  assert.throws(() => securityPage({ allowInsecureLocal: true, maxClients: 0 }), /maxClients/)
  assert.throws(() => securityPage({ allowInsecureLocal: true, guard: () => {} }), /unknown option guard/)
})

test('the guard runs first: a refusal reaches the error handler and nothing is served', async (t) => {
  const calls = []
  const deny = (req, _res, next) => {
    calls.push(req.url)
    next(new HttpError(403, 'operators only'))
  }
  const page = securityPage({ authorize: [(_q, _s, next) => next(), deny] })
  t.after(page.close)
  const srv = await serve(appWith(page))
  t.after(() => srv.close())
  for (const p of ['/', '/client.js', '/stream']) {
    const res = await fetch(`${srv.url}/_rampart${p}`)
    assert.equal(res.status, 403, p)
    assert.doesNotMatch(await res.text(), /EventSource|<html/)
  }
  assert.equal(calls.length, 3)
})

test('allowInsecureLocal: loopback clients only, and never a proxied request', async (t) => {
  const page = securityPage({ allowInsecureLocal: true })
  t.after(page.close)
  const srv = await serve(appWith(page))
  t.after(() => srv.close())
  const ok = await fetch(`${srv.url}/_rampart/`)
  assert.equal(ok.status, 200)
  assert.match(await ok.text(), /<title>rampart · security<\/title>/)
  for (const h of [
    { 'x-forwarded-for': '198.51.100.4' },
    { forwarded: 'for=198.51.100.4' },
    { 'x-real-ip': '1.2.3.4' },
  ]) {
    const res = await fetch(`${srv.url}/_rampart/`, { headers: h })
    assert.equal(res.status, 404, JSON.stringify(h))
  }
  // the peer address decides, not a header or req.ip
  const fake = (remoteAddress, headers = {}) => ({ socket: { remoteAddress }, headers })
  assert.equal(isLocal(fake('127.0.0.1')), true)
  assert.equal(isLocal(fake('::1')), true)
  assert.equal(isLocal(fake('::ffff:127.0.0.1')), true)
  assert.equal(isLocal(fake('10.0.0.1')), false)
  assert.equal(isLocal(fake('::ffff:10.0.0.1')), false)
  assert.equal(isLocal(fake('127.0.0.1.evil')), false)
  assert.equal(isLocal({ ip: '127.0.0.1', socket: { remoteAddress: '203.0.113.1' }, headers: {} }), false)
})

test('assets: the page’s own strict CSP, no-store, nosniff; /_rampart redirects to /_rampart/', async (t) => {
  const page = securityPage({ allowInsecureLocal: true })
  t.after(page.close)
  const srv = await serve(appWith(page, secureHeaders()))
  t.after(() => srv.close())
  const redirect = await fetch(`${srv.url}/_rampart`, { redirect: 'manual' })
  assert.equal(redirect.status, 308)
  assert.equal(redirect.headers.get('location'), '_rampart/')
  const html = await fetch(`${srv.url}/_rampart/`)
  assert.match(html.headers.get('content-security-policy'), /^default-src 'none'; script-src 'self';/)
  assert.equal(html.headers.get('cache-control'), 'no-store')
  assert.equal(html.headers.get('x-content-type-options'), 'nosniff')
  const body = await html.text()
  assert.doesNotMatch(body, /https?:\/\//, 'no CDN, nothing from elsewhere')
  assert.doesNotMatch(body, /<script>|<script [^>]*>[^<]/, 'no inline script')
  const js = await fetch(`${srv.url}/_rampart/client.js`)
  assert.match(js.headers.get('content-type'), /^text\/javascript/)
  const code = await js.text()
  assert.doesNotMatch(code, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/)
  assert.equal((await fetch(`${srv.url}/_rampart/nope`)).status, 404)
  assert.equal((await fetch(`${srv.url}/_rampart/stream`, { method: 'POST' })).status, 404)
})

test('the stream: a hello with the policy and app headers, then events as they happen, then stats', async (t) => {
  const page = securityPage({
    allowInsecureLocal: true,
    intervalMs: 50,
    policy: {
      cors: { origin: ['https://app.example'] },
      jwt: { secret: 'hunter2-hunter2' },
      keyGenerator: (r) => r.ip,
    },
  })
  t.after(page.close)
  const app = appWith(page, [
    secureHeaders(),
    (_req, res, next) => {
      res.setHeader('Set-Cookie', 'sid=session-secret; HttpOnly')
      next()
    },
  ])
  app.get('/x', (req, _res, next) => {
    report('auth.failed', req, 'invalid_token: invalid signature')
    next(new HttpError(401))
  })
  const srv = await serve(app)
  t.after(() => srv.close())
  await fetch(`${srv.url}/_rampart/`) // the page load records the headers the app sends
  const { status, headers, messages } = await readStream(`${srv.url}/_rampart/stream`, {
    until: (m) => m.some((x) => x.event === 'stats' && x.data.totals['auth.failed'] === 2),
    onHello: async () => {
      await fetch(`${srv.url}/x`)
      await fetch(`${srv.url}/x`)
    },
  })
  assert.equal(status, 200)
  assert.match(headers['content-type'], /^text\/event-stream/)
  const hello = messages[0]
  assert.equal(hello.event, 'hello')
  assert.ok(hello.data.types.includes('auth.failed'))
  assert.equal(hello.data.policy.headers['x-content-type-options'], 'nosniff')
  assert.ok(!('set-cookie' in hello.data.policy.headers), 'a session cookie never reaches the page')
  assert.doesNotMatch(JSON.stringify(hello.data), /session-secret|hunter2/)
  assert.deepEqual(hello.data.policy.options, {
    cors: { origin: ['https://app.example'] },
    jwt: { secret: '[hidden]' },
    keyGenerator: '[function keyGenerator]',
  })
  const seen = messages.filter((m) => m.event === 'security')
  assert.equal(seen.length, 2)
  assert.equal(seen[0].data.type, 'auth.failed')
  assert.equal(seen[0].data.route, '/x')
  assert.equal(seen[0].data.path, '/x')
  const stats = messages.filter((m) => m.event === 'stats').at(-1).data
  assert.equal(stats.totals['auth.failed'], 2)
  assert.equal(stats.top[0].count, 2)
  assert.match(stats.top[0].ip, /127\.0\.0\.1/)
  assert.equal(stats.rates.length, 60)
  assert.equal(
    stats.rates.reduce((n, c) => n + (c['auth.failed'] || 0), 0),
    2,
  )
})

test('connections are limited: past maxClients a stream gets 503', async (t) => {
  const page = securityPage({ allowInsecureLocal: true, maxClients: 1 })
  t.after(page.close)
  const srv = await serve(appWith(page))
  t.after(() => srv.close())
  let second
  const first = await readStream(`${srv.url}/_rampart/stream`, {
    until: () => second !== undefined,
    onHello: async () => {
      second = await readStream(`${srv.url}/_rampart/stream`)
    },
  })
  assert.equal(first.status, 200)
  assert.equal(second.status, 503)
  assert.equal(second.headers['retry-after'], '10')
  // once the first is gone, a new one is taken (the server sees the close a moment later)
  let third
  for (let i = 0; i < 50; i++) {
    third = await readStream(`${srv.url}/_rampart/stream`, { until: (m) => m.length > 0 })
    if (third.status === 200) break
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.equal(third.status, 200)
})

test('a flood: at most maxEventsPerSecond events are sent, the rest are counted', async (t) => {
  const page = securityPage({ allowInsecureLocal: true, maxEventsPerSecond: 5, intervalMs: 200 })
  t.after(page.close)
  const srv = await serve(appWith(page))
  t.after(() => srv.close())
  const reading = readStream(`${srv.url}/_rampart/stream`, {
    until: (m) => m.some((x) => x.event === 'stats' && x.data.droppedEvents > 0),
  })
  await new Promise((r) => setTimeout(r, 100))
  for (let i = 0; i < 1000; i++)
    report('ratelimit.exceeded', { ip: `10.0.${i >> 8}.${i & 255}` }, 'more than 100 requests in 60000 ms')
  const { messages } = await reading
  const sent = messages.filter((m) => m.event === 'security').length
  assert.equal(sent, 5)
  const stats = messages.filter((m) => m.event === 'stats').at(-1).data
  assert.equal(stats.droppedEvents, 995)
  assert.equal(stats.totals['ratelimit.exceeded'], 1000)
  assert.equal(stats.top.length, 10, 'top sources, not all of them')
  assert.deepEqual(
    stats.limiters.map((l) => [l.name, l.blockedEvents]),
    [['100 per 60 s', 1000]],
  )
  assert.ok(page.stats.sources.size <= 1000)
})

test('a slow client is dropped once its unsent bytes pass maxBufferBytes', () => {
  const hub = new SseHub({ maxClients: 2, maxBufferBytes: 1000 })
  const fakeRes = () => {
    const res = new (require('node:events').EventEmitter)()
    Object.assign(res, {
      writableLength: 0,
      written: 0,
      destroyed: false,
      setHeader() {},
      write(s) {
        this.written += s.length
        this.writableLength += s.length // nothing drains: a stalled reader
        return this.writableLength < 100
      },
      destroy() {
        this.destroyed = true
      },
    })
    return res
  }
  const fakeReq = new (require('node:events').EventEmitter)()
  const slow = fakeRes()
  const fast = fakeRes()
  hub.accept(fakeReq, slow)
  hub.accept(fakeReq, fast)
  fast.write = function (s) {
    this.written += s.length // drains at once
    return true
  }
  for (let i = 0; i < 100; i++) hub.broadcast('security', { n: i, pad: 'x'.repeat(40) })
  assert.equal(slow.destroyed, true)
  assert.ok(slow.written <= 1000 + 100, `at most one message past the cap, wrote ${slow.written}`)
  assert.equal(fast.destroyed, false)
  assert.equal(hub.clients.size, 1)
  assert.equal(hub.dropped, 1)
})

test('close() stops the taps; a page taps rate-limit decisions only while someone watches', async (t) => {
  const page = securityPage({ allowInsecureLocal: true, intervalMs: 50 })
  assert.equal(taps.event, true)
  assert.equal(taps.rateLimit, false, 'no viewer: no per-request work')
  const srv = await serve(appWith(page))
  t.after(() => srv.close())
  let during
  await readStream(`${srv.url}/_rampart/stream`, {
    until: (m) => {
      during = taps.rateLimit
      return m.length > 0
    },
  })
  assert.equal(during, true)
  // the first tick with no viewer untaps
  for (let i = 0; i < 100 && taps.rateLimit; i++) await new Promise((r) => setTimeout(r, 20))
  assert.equal(taps.rateLimit, false)
  page.close()
  assert.equal(taps.event, false)
})

test('policy description: secrets masked, functions named, depth and size bounded', () => {
  const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } }
  class RedisStore {
    constructor() {
      this.client = { url: 'redis://:pa55@cache:6379' }
    }
  }
  assert.deepEqual(describePolicy({ rateLimit: { store: new RedisStore(), limit: 5 } }), {
    rateLimit: { store: '[RedisStore]', limit: 5 },
  })
  const d = describePolicy({
    apiKey: 'k',
    password: 'p',
    nested: deep,
    list: Array.from({ length: 100 }, (_, i) => i),
    on: true,
    re: /x/,
  })
  assert.equal(d.apiKey, '[hidden]')
  assert.equal(d.password, '[hidden]')
  assert.equal(d.list.length, 50)
  assert.equal(d.re, '/x/')
  assert.equal(JSON.stringify(d.nested).includes('"f"'), false)
})

test('mounts the same under Express 4', async (t) => {
  const express4 = require('express4')
  const page = securityPage({ allowInsecureLocal: true })
  t.after(page.close)
  const app = express4()
  app.use('/ops/_rampart', page)
  const srv = await serve(app)
  t.after(() => srv.close())
  const redirect = await fetch(`${srv.url}/ops/_rampart`, { redirect: 'manual' })
  assert.equal(redirect.status, 308)
  assert.equal(
    new URL(redirect.headers.get('location'), `${srv.url}/ops/_rampart`).pathname,
    '/ops/_rampart/',
  )
  assert.equal((await fetch(`${srv.url}/ops/_rampart/`)).status, 200)
  assert.equal(
    (await fetch(`${srv.url}/ops/_rampart/style.css`)).headers.get('content-type'),
    'text/css; charset=utf-8',
  )
  const { status, messages } = await readStream(`${srv.url}/ops/_rampart/stream`, {
    until: (m) => m.length > 0,
  })
  assert.equal(status, 200)
  assert.equal(messages[0].event, 'hello')
})

test('limiter pressure: the peak of the last 10 s, then it fades; limiters and sources are capped', (t) => {
  const { PageStats } = require('../lib/monitor/stats')
  let now = 1_000_000
  t.mock.method(Date, 'now', () => now)
  const stats = new PageStats((ip) => ip)
  stats.addDecision(3, 10, 60_000)
  stats.addDecision(12, 10, 60_000)
  stats.addDecision(5, 10, 60_000)
  let [l] = stats.snapshot(now).limiters
  assert.deepEqual([l.name, l.decisions, l.blocked, l.peak], ['10 per 60 s', 3, 1, 1.2])
  now += 5_000
  assert.equal(stats.snapshot(now).limiters[0].peak, 1.2, 'still within 10 s')
  now += 6_000
  assert.equal(stats.snapshot(now).limiters[0].peak, 0, 'faded')
  stats.addDecision(2, 10, 60_000)
  ;[l] = stats.snapshot(now).limiters
  assert.equal(l.peak, 0.2)
  for (let i = 0; i < 100; i++) stats.addDecision(1, 100 + i, 1000)
  assert.equal(stats.limiters.size, 50)
  for (let i = 0; i < 2000; i++)
    stats.addEvent({ type: 'auth.failed', time: now, ip: `10.1.${i >> 8}.${i & 255}` })
  assert.equal(stats.sources.size, 1000)
  assert.equal(stats.latest.length, 50)
})
