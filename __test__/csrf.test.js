'use strict'
// rampart/csrf: fetchMetadata()'s policy over real HTTP on Express 4 and 5 (the cross-site
// POST carrying only a cookie, form posts, old browsers), and doubleCsrf() side by side
// with csrf-csrf on both majors: the same statuses for the same requests, and tokens made
// by either accepted by the other.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const express5 = require('express')
const express4 = require('express4')
const cookieParser = require('cookie-parser')
const peer = require('csrf-csrf')
const { fetchMetadata, doubleCsrf } = require('../lib/csrf')
const { errorHandler } = require('../lib/errors')
const { cookieCsrfWarning, markChecked } = require('../lib/csrf/guard')
const { serve } = require('./helpers/serve')

const MAJORS = [
  ['express 5', express5],
  ['express 4', express4],
]
const SECRET = 'a-32-byte-long-secret-for-tests!'

/** One request with exactly these headers (fetch() adds its own Sec-Fetch-Mode). */
function send(url, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          body: text ? JSON.parse(text) : null,
          setCookie: res.headers['set-cookie'] || [],
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

function fetchMetadataApp(express, options) {
  const app = express()
  app.use(fetchMetadata(options))
  app.all('/account', (_req, res) => res.json({ ok: true }))
  app.use(errorHandler({ logger: { error() {} } }))
  return app
}

// [name, method, headers, expected status]
const SITE_CASES = [
  [
    'cross-site POST carrying only a cookie',
    'POST',
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', cookie: 'sid=victim' },
    403,
  ],
  ['cross-site fetch() DELETE', 'DELETE', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }, 403],
  [
    'cross-site form POST (a navigation)',
    'POST',
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    403,
  ],
  ['same-site but cross-origin PUT', 'PUT', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }, 403],
  ['same-origin POST', 'POST', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' }, 200],
  ['user-typed request', 'POST', { 'sec-fetch-site': 'none' }, 200],
  [
    'cross-site GET (ignored method)',
    'GET',
    { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    200,
  ],
  ['old browser, foreign Origin', 'POST', { origin: 'https://evil.example' }, 403],
  ['old browser, opaque Origin', 'POST', { origin: 'null' }, 403],
  ['old browser, foreign Referer', 'POST', { referer: 'https://evil.example/page' }, 403],
  ['no browser headers at all (curl, a server)', 'POST', {}, 200],
]

for (const [major, express] of MAJORS) {
  test(`fetchMetadata on ${major}: the policy over real HTTP`, async (t) => {
    const server = await serve(fetchMetadataApp(express))
    t.after(server.close)
    const host = new URL(server.url).host
    for (const [name, method, headers, status] of SITE_CASES) {
      const r = await send(`${server.url}/account`, { method, headers })
      assert.equal(r.status, status, name)
      if (status === 403) {
        assert.equal(r.body.code, 'csrf_rejected', name)
        assert.equal(r.body.status, 403)
      }
    }
    // An older browser on the same origin: by Origin, then by Referer.
    assert.equal(
      (await send(`${server.url}/account`, { method: 'POST', headers: { origin: `http://${host}` } })).status,
      200,
    )
    assert.equal(
      (await send(`${server.url}/account`, { method: 'POST', headers: { referer: `http://${host}/form` } }))
        .status,
      200,
    )
  })
}

test('fetchMetadata options: allowedOrigins, ignoredMethods, allowNavigation', async (t) => {
  const allowed = await serve(fetchMetadataApp(express5, { allowedOrigins: ['https://app.example.com'] }))
  t.after(allowed.close)
  const cross = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }
  assert.equal(
    (
      await send(`${allowed.url}/account`, {
        method: 'POST',
        headers: { ...cross, origin: 'https://app.example.com' },
      })
    ).status,
    200,
  )
  assert.equal(
    (
      await send(`${allowed.url}/account`, {
        method: 'POST',
        headers: { ...cross, origin: 'https://other.example.com' },
      })
    ).status,
    403,
  )

  // Protecting GETs too: a link (top-level navigation) still works, a cross-site fetch() does not.
  const strict = await serve(fetchMetadataApp(express5, { ignoredMethods: ['OPTIONS'] }))
  t.after(strict.close)
  const nav = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }
  assert.equal((await send(`${strict.url}/account`, { headers: nav })).status, 200)
  assert.equal((await send(`${strict.url}/account`, { headers: cross })).status, 403)
  assert.equal(
    (await send(`${strict.url}/account`, { headers: { ...nav, 'sec-fetch-dest': 'embed' } })).status,
    403,
  )
  const noNav = await serve(fetchMetadataApp(express5, { ignoredMethods: [], allowNavigation: false }))
  t.after(noNav.close)
  assert.equal((await send(`${noNav.url}/account`, { headers: nav })).status, 403)

  assert.throws(() => fetchMetadata({ allowedOrigins: ['https://a.example/path'] }), /not an origin/)
  assert.throws(() => fetchMetadata({ allowedOrigins: 'https://a.example' }), /array/)
  assert.throws(() => fetchMetadata({ allowNavigation: 'yes' }), /allowNavigation/)
  assert.throws(() => fetchMetadata({ ignoreMethods: [] }), /unknown option/)
})

/** An app with csrf protection from `lib` (rampart's or csrf-csrf's doubleCsrf). */
function csrfApp(express, lib, options = {}) {
  const { doubleCsrfProtection, generateCsrfToken, invalidCsrfTokenError } = lib.doubleCsrf({
    getSecret: () => SECRET,
    getSessionIdentifier: (req) => req.headers['x-session'] || 'anon',
    ...options,
  })
  const app = express()
  app.use(cookieParser())
  app.get('/token', (req, res) => res.json({ token: generateCsrfToken(req, res) }))
  app.use(doubleCsrfProtection)
  app.all('/transfer', (_req, res) => res.json({ ok: true }))
  app.use((err, _req, res, _next) =>
    res
      .status(err.status)
      .json({ same: err === invalidCsrfTokenError, code: err.code, message: err.message }),
  )
  return app
}

async function tokenFrom(url, session = 's1') {
  const r = await send(`${url}/token`, { headers: { 'x-session': session } })
  return { token: r.body.token, cookie: r.setCookie[0].split(';')[0] }
}

const NAME = '__Host-psifi.x-csrf-token'

/** The attack requests, built from a valid token of session s1. */
function csrfCases({ token, cookie }) {
  const forged = (token[0] === 'a' ? 'b' : 'a') + token.slice(1)
  const otherRandom = token.split('.')[0] + '.' + 'ab'.repeat(32)
  return [
    ['valid token', { 'x-session': 's1', cookie, 'x-csrf-token': token }, 200],
    ['missing header token', { 'x-session': 's1', cookie }, 403],
    ['missing cookie', { 'x-session': 's1', 'x-csrf-token': token }, 403],
    ['forged HMAC in both', { 'x-session': 's1', cookie: `${NAME}=${forged}`, 'x-csrf-token': forged }, 403],
    [
      'random part swapped',
      { 'x-session': 's1', cookie: `${NAME}=${otherRandom}`, 'x-csrf-token': otherRandom },
      403,
    ],
    ['header differs from cookie', { 'x-session': 's1', cookie, 'x-csrf-token': forged }, 403],
    ['token of another session', { 'x-session': 's2', cookie, 'x-csrf-token': token }, 403],
    ['no delimiter', { 'x-session': 's1', cookie: `${NAME}=abc`, 'x-csrf-token': 'abc' }, 403],
  ]
}

for (const [major, express] of MAJORS) {
  test(`doubleCsrf side by side with csrf-csrf on ${major}`, async (t) => {
    for (const options of [{}, { hmacAlgorithm: 'sha512', size: 16 }]) {
      const ours = await serve(csrfApp(express, { doubleCsrf }, options))
      const theirs = await serve(csrfApp(express, peer, options))
      t.after(ours.close)
      t.after(theirs.close)
      const fromOurs = await tokenFrom(ours.url)
      const fromTheirs = await tokenFrom(theirs.url)
      assert.match(fromOurs.token, /^[0-9a-f]+\.[0-9a-f]+$/)
      assert.equal(fromOurs.token.length, fromTheirs.token.length)
      for (const tokens of [fromOurs, fromTheirs]) {
        for (const [name, headers, status] of csrfCases(tokens)) {
          for (const method of ['POST', 'GET']) {
            const a = await send(`${ours.url}/transfer`, { method, headers })
            const b = await send(`${theirs.url}/transfer`, { method, headers })
            assert.deepEqual(a, b, `${name} ${method}`)
            assert.equal(a.status, method === 'GET' ? 200 : status, `${name} ${method}`)
          }
        }
      }
      const rejected = await send(`${ours.url}/transfer`, { method: 'POST' })
      assert.deepEqual(rejected.body, { same: true, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' })
    }
  })
}

test('doubleCsrf: an existing valid cookie token is reused, a bad one replaced or refused', async () => {
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => [SECRET, 'an-older-secret-still-accepted!!'],
    getSessionIdentifier: () => 'sid',
  })
  const res = new http.ServerResponse(new http.IncomingMessage(null))
  const req = { method: 'POST', headers: {} }
  const first = generateCsrfToken(req, res)
  assert.match(
    res.getHeader('Set-Cookie')[0],
    /^__Host-psifi\.x-csrf-token=[0-9a-f.]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
  )
  const again = { method: 'POST', headers: { cookie: `${NAME}=${first}`, 'x-csrf-token': first } }
  assert.equal(validateRequest(again), true)
  assert.equal(generateCsrfToken(again, new http.ServerResponse(again)), first)
  assert.notEqual(generateCsrfToken(again, new http.ServerResponse(again), { overwrite: true }), first)
  const bad = { method: 'POST', headers: { cookie: `${NAME}=00.11` } }
  assert.notEqual(generateCsrfToken(bad, new http.ServerResponse(bad)), '00.11')
  assert.throws(
    () => generateCsrfToken(bad, new http.ServerResponse(bad), { validateOnReuse: true }),
    /invalid csrf token/,
  )

  // A token signed with the older secret still validates (rotation).
  const old = doubleCsrf({
    getSecret: () => 'an-older-secret-still-accepted!!',
    getSessionIdentifier: () => 'sid',
  })
  const oldToken = old.generateCsrfToken(req, new http.ServerResponse(req))
  assert.equal(
    validateRequest({ headers: { cookie: `${NAME}=${oldToken}`, 'x-csrf-token': oldToken } }),
    true,
  )
  // No nonce reuse: two fresh tokens never share their random part.
  const seen = new Set()
  for (let i = 0; i < 200; i++) seen.add(generateCsrfToken(req, res, { overwrite: true }).split('.')[1])
  assert.equal(seen.size, 200)
})

test('doubleCsrf: bad options fail at start-up', () => {
  const base = { getSecret: () => SECRET, getSessionIdentifier: () => 'x' }
  assert.throws(() => doubleCsrf({ getSessionIdentifier: () => 'x' }), /getSecret/)
  assert.throws(() => doubleCsrf({ getSecret: () => SECRET }), /getSessionIdentifier/)
  assert.throws(() => doubleCsrf({ ...base, hmacAlgorithm: 'md5' }), /`hmacAlgorithm` must be one of sha256/)
  assert.throws(() => doubleCsrf({ ...base, size: 4 }), /size/)
  assert.throws(() => doubleCsrf({ ...base, cookiename: 'x' }), /unknown option "cookiename"/)
  // A prefixed cookie the browser would silently drop is refused with the fix.
  assert.throws(
    () => doubleCsrf({ ...base, cookieOptions: { secure: false } }),
    /__Host- cookie without secure: true/,
  )
  assert.throws(
    () => doubleCsrf({ ...base, cookieOptions: { path: '/api', domain: 'a.example' } }),
    /path: '\/', no domain/,
  )
  assert.throws(
    () => doubleCsrf({ ...base, cookieName: '__Secure-csrf', cookieOptions: { secure: false } }),
    /__Secure-/,
  )
  assert.doesNotThrow(() => doubleCsrf({ ...base, cookieName: 'csrf', cookieOptions: { secure: false } }))
  // getSecret runs per request: a wrong result is a clear TypeError, not a native type error.
  const req = { method: 'POST', headers: { cookie: `${NAME}=a.b`, 'x-csrf-token': 'a.b' } }
  for (const secret of [42, '', [], [SECRET, null]]) {
    const { validateRequest } = doubleCsrf({ ...base, getSecret: () => secret })
    assert.throws(() => validateRequest(req), /`getSecret` (must return|returned an empty array)/)
  }
  // A Buffer secret works, and csrf-csrf accepts the same token.
  const buf = Buffer.from(SECRET)
  const ours = doubleCsrf({ ...base, getSecret: () => buf })
  const token = ours.generateCsrfToken(req, { cookie() {} }, { overwrite: true })
  const signed = { headers: { 'x-csrf-token': token }, cookies: { [NAME]: token } }
  assert.equal(ours.validateRequest(signed), true)
  assert.equal(peer.doubleCsrf({ ...base, getSecret: () => buf }).validateRequest(signed), true)
})

test('jwtAuth cookie guard: one warning, only for an unchecked state-changing request', (t) => {
  const warnings = []
  const onWarning = (w) => w.code === 'RAMPART_COOKIE_CSRF' && warnings.push(w.message)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const origEmit = process.emitWarning
  process.emitWarning = (message, opts) => warnings.push(message) && opts
  t.after(() => (process.emitWarning = origEmit))
  const warn = cookieCsrfWarning('session')
  warn({ method: 'GET', url: '/a' })
  const checked = { method: 'POST', url: '/a' }
  markChecked(checked)
  warn(checked)
  assert.equal(warnings.length, 0)
  warn({ method: 'POST', url: '/transfer' })
  warn({ method: 'DELETE', url: '/x' })
  assert.equal(warnings.length, 1)
  assert.match(warnings[0], /POST \/transfer.*fetchMetadata\(\)/)
})

test('import gives the same named exports as require', async () => {
  const esm = await import('../lib/esm/csrf.mjs')
  const cjs = require('../lib/csrf')
  assert.deepEqual(
    Object.keys(esm)
      .filter((k) => k !== 'default')
      .sort(),
    Object.keys(cjs).sort(),
  )
  assert.equal(esm.doubleCsrf, cjs.doubleCsrf)
  assert.equal(esm.default, cjs)
})
