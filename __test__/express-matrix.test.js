'use strict'
// Every rampart middleware on Express 4 and Express 5, over real HTTP: one app per major,
// the same requests, and the same observable responses (status, security headers, body).
// Where a replaced library works on a major, the same app with that library swapped in
// gives the same responses too: helmet on both, csrf-csrf on both, express-mongo-sanitize
// and hpp on Express 4 (on Express 5 the first crashes and the second does nothing; see
// __test__/input.test.js, which pins both failures).
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const express5 = require('express')
const express4 = require('express4')
const helmet = require('helmet')
const peerCsrf = require('csrf-csrf')
const peerSanitize = require('express-mongo-sanitize')
const peerHpp = require('hpp')
const { jwtAuth, authorize, sign } = require('../lib/jwt')
const { validate, json } = require('../lib/validate')
const { sanitize } = require('../lib/sanitize')
const rateLimit = require('../lib/rate-limit')
const secureHeaders = require('../lib/headers')
const cors = require('../lib/cors')
const { errorHandler } = require('../lib/errors')
const { fortify } = require('../lib/fortify')
const { mongoSanitize, hpp } = require('../lib/input')
const { fetchMetadata, doubleCsrf } = require('../lib/csrf')
const { serve } = require('./helpers/serve')

const SECRET = 'matrix-secret-matrix-secret-32by'
const ADMIN = sign({ sub: 'a', role: 'admin' }, SECRET)
const USER = sign({ sub: 'u', role: 'user' }, SECRET)

const RAMPART = { headers: secureHeaders, mongoSanitize, hpp, csrf: doubleCsrf }
const PEERS = { headers: helmet, mongoSanitize: peerSanitize, hpp: peerHpp, csrf: peerCsrf.doubleCsrf }

/** The app under test; `impl` picks rampart's or the peer's middleware for the four swappable ones. */
function buildApp(express, impl = RAMPART) {
  const app = express()
  app.set('query parser', 'extended') // Express 4's default, so both majors parse alike
  app.use(parseCookies)
  const { doubleCsrfProtection, generateCsrfToken } = impl.csrf({
    getSecret: () => SECRET,
    getSessionIdentifier: (req) => req.headers['x-session'] || 'anon',
  })

  app.use('/fortified', fortify({ cors: { origin: ['https://app.example'] }, rateLimit: { limit: 100 } }))
  app.post('/fortified/echo', (req, res) => res.json(req.body))

  app.get('/headers', impl.headers(), (_req, res) => res.send('ok'))
  app.get('/cors', cors({ origin: ['https://app.example'], credentials: true }), (_req, res) =>
    res.send('ok'),
  )
  app.get(
    '/limited',
    rateLimit({ windowMs: 60_000, limit: 2, standardHeaders: 'draft-7', legacyHeaders: false }),
    (_req, res) => res.send('ok'),
  )
  app.post(
    '/items',
    json(),
    validate({
      body: { type: 'object', properties: { qty: { type: 'integer', minimum: 1 } }, required: ['qty'] },
      query: { type: 'object', properties: { page: { type: 'integer' } } },
    }),
    (req, res) => res.json({ body: req.body, page: req.query.page }),
  )
  app.post('/comments', json(), sanitize(), (req, res) => res.json(req.body))
  app.get('/admin', jwtAuth({ secret: SECRET, algorithms: ['HS256'] }), authorize('admin'), (req, res) =>
    res.json({ sub: req.auth ? req.auth.sub : req.user.sub }),
  )
  app.post('/login', express.json(), impl.mongoSanitize(), (req, res) =>
    res.json({ body: req.body, query: req.query }),
  )
  app.get('/search', impl.hpp(), (req, res) => res.json({ query: req.query, polluted: req.queryPolluted }))
  app.post('/account', fetchMetadata(), jwtAuth({ secret: SECRET, cookie: 'token' }), (_req, res) =>
    res.json({ ok: true }),
  )
  app.get('/csrf-token', (req, res) => res.json({ token: generateCsrfToken(req, res) }))
  app.post('/transfer', doubleCsrfProtection, (_req, res) => res.json({ ok: true }))
  app.use(errorHandler({ logger: { error() {} } }))
  return app
}

/** csrf-csrf reads req.cookies (cookie-parser's); a minimal parse so both see the same. */
function parseCookies(req, _res, next) {
  req.cookies = Object.fromEntries(
    (req.headers.cookie || '')
      .split(';')
      .filter(Boolean)
      .map((c) => c.trim().split('=')),
  )
  next()
}

// Response headers compared: the security ones, and what the routes set.
const HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'x-powered-by',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'vary',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'www-authenticate',
]

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => {
        const picked = {}
        for (const name of HEADERS) if (res.headers[name] !== undefined) picked[name] = res.headers[name]
        let parsed = text
        try {
          parsed = JSON.parse(text)
        } catch {
          // a text body (the headers route's 'ok') is compared as text
        }
        resolve({
          status: res.statusCode,
          headers: picked,
          body: parsed,
          setCookie: res.headers['set-cookie'],
        })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const JSON_TYPE = { 'content-type': 'application/json' }

/** The scripted requests: [name, options, check(response)]. */
const SCRIPT = [
  ['headers', { path: '/headers' }, (r) => assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN')],
  [
    'cors preflight-free GET',
    { path: '/cors', headers: { origin: 'https://app.example' } },
    (r) => {
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example')
      assert.equal(r.headers['access-control-allow-credentials'], 'true')
    },
  ],
  [
    'cors foreign origin',
    { path: '/cors', headers: { origin: 'https://evil.example' } },
    (r) => assert.equal(r.headers['access-control-allow-origin'], undefined),
  ],
  ['rate limit 1', { path: '/limited' }, (r) => assert.equal(r.status, 200)],
  ['rate limit 2', { path: '/limited' }, (r) => assert.equal(r.status, 200)],
  [
    'rate limit 3',
    { path: '/limited' },
    (r) => {
      assert.equal(r.status, 429)
      assert.ok(Number(r.headers['retry-after']) > 0)
    },
  ],
  [
    'valid body, coerced query',
    { path: '/items?page=3', method: 'POST', headers: JSON_TYPE, body: '{"qty":2}' },
    (r) => assert.deepEqual(r.body, { body: { qty: 2 }, page: 3 }),
  ],
  [
    'invalid body',
    { path: '/items', method: 'POST', headers: JSON_TYPE, body: '{"qty":0}' },
    (r) => {
      assert.equal(r.status, 400)
      assert.equal(r.body.errors[0].location, 'body')
    },
  ],
  [
    'bad JSON',
    { path: '/items', method: 'POST', headers: JSON_TYPE, body: '{"qty":' },
    (r) => assert.equal(r.status, 400),
  ],
  [
    'proto pollution',
    { path: '/items', method: 'POST', headers: JSON_TYPE, body: '{"qty":1,"__proto__":{"x":1}}' },
    (r) => assert.equal(r.status, 400),
  ],
  [
    'sanitize',
    {
      path: '/comments',
      method: 'POST',
      headers: JSON_TYPE,
      body: '{"text":"<img src=x onerror=alert(1)>hi"}',
    },
    (r) => assert.deepEqual(r.body, { text: 'hi' }),
  ],
  [
    'no token',
    { path: '/admin' },
    (r) => {
      assert.equal(r.status, 401)
      assert.equal(r.headers['www-authenticate'], 'Bearer')
    },
  ],
  [
    'not admin',
    { path: '/admin', headers: { authorization: `Bearer ${USER}` } },
    (r) => assert.equal(r.status, 403),
  ],
  [
    'admin',
    { path: '/admin', headers: { authorization: `Bearer ${ADMIN}` } },
    (r) => assert.deepEqual(r.body, { sub: 'a' }),
  ],
  [
    'NoSQL operator in body',
    { path: '/login', method: 'POST', headers: JSON_TYPE, body: '{"username":{"$ne":null},"password":"x"}' },
    (r) => assert.deepEqual(r.body.body, { username: {}, password: 'x' }),
  ],
  [
    'operator in query, dotted key',
    { path: '/login?user[$gt]=&a.b=1', method: 'POST', headers: JSON_TYPE, body: '{}' },
    (r) => assert.deepEqual(r.body.query, { user: {} }),
  ],
  [
    'parameter pollution',
    { path: '/search?id=1&id=2&q=x' },
    (r) => assert.deepEqual(r.body, { query: { id: '2', q: 'x' }, polluted: { id: ['1', '2'] } }),
  ],
  [
    'cross-site POST carrying only a cookie',
    {
      path: '/account',
      method: 'POST',
      headers: { cookie: `token=${ADMIN}`, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
    },
    (r) => {
      assert.equal(r.status, 403)
      assert.equal(r.body.code, 'csrf_rejected')
    },
  ],
  [
    'same-origin POST with the cookie',
    {
      path: '/account',
      method: 'POST',
      headers: { cookie: `token=${ADMIN}`, 'sec-fetch-site': 'same-origin' },
    },
    (r) => assert.equal(r.status, 200),
  ],
  ['missing CSRF token', { path: '/transfer', method: 'POST' }, (r) => assert.equal(r.status, 403)],
  [
    'fortify: headers, CORS and the JSON parser',
    {
      path: '/fortified/echo',
      method: 'POST',
      headers: { ...JSON_TYPE, origin: 'https://app.example' },
      body: '{"a":1}',
    },
    (r) => {
      assert.deepEqual(r.body, { a: 1 })
      assert.equal(r.headers['access-control-allow-origin'], 'https://app.example')
      assert.equal(r.headers['x-content-type-options'], 'nosniff')
      assert.ok(r.headers.ratelimit)
    },
  ],
]

/** Runs the script (plus a token round trip) against a fresh app; returns every response. */
async function runScript(app) {
  const server = await serve(app)
  try {
    const out = {}
    for (const [name, { path, ...options }, check] of SCRIPT) {
      const r = await request(server.url + path, options)
      delete r.setCookie
      check(r)
      out[name] = r
    }
    const issued = await request(`${server.url}/csrf-token`, { headers: { 'x-session': 's1' } })
    const token = issued.body.token
    const cookie = issued.setCookie[0].split(';')[0]
    const forged = (token[0] === 'f' ? 'e' : 'f') + token.slice(1)
    const headers = (t, c = cookie) => ({ 'x-session': 's1', cookie: c, 'x-csrf-token': t })
    out['valid CSRF token'] = (
      await request(`${server.url}/transfer`, { method: 'POST', headers: headers(token) })
    ).status
    out['forged CSRF token'] = (
      await request(`${server.url}/transfer`, {
        method: 'POST',
        headers: headers(forged, `${cookie.split('=')[0]}=${forged}`),
      })
    ).status
    out['CSRF token of another session'] = (
      await request(`${server.url}/transfer`, {
        method: 'POST',
        headers: { ...headers(token), 'x-session': 's2' },
      })
    ).status
    assert.deepEqual(
      [out['valid CSRF token'], out['forged CSRF token'], out['CSRF token of another session']],
      [200, 403, 403],
    )
    return out
  } finally {
    await server.close()
  }
}

test('every middleware behaves the same on Express 4 and Express 5', async () => {
  const on5 = await runScript(buildApp(express5))
  const on4 = await runScript(buildApp(express4))
  assert.deepEqual(on4, on5)
})

test('helmet and csrf-csrf swapped in give the same responses on both majors; express-mongo-sanitize and hpp on Express 4', async () => {
  for (const [major, express, peers] of [
    ['express 5', express5, { headers: helmet, csrf: peerCsrf.doubleCsrf }],
    ['express 4', express4, PEERS],
  ]) {
    const ours = await runScript(buildApp(express, RAMPART))
    const theirs = await runScript(buildApp(express, { ...RAMPART, ...peers }))
    assert.deepEqual(ours, theirs, major)
  }
})
