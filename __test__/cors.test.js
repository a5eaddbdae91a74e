'use strict'
// rampart/cors side by side with the real cors package over HTTP (Express 5), plus
// rampart's stricter start-up checks and the cors.rejected event.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const express = require('express')
const corsPackage = require('cors')
const cors = require('../lib/cors')
const { events } = require('../lib/events')
const { serve } = require('./helpers/serve')

const ALLOWED = 'https://app.example.com'
const OTHER = 'https://evil.example.net'

// Option sets valid for both (rampart needs `origin` named, and no wildcard with credentials).
const OPTION_SETS = [
  { origin: '*' },
  { origin: ALLOWED },
  { origin: true },
  { origin: false },
  { origin: [ALLOWED, /^https:\/\/[a-z]+\.example\.org$/] },
  { origin: /^https:\/\/app\.example\.com$/, credentials: true, maxAge: 600 },
  {
    origin: [ALLOWED],
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: ['X-Request-Id', 'X-Total'],
    credentials: true,
    maxAge: 0,
  },
  { origin: ALLOWED, headers: 'X-A,X-B', methods: 'GET', exposedHeaders: 'X-Only' },
  { origin: ALLOWED, allowedHeaders: [], exposedHeaders: [] },
  { origin: ALLOWED, optionsSuccessStatus: 200 },
  { origin: ALLOWED, preflightContinue: true },
  { origin: (origin, cb) => cb(null, origin === ALLOWED), credentials: true },
  { origin: (origin, cb) => cb(null, origin === ALLOWED ? ALLOWED : false) },
  { origin: (_origin, cb) => cb(null, [ALLOWED]) },
]

const REQUESTS = [
  { method: 'GET', headers: { origin: ALLOWED } },
  { method: 'GET', headers: { origin: OTHER } },
  { method: 'GET', headers: {} },
  { method: 'POST', headers: { origin: ALLOWED, 'content-type': 'text/plain' }, body: 'x' },
  {
    method: 'OPTIONS',
    headers: {
      origin: ALLOWED,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-custom',
    },
  },
  { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'DELETE' } },
  { method: 'OPTIONS', headers: {} },
]

async function snapshot(url, init) {
  const res = await fetch(url, init)
  const headers = {}
  for (const [k, v] of res.headers)
    if (!['date', 'etag', 'keep-alive', 'connection'].includes(k)) headers[k] = v
  return { status: res.status, headers, body: await res.text() }
}

test('same responses as the cors package, option set by request', async (t) => {
  const app = express()
  OPTION_SETS.forEach((options, i) => {
    app.use(`/ours/${i}`, cors(options))
    app.use(`/theirs/${i}`, corsPackage(options))
  })
  app.use((req, res) => res.send(`handler saw ${req.method}`))
  const { url: base, close } = await serve(app)
  t.after(close)
  let compared = 0
  for (let i = 0; i < OPTION_SETS.length; i++) {
    for (const request of REQUESTS) {
      const init = { method: request.method, headers: request.headers, body: request.body }
      const [ours, theirs] = await Promise.all([
        snapshot(`${base}/ours/${i}`, init),
        snapshot(`${base}/theirs/${i}`, init),
      ])
      assert.deepEqual(ours, theirs, `option set ${i}, ${request.method} ${JSON.stringify(request.headers)}`)
      compared++
    }
  }
  assert.equal(compared, OPTION_SETS.length * REQUESTS.length)
})

test('Vary: Origin is added to an existing Vary, once, as the vary package does', async (t) => {
  const app = express()
  const pre = (value) => (_req, res, next) => {
    res.setHeader('Vary', value)
    next()
  }
  app.get('/a', pre('Accept-Encoding'), cors({ origin: ALLOWED }), (_req, res) => res.end())
  app.get('/b', pre('origin'), cors({ origin: ALLOWED }), (_req, res) => res.end())
  app.get('/c', pre('*'), cors({ origin: ALLOWED }), (_req, res) => res.end())
  const { url: base, close } = await serve(app)
  t.after(close)
  const vary = async (p) => (await fetch(base + p, { headers: { origin: ALLOWED } })).headers.get('vary')
  assert.equal(await vary('/a'), 'Accept-Encoding, Origin')
  assert.equal(await vary('/b'), 'origin')
  assert.equal(await vary('/c'), '*')
})

test('start-up: origin must be named; no wildcard or reflect-any with credentials', () => {
  const refuse = [
    [undefined, /options must be an object naming the allowed origins/],
    [{}, /name the allowed origins with `origin`/],
    [{ methods: 'GET' }, /name the allowed origins/],
    [{ origin: '*', credentials: true }, /"\*" but credentials is true/],
    [{ origin: true, credentials: true }, /reflect any origin/],
    [{ origin: /.*/, credentials: true }, /matches any origin/],
    [{ origin: [ALLOWED, /./], credentials: true }, /matches any origin/],
    [{ origin: 'null', credentials: true }, /"null" with credentials/],
    [{ origin: [ALLOWED, '*'] }, /compares literally/],
    [{ origin: 'app.example.com' }, /is not an origin/],
    [{ origin: 'https://app.example.com/' }, /is not an origin/],
    [{ origin: [ALLOWED, true] }, /entries must be strings or RegExps/],
    [{ origin: 42 }, /must be a string, RegExp, array, boolean or function/],
    [{ origin: ALLOWED, credential: true }, /unknown option "credential"/],
    [{ origin: ALLOWED, credentials: 'true' }, /`credentials` must be a boolean/],
    [{ origin: ALLOWED, maxAge: -5 }, /`maxAge`/],
    [{ origin: ALLOWED, methods: 5 }, /`methods`/],
    [{ origin: ALLOWED, optionsSuccessStatus: 404 }, /2xx/],
    [{ origin: ALLOWED, exposedHeaders: ['X-A\r\nSet-Cookie: a=b'] }, /Invalid character/],
  ]
  for (const [options, message] of refuse) {
    assert.throws(() => cors(options), message, JSON.stringify(options))
  }
  // Allowed: public APIs without credentials, and a named list with credentials.
  for (const options of [
    { origin: '*' },
    { origin: true },
    { origin: false },
    { origin: 'null' },
    { origin: [ALLOWED, /^https:\/\/([a-z0-9-]+\.)?example\.org$/], credentials: true },
    { origin: (_o, cb) => cb(null, true), credentials: true },
  ]) {
    assert.equal(typeof cors(options), 'function')
  }
})

function callMiddleware(middleware, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve) => {
    const req = new http.IncomingMessage(null)
    req.method = method
    Object.assign(req.headers, headers)
    const res = new http.ServerResponse(req)
    res.end = () => resolve({ res, ended: true })
    middleware(req, res, (err) => resolve({ res, err, ended: false }))
  })
}

test('origin functions: callback, async, errors, and refusing "*" with credentials at run time', async () => {
  const asyncOrigin = cors({ origin: async (origin) => origin === ALLOWED, credentials: true })
  let out = await callMiddleware(asyncOrigin, { headers: { origin: ALLOWED } })
  assert.equal(out.res.getHeader('access-control-allow-origin'), ALLOWED)
  assert.equal(out.res.getHeader('access-control-allow-credentials'), 'true')
  out = await callMiddleware(asyncOrigin, { headers: { origin: OTHER } })
  assert.equal(out.res.getHeader('access-control-allow-origin'), undefined)

  const failing = cors({ origin: (_o, cb) => cb(new Error('lookup failed')) })
  out = await callMiddleware(failing, { headers: { origin: ALLOWED } })
  assert.equal(out.err.message, 'lookup failed')

  const throwing = cors({
    origin: () => {
      throw new Error('sync throw')
    },
  })
  out = await callMiddleware(throwing, { headers: { origin: ALLOWED } })
  assert.equal(out.err.message, 'sync throw')

  const wildcard = cors({ origin: (_o, cb) => cb(null, '*'), credentials: true })
  out = await callMiddleware(wildcard, { headers: { origin: ALLOWED } })
  assert.match(out.err.message, /credentials/)
  assert.equal(out.res.getHeader('access-control-allow-origin'), undefined)
})

test('options delegate (req, cb) picks options per request and is checked too', async () => {
  const byHost = cors((req, cb) =>
    cb(null, req.headers.host === 'public' ? { origin: '*' } : { origin: ALLOWED }),
  )
  let out = await callMiddleware(byHost, { headers: { host: 'public', origin: OTHER } })
  assert.equal(out.res.getHeader('access-control-allow-origin'), '*')
  out = await callMiddleware(byHost, { headers: { host: 'private', origin: OTHER } })
  assert.equal(out.res.getHeader('access-control-allow-origin'), ALLOWED)

  const bad = cors((_req, cb) => cb(null, { origin: '*', credentials: true }))
  out = await callMiddleware(bad, { headers: { origin: OTHER } })
  assert.match(out.err.message, /credentials/)

  const throwing = cors(() => {
    throw new Error('delegate bug')
  })
  out = await callMiddleware(throwing, { headers: { origin: OTHER } })
  assert.equal(out.err.message, 'delegate bug')
})

test('an error thrown further down the chain is not swallowed', () => {
  for (const middleware of [
    cors({ origin: (_o, cb) => cb(null, true) }),
    cors((_req, cb) => cb(null, { origin: ALLOWED })),
  ]) {
    const req = new http.IncomingMessage(null)
    req.method = 'GET'
    req.headers.origin = ALLOWED
    const res = new http.ServerResponse(req)
    assert.throws(
      () =>
        middleware(req, res, () => {
          throw new Error('route bug')
        }),
      /route bug/,
    )
  }
})

test('tolerates a request with no method, no origin and no url', async () => {
  const middleware = cors({ origin: [ALLOWED] })
  const req = { headers: {} }
  const res = new http.ServerResponse(new http.IncomingMessage(null))
  let called = false
  middleware(req, res, () => {
    called = true
  })
  assert.ok(called)
  assert.equal(res.getHeader('vary'), 'Origin')
  let again = false
  cors({ origin: ALLOWED })({}, res, () => {
    again = true
  })
  assert.ok(again, 'a request object with no headers at all')
})

test('cors.rejected is reported for an origin that is not allowed, and only then', async (t) => {
  const seen = []
  const listener = (event) => seen.push(event)
  events.on('cors.rejected', listener)
  t.after(() => events.off('cors.rejected', listener))

  const app = express()
  app.use('/list', cors({ origin: [ALLOWED] }))
  app.use('/fixed', cors({ origin: ALLOWED }))
  app.use('/fn', cors({ origin: (o, cb) => cb(null, o === ALLOWED) }))
  app.use('/any', cors({ origin: '*' }))
  app.use((_req, res) => res.send('ok'))
  const { url: base, close } = await serve(app)
  t.after(close)

  for (const p of ['/list', '/fixed', '/fn', '/any']) {
    await fetch(base + p, { headers: { origin: ALLOWED } })
    await fetch(base + p)
  }
  assert.equal(seen.length, 0, 'allowed origins and same-origin requests are not reported')

  for (const p of ['/list', '/fixed', '/fn', '/any']) {
    await fetch(base + p + '/x?q=1', { headers: { origin: OTHER } })
  }
  await fetch(base + '/list', { method: 'OPTIONS', headers: { origin: OTHER } })
  assert.equal(seen.length, 4)
  for (const event of seen) {
    assert.equal(event.type, 'cors.rejected')
    assert.equal(typeof event.time, 'number')
    assert.equal(event.ip, '127.0.0.1')
    assert.match(event.reason, /evil\.example\.net/)
  }
  assert.deepEqual(
    seen.map((e) => [e.method, e.path]),
    [
      ['GET', '/list/x'],
      ['GET', '/fixed/x'],
      ['GET', '/fn/x'],
      ['OPTIONS', '/list'],
    ],
  )
})

test('require() returns cors itself; ESM default and named export', async () => {
  assert.equal(cors.cors, cors)
  assert.equal(cors.default, cors)
  const esm = await import('../lib/esm/cors.mjs')
  assert.equal(esm.default, cors)
  assert.equal(esm.cors, cors)
})

test('attack origins are not reflected: look-alikes, null, case tricks', async () => {
  const middleware = cors({
    origin: [ALLOWED, /^https:\/\/([a-z0-9-]+\.)?example\.org$/],
    credentials: true,
  })
  const attacks = [
    'https://app.example.com.evil.net',
    'https://evilapp.example.com',
    'http://app.example.com',
    'https://app.example.com:8443',
    'HTTPS://APP.EXAMPLE.COM',
    'https://app.example.com/',
    'null',
    'https://example.org.evil.net',
    'https://evil.net/.example.org',
    'https://a.example.org\n',
    '',
  ]
  for (const origin of attacks) {
    const { res } = await callMiddleware(middleware, { headers: { origin } })
    assert.equal(res.getHeader('access-control-allow-origin'), undefined, JSON.stringify(origin))
    const pre = await callMiddleware(middleware, { method: 'OPTIONS', headers: { origin } })
    assert.equal(pre.res.getHeader('access-control-allow-origin'), undefined, JSON.stringify(origin))
  }
  const { res } = await callMiddleware(middleware, { headers: { origin: 'https://shop.example.org' } })
  assert.equal(res.getHeader('access-control-allow-origin'), 'https://shop.example.org')
})
