'use strict'
// rampart/headers additions: per-request CSP nonces (never reused), Permissions-Policy from
// a dictionary with start-up validation, Reporting-Endpoints; each alone and through
// secureHeaders, on Express 4 and 5.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const net = require('node:net')
const express5 = require('express')
const express4 = require('express4')
const secureHeaders = require('../lib/headers')
const { permissionsPolicy, reportingEndpoints, contentSecurityPolicy } = secureHeaders
const { serve } = require('./helpers/serve')

function run(middleware) {
  const req = new http.IncomingMessage(new net.Socket())
  req.method = 'GET'
  req.url = '/'
  const res = new http.ServerResponse(req)
  let nextArg = 'not called'
  middleware(req, res, (err) => {
    nextArg = err
  })
  return { headers: res.getHeaders(), locals: res.locals, next: nextArg }
}

/** The nonces in each directive of a CSP header value. */
function noncesByDirective(header) {
  const out = {}
  for (const part of header.split(/;\s*/)) {
    const [name, ...sources] = part.split(' ')
    const nonces = sources.filter((s) => s.startsWith("'nonce-")).map((s) => s.slice(7, -1))
    if (nonces.length) out[name] = nonces
  }
  return out
}

test('nonce: true puts a fresh 128-bit nonce in res.locals.cspNonce and in script-src and style-src', () => {
  const seen = new Set()
  for (const middleware of [
    secureHeaders({ contentSecurityPolicy: { nonce: true } }),
    contentSecurityPolicy({ nonce: true }),
    secureHeaders.api({ contentSecurityPolicy: { nonce: true } }),
  ]) {
    for (let i = 0; i < 300; i++) {
      const { headers, locals, next } = run(middleware)
      assert.equal(next, undefined)
      const nonce = locals.cspNonce
      assert.equal(Buffer.from(nonce, 'base64').length, 16)
      assert.deepEqual(noncesByDirective(headers['content-security-policy']), {
        'script-src': [nonce],
        'style-src': [nonce],
      })
      assert.ok(!seen.has(nonce), 'a nonce was reused across requests')
      seen.add(nonce)
    }
  }
  assert.equal(seen.size, 900)
})

test('nonce: the other directives keep helmet values; missing ones start from default-src', () => {
  const { headers, locals } = run(secureHeaders({ contentSecurityPolicy: { nonce: true } }))
  const n = locals.cspNonce
  const expected = `default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self' 'nonce-${n}';script-src-attr 'none';style-src 'self' https: 'unsafe-inline' 'nonce-${n}';upgrade-insecure-requests`
  assert.equal(headers['content-security-policy'], expected)
  const api = run(secureHeaders.api({ contentSecurityPolicy: { nonce: true } }))
  const m = api.locals.cspNonce
  assert.equal(
    api.headers['content-security-policy'],
    `default-src 'none'; frame-ancestors 'none'; script-src 'nonce-${m}'; style-src 'nonce-${m}'`,
  )
  const own = run(
    contentSecurityPolicy({
      useDefaults: false,
      reportOnly: true,
      directives: { defaultSrc: ["'self'", 'https://cdn.example'] },
      nonce: true,
    }),
  )
  const k = own.locals.cspNonce
  assert.equal(
    own.headers['content-security-policy-report-only'],
    `default-src 'self' https://cdn.example;script-src 'self' https://cdn.example 'nonce-${k}';style-src 'self' https://cdn.example 'nonce-${k}'`,
  )
  assert.throws(() => contentSecurityPolicy({ nonce: 'yes' }), /nonce/)
  // Without nonce: true the header stays fixed and no nonce is made.
  const plain = run(secureHeaders())
  assert.equal(plain.locals, undefined)
  assert.doesNotMatch(plain.headers['content-security-policy'], /nonce/)
})

for (const [major, express] of [
  ['express 5', express5],
  ['express 4', express4],
]) {
  test(`nonce on ${major}: the page's script nonce matches its header, and differs per request`, async (t) => {
    const app = express()
    app.use(secureHeaders({ contentSecurityPolicy: { nonce: true } }))
    app.get('/', (_req, res) => res.send(`<script nonce="${res.locals.cspNonce}">1</script>`))
    const server = await serve(app)
    t.after(server.close)
    const nonces = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(server.url)
      const body = await res.text()
      const nonce = body.match(/nonce="([^"]+)"/)[1]
      assert.deepEqual(noncesByDirective(res.headers.get('content-security-policy'))['script-src'], [nonce])
      nonces.push(nonce)
    }
    assert.equal(new Set(nonces).size, 3)
  })
}

test('permissionsPolicy builds the header from a dictionary', () => {
  const cases = [
    [{ camera: [], geolocation: ['self'] }, 'camera=(), geolocation=(self)'],
    [
      { fullscreen: ['self', 'https://a.example'], microphone: '*' },
      'fullscreen=(self "https://a.example"), microphone=*',
    ],
    [
      { displayCapture: ["'self'"], payment: ['https://*.pay.example/'] },
      'display-capture=(self), payment=("https://*.pay.example")',
    ],
    [{ 'interest-cohort': [], usb: ['src', 'self', 'self'] }, 'interest-cohort=(), usb=(src self)'],
  ]
  for (const [features, value] of cases) {
    assert.equal(run(permissionsPolicy({ features })).headers['permissions-policy'], value)
    assert.equal(run(secureHeaders({ permissionsPolicy: { features } })).headers['permissions-policy'], value)
  }
})

test('permissionsPolicy refuses what the header cannot say, at start-up', () => {
  const bad = [
    [{ camra: [] }, /unknown feature "camra"/],
    [{ camera: ['*', 'self'] }, /must stand alone/],
    [{ camera: ['none'] }, /camera: \[\]/],
    [{ camera: ['example.com'] }, /not 'self', 'src', '\*' or an origin/],
    [{ camera: ['https://a.example/path'] }, /not 'self'/],
    [{ camera: ['javascript:alert(1)'] }, /not 'self'/],
    [{ camera: [1] }, /use strings/],
    [{ camera: {} }, /must be an array/],
    [{ camera: [], Camera: [] }, /given twice|unknown feature/],
    [{}, /empty/],
  ]
  for (const [features, message] of bad) assert.throws(() => permissionsPolicy({ features }), message)
  assert.throws(() => permissionsPolicy(), /features/)
  assert.throws(() => permissionsPolicy({ features: { camera: [] }, policy: 1 }), /unknown option/)
})

test('reportingEndpoints sets Reporting-Endpoints, with checked names and URLs', () => {
  const endpoints = {
    default: 'https://reports.example/r',
    'csp-endpoint': '/csp',
    local: 'http://localhost:8080/r',
  }
  const value = 'default="https://reports.example/r", csp-endpoint="/csp", local="http://localhost:8080/r"'
  assert.equal(run(reportingEndpoints(endpoints)).headers['reporting-endpoints'], value)
  assert.equal(run(secureHeaders({ reportingEndpoints: endpoints })).headers['reporting-endpoints'], value)
  assert.throws(() => reportingEndpoints({ default: 'http://reports.example' }), /https/)
  assert.throws(() => reportingEndpoints({ Default: 'https://r.example' }), /endpoint name/)
  assert.throws(() => reportingEndpoints({ default: 'https://r.example/"x' }), /quote/)
  assert.throws(() => reportingEndpoints({ default: 'https://r.example/\r\nSet-Cookie: a=b' }), /control/)
  assert.throws(() => reportingEndpoints({ default: '//evil.example' }), /absolute URL|https/)
  assert.throws(() => reportingEndpoints({}), /no endpoints/)
})

test('both are off unless given, and secureHeaders refuses `true` without options', () => {
  const { headers } = run(secureHeaders())
  assert.equal(headers['permissions-policy'], undefined)
  assert.equal(headers['reporting-endpoints'], undefined)
  const off = run(secureHeaders({ permissionsPolicy: false, reportingEndpoints: false })).headers
  assert.equal(off['permissions-policy'], undefined)
  assert.throws(() => secureHeaders({ permissionsPolicy: true }), /permissionsPolicy/)
  assert.throws(() => secureHeaders({ reportingEndpoints: true }), /reportingEndpoints/)
})
