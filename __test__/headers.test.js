'use strict'
// rampart/headers against the real helmet 8: same headers, same values, same order, same
// start-up errors; plus the api preset, nonces and a real Express server.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const net = require('node:net')
const express = require('express')
const helmet = require('helmet')
const secureHeaders = require('../lib/headers')
const { serve } = require('./helpers/serve')
const { rawHead } = require('./helpers/raw-head')

/** Runs a middleware on a real node:http response; returns its headers in order and next's argument. */
function run(middleware, { headers = {}, prepare } = {}) {
  const req = new http.IncomingMessage(new net.Socket())
  req.method = 'GET'
  req.url = '/'
  Object.assign(req.headers, headers)
  const res = new http.ServerResponse(req)
  res.setHeader('X-Powered-By', 'Express')
  if (prepare) prepare(res)
  let nextArg = 'not called'
  middleware(req, res, (err) => {
    nextArg = err
  })
  return { headers: res.getHeaderNames().map((name) => [name, res.getHeader(name)]), next: nextArg }
}

function same(options) {
  const ours = run(secureHeaders(options))
  const theirs = run(helmet(options))
  assert.deepEqual(ours, theirs)
  return ours
}

const nonce = (_req, res) => `'nonce-${res.getHeader('x-test-nonce') || 'abc123'}'`

const OPTION_SETS = {
  defaults: undefined,
  'empty object': {},
  'everything off': {
    contentSecurityPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: false,
    xContentTypeOptions: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: false,
    xPermittedCrossDomainPolicies: false,
    xPoweredBy: false,
    xXssProtection: false,
  },
  'each header changed': {
    crossOriginEmbedderPolicy: { policy: 'credentialless' },
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: ['origin', 'strict-origin-when-cross-origin'] },
    strictTransportSecurity: { maxAge: 123.9, includeSubDomains: false, preload: true },
    xDnsPrefetchControl: { allow: true },
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'by-content-type' },
  },
  'true for every header': {
    contentSecurityPolicy: true,
    crossOriginEmbedderPolicy: true,
    crossOriginOpenerPolicy: true,
    crossOriginResourcePolicy: true,
    originAgentCluster: true,
    referrerPolicy: true,
    strictTransportSecurity: true,
    xContentTypeOptions: true,
    xDnsPrefetchControl: true,
    xDownloadOptions: true,
    xFrameOptions: true,
    xPermittedCrossDomainPolicies: true,
    xPoweredBy: true,
    xXssProtection: true,
  },
  'legacy aliases': {
    hsts: { maxAge: 60 },
    noSniff: false,
    dnsPrefetchControl: { allow: true },
    ieNoOpen: false,
    frameguard: { action: 'SAME-ORIGIN' },
    permittedCrossDomainPolicies: { permittedPolicies: 'all' },
    hidePoweredBy: false,
    xssFilter: false,
  },
  'CSP directives merged with defaults': {
    contentSecurityPolicy: {
      directives: {
        scriptSrc: ["'self'", 'https://cdn.example.com'],
        'img-src': ['*'],
        objectSrc: null,
        upgradeInsecureRequests: null,
        reportUri: '/csp-report',
        sandbox: [],
      },
    },
  },
  'CSP without defaults, report-only': {
    contentSecurityPolicy: {
      useDefaults: false,
      reportOnly: true,
      directives: { defaultSrc: "'none'", connectSrc: new Set(["'self'", 'wss://ws.example.com']) },
    },
  },
  'CSP default-src disabled on purpose': {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
        scriptSrc: ["'self'"],
      },
    },
  },
  'CSP nonce function': {
    contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce], styleSrc: [nonce] } },
  },
}

for (const [label, options] of Object.entries(OPTION_SETS)) {
  test(`secureHeaders matches helmet header for header: ${label}`, () => {
    let ours = options
    // dangerouslyDisableDefaultSrc is a symbol; each library only knows its own.
    if (label === 'CSP default-src disabled on purpose') {
      ours = structuredCloneWithSymbol(
        options,
        secureHeaders.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
      )
      assert.deepEqual(run(secureHeaders(ours)), run(helmet(options)))
      return
    }
    const result = same(options)
    assert.equal(result.next, undefined)
  })
}

function structuredCloneWithSymbol(options, symbol) {
  return {
    contentSecurityPolicy: {
      ...options.contentSecurityPolicy,
      directives: { ...options.contentSecurityPolicy.directives, defaultSrc: symbol },
    },
  }
}

test('helmet 8 defaults, spelled out', () => {
  const { headers } = run(secureHeaders())
  assert.deepEqual(Object.fromEntries(headers), {
    'content-security-policy':
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  })
})

test('each per-header middleware matches helmet’s, including legacy aliases', () => {
  const cases = [
    ['contentSecurityPolicy', { directives: { scriptSrc: ["'self'", nonce] } }],
    ['contentSecurityPolicy', { reportOnly: true }],
    ['crossOriginEmbedderPolicy', {}],
    ['crossOriginEmbedderPolicy', { policy: 'unsafe-none' }],
    ['crossOriginOpenerPolicy', { policy: 'noopener-allow-popups' }],
    ['crossOriginResourcePolicy', { policy: 'same-site' }],
    ['originAgentCluster', undefined],
    ['referrerPolicy', { policy: '' }],
    ['strictTransportSecurity', { maxAge: 0 }],
    ['xContentTypeOptions', undefined],
    ['xDnsPrefetchControl', {}],
    ['xDownloadOptions', undefined],
    ['xFrameOptions', { action: 'DENY' }],
    ['xPermittedCrossDomainPolicies', { permittedPolicies: 'master-only' }],
    ['xPoweredBy', undefined],
    ['xXssProtection', undefined],
    ['dnsPrefetchControl', { allow: true }],
    ['xssFilter', undefined],
    ['permittedCrossDomainPolicies', {}],
    ['ieNoOpen', undefined],
    ['noSniff', undefined],
    ['frameguard', { action: 'sameorigin' }],
    ['hidePoweredBy', undefined],
    ['hsts', { preload: true }],
  ]
  for (const [name, options] of cases) {
    assert.equal(typeof secureHeaders[name], 'function', name)
    assert.deepEqual(run(secureHeaders[name](options)), run(helmet[name](options)), name)
  }
  assert.deepEqual(
    secureHeaders.contentSecurityPolicy.getDefaultDirectives(),
    helmet.contentSecurityPolicy.getDefaultDirectives(),
  )
  assert.equal(typeof secureHeaders.contentSecurityPolicy.dangerouslyDisableDefaultSrc, 'symbol')
})

test('start-up errors are thrown where helmet throws them, with the same messages', () => {
  const bad = [
    { contentSecurityPolicy: { directives: { defaultSrc: null } } },
    { contentSecurityPolicy: { useDefaults: false, directives: {} } },
    { contentSecurityPolicy: { useDefaults: false, directives: { scriptSrc: ["'self'"] } } },
    { contentSecurityPolicy: { directives: { scriptSrc: ['self'] } } },
    { contentSecurityPolicy: { directives: { scriptSrc: ['nonce-abc'] } } },
    { contentSecurityPolicy: { directives: { scriptSrc: ["'self'; object-src *"] } } },
    { contentSecurityPolicy: { directives: { 'script src': ["'self'"] } } },
    { contentSecurityPolicy: { directives: { scriptSrc: ["'self'"], 'script-src': ["'self'"] } } },
    { contentSecurityPolicy: { directives: { scriptSrc: false } } },
    { crossOriginEmbedderPolicy: { policy: 'nope' } },
    { crossOriginOpenerPolicy: { policy: 'nope' } },
    { crossOriginResourcePolicy: { policy: 'nope' } },
    { referrerPolicy: { policy: [] } },
    { referrerPolicy: { policy: 'nope' } },
    { referrerPolicy: { policy: ['origin', 'origin'] } },
    { strictTransportSecurity: { maxAge: -1 } },
    { strictTransportSecurity: { maxAge: Infinity } },
    { strictTransportSecurity: { maxage: 1 } },
    { strictTransportSecurity: { includeSubdomains: true } },
    { strictTransportSecurity: {}, hsts: {} },
    { xContentTypeOptions: true, noSniff: true },
    { xDnsPrefetchControl: true, dnsPrefetchControl: true },
    { xDownloadOptions: true, ieNoOpen: true },
    { xFrameOptions: { action: 'allow-from' } },
    { xFrameOptions: true, frameguard: true },
    { xPermittedCrossDomainPolicies: { permittedPolicies: 'nope' } },
    { xPermittedCrossDomainPolicies: true, permittedCrossDomainPolicies: true },
    { xPoweredBy: true, hidePoweredBy: true },
    { xXssProtection: true, xssFilter: true },
  ]
  for (const options of bad) {
    let helmetMessage
    assert.throws(
      () => helmet(options),
      (err) => {
        helmetMessage = err.message
        return true
      },
    )
    assert.throws(
      () => secureHeaders(options),
      (err) => err instanceof Error && err.message === helmetMessage,
      `${JSON.stringify(options)} should throw ${helmetMessage}`,
    )
  }
  // The `app.use(secureHeaders)` mistake.
  const req = new http.IncomingMessage(new net.Socket())
  assert.throws(() => secureHeaders(req), /app\.use\(secureHeaders\(\)\)/)
})

test('stricter than helmet: unknown options and wrong types fail at start-up', () => {
  assert.throws(
    () => secureHeaders({ contentSecurityPolicies: false }),
    /unknown option "contentSecurityPolicies"/,
  )
  assert.throws(() => secureHeaders({ referrerPolicy: 'no-referrer' }), /options must be an object/)
  assert.throws(() => secureHeaders({ preset: 'web' }), /unknown preset/)
  assert.throws(() => secureHeaders({ cacheControl: 5 }), /cacheControl/)
  assert.throws(
    () =>
      secureHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ['https://a.example\r\nX: y'] } } }),
    /Invalid character/,
  )
})

test('the api preset: default-src none, frame-ancestors none, Cache-Control no-store', () => {
  for (const middleware of [secureHeaders.api(), secureHeaders({ preset: 'api' })]) {
    const headers = Object.fromEntries(run(middleware).headers)
    assert.equal(headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'")
    assert.equal(headers['cache-control'], 'no-store')
    assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
    assert.equal(headers['x-content-type-options'], 'nosniff')
    assert.equal(headers['x-powered-by'], undefined)
  }
  const custom = Object.fromEntries(
    run(secureHeaders.api({ cacheControl: 'no-store, private', contentSecurityPolicy: { reportOnly: true } }))
      .headers,
  )
  assert.equal(custom['cache-control'], 'no-store, private')
  assert.equal(custom['content-security-policy-report-only'], "default-src 'none'; frame-ancestors 'none'")
  const noCache = Object.fromEntries(run(secureHeaders.api({ cacheControl: false })).headers)
  assert.equal(noCache['cache-control'], undefined)
  // Cache-Control is available without the preset too.
  assert.equal(
    Object.fromEntries(run(secureHeaders({ cacheControl: true })).headers)['cache-control'],
    'no-store',
  )
})

test('nonce functions run per request with (req, res); bad results go to next(err)', () => {
  const seen = []
  const middleware = secureHeaders({
    contentSecurityPolicy: {
      directives: {
        scriptSrc: [
          "'self'",
          (req, res) => {
            seen.push([req.method, typeof res.setHeader])
            return `'nonce-${res.getHeader('x-test-nonce')}'`
          },
        ],
      },
    },
  })
  const a = run(middleware, { prepare: (res) => res.setHeader('x-test-nonce', 'one') })
  const b = run(middleware, { prepare: (res) => res.setHeader('x-test-nonce', 'two') })
  assert.match(Object.fromEntries(a.headers)['content-security-policy'], /script-src 'self' 'nonce-one';/)
  assert.match(Object.fromEntries(b.headers)['content-security-policy'], /script-src 'self' 'nonce-two';/)
  assert.deepEqual(seen, [
    ['GET', 'function'],
    ['GET', 'function'],
  ])

  for (const fn of [
    () => 'nonce-unquoted',
    () => "'a'; script-src *",
    () => 42,
    () => {
      throw new Error('boom')
    },
  ]) {
    const opts = { contentSecurityPolicy: { directives: { scriptSrc: [fn] } } }
    const ours = run(secureHeaders(opts))
    assert.ok(ours.next instanceof Error, String(fn))
    assert.equal(
      ours.headers.find(([name]) => name === 'content-security-policy'),
      undefined,
      'no CSP is sent when it cannot be built',
    )
  }
})

test('works through a patched setHeader and on a response that already has headers', () => {
  const calls = []
  const { headers } = run(secureHeaders(), {
    prepare(res) {
      const original = res.setHeader
      res.setHeader = function (name, value) {
        calls.push(name)
        return original.call(this, name, value)
      }
      res.setHeader('X-Frame-Options', 'ALLOWALL')
    },
  })
  assert.ok(calls.includes('Strict-Transport-Security'), 'the patched setHeader saw every header')
  assert.equal(Object.fromEntries(headers)['x-frame-options'], 'SAMEORIGIN')
  assert.deepEqual(run(secureHeaders(), { prepare: (res) => res.setHeader('Vary', 'Origin') }).headers[0], [
    'vary',
    'Origin',
  ])
})

test('after the headers were sent, it throws like setHeader would', () => {
  const req = new http.IncomingMessage(new net.Socket())
  const res = new http.ServerResponse(req)
  res._header = 'HTTP/1.1 200 OK\r\n\r\n'
  assert.throws(() => secureHeaders()(req, res, () => {}), { code: 'ERR_HTTP_HEADERS_SENT' })
})

test('over HTTP with Express 5: helmet’s headers, no X-Powered-By', async (t) => {
  const app = express()
  app.get('/ours', secureHeaders(), (_req, res) => res.json({ ok: true }))
  app.get('/theirs', helmet(), (_req, res) => res.json({ ok: true }))
  app.get('/api', secureHeaders.api(), (_req, res) => res.json({ ok: true }))
  const { url: base, close } = await serve(app)
  t.after(close)
  const pick = (res) => {
    const out = {}
    for (const [k, v] of res.headers) if (!['date', 'etag'].includes(k)) out[k] = v
    return out
  }
  const [ours, theirs, api] = await Promise.all(['/ours', '/theirs', '/api'].map((p) => fetch(base + p)))
  assert.deepEqual(pick(ours), pick(theirs))
  assert.equal(ours.headers.get('x-powered-by'), null)
  assert.equal(api.headers.get('cache-control'), 'no-store')
  assert.equal(api.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'")
})

test('plain node:http server, no Express', async (t) => {
  const middleware = secureHeaders()
  const { url, close } = await serve((req, res) => middleware(req, res, () => res.end('ok')))
  t.after(close)
  const res = await fetch(`${url}/`)
  assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN')
  assert.equal(await res.text(), 'ok')
})

test('require() returns secureHeaders itself; ESM has the same names', async () => {
  assert.equal(typeof secureHeaders, 'function')
  assert.equal(secureHeaders.secureHeaders, secureHeaders)
  assert.equal(secureHeaders.default, secureHeaders)
  const esm = await import('../lib/esm/headers.mjs')
  assert.equal(esm.default, secureHeaders)
  for (const name of Object.keys(helmet)) {
    if (name === 'default') continue
    assert.equal(typeof secureHeaders[name], 'function', `CommonJS export ${name}`)
    assert.equal(esm[name], secureHeaders[name], `ESM export ${name}`)
  }
})

// Header removal goes through removeHeader: deleting the table entry skips node's bookkeeping
// (sendDate, _removedContLen, _removedTE, _removedConnection), so node added the header back.
test('removing a header removes it on the wire (Date, Connection, X-Powered-By)', async () => {
  const { compileHeaders } = require('../lib/headers/set-headers')
  const write = compileHeaders([['X-Kept', 'yes']], ['Date', 'X-Powered-By', 'Connection'])
  const s = await serve((req, res) => {
    res.setHeader('X-Powered-By', 'Express')
    write(res)
    res.end('ok')
  })
  try {
    const head = (await rawHead(Number(new URL(s.url).port))).split('\r\n')
    const names = head.slice(1).map((line) => line.slice(0, line.indexOf(':')).toLowerCase())
    assert.ok(names.includes('x-kept'), head.join('\n'))
    for (const gone of ['date', 'x-powered-by', 'connection']) {
      assert.ok(!names.includes(gone), `${gone} is still sent:\n${head.join('\n')}`)
    }
  } finally {
    await s.close()
  }
})

test('secureHeaders() sends no X-Powered-By on the wire; rawHeaders agree', async () => {
  const app = express()
  app.use(secureHeaders())
  app.get('/', (_req, res) => res.send('ok'))
  const s = await serve(app)
  try {
    const rawHeaders = await new Promise((resolve, reject) =>
      http
        .get(s.url, (res) => {
          res.resume()
          resolve(res.rawHeaders)
        })
        .on('error', reject),
    )
    const names = rawHeaders.filter((_v, i) => i % 2 === 0).map((n) => n.toLowerCase())
    assert.ok(!names.includes('x-powered-by'))
    assert.ok(names.includes('date'), 'node still sends Date when nobody removed it')
  } finally {
    await s.close()
  }
})
