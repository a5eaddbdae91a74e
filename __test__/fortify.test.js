'use strict'
// fortify(): secure headers, CORS, a global rate limit and the body parser, in order, as one middleware.
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const { fortify, errorHandler } = require('rampart')
const { serve } = require('./helpers/serve')

/** Serves `app` until the test ends; returns its base URL. */
async function serveFor(t, app) {
  const { url, close } = await serve(app)
  t.after(close)
  return url
}

function echoApp(options) {
  const app = express()
  app.use(fortify(options))
  app.post('/echo', (req, res) => res.json({ body: req.body ?? null }))
  app.get('/', (_req, res) => res.json({ ok: true }))
  app.use(errorHandler({ logger: { error() {} } }))
  return app
}

test('defaults: helmet headers, a global limit with draft-8 headers, the JSON parser; no CORS', async (t) => {
  const base = await serveFor(t, echoApp())
  const res = await fetch(`${base}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
    body: '{"a":1}',
  })
  assert.strictEqual(res.status, 200)
  assert.deepStrictEqual(await res.json(), { body: { a: 1 } })
  assert.strictEqual(res.headers.get('x-frame-options'), 'SAMEORIGIN')
  assert.strictEqual(res.headers.get('x-powered-by'), null)
  assert.match(res.headers.get('ratelimit-policy'), /q=600; w=60/)
  assert.strictEqual(res.headers.get('access-control-allow-origin'), null)
})

test('each piece takes its own options, and false leaves it out', async (t) => {
  const base = await serveFor(
    t,
    echoApp({
      headers: false,
      cors: { origin: 'https://app.example' },
      rateLimit: { limit: 2, windowMs: 60_000 },
      json: { limit: '10b' },
    }),
  )
  const first = await fetch(`${base}/`, { headers: { origin: 'https://app.example' } })
  assert.strictEqual(first.headers.get('access-control-allow-origin'), 'https://app.example')
  assert.strictEqual(first.headers.get('x-frame-options'), null)

  const tooLarge = await fetch(`${base}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":"0123456789"}',
  })
  assert.strictEqual(tooLarge.status, 413)
  assert.match(tooLarge.headers.get('content-type'), /problem\+json/)

  const limited = await fetch(`${base}/`)
  assert.strictEqual(limited.status, 429)
})

test('the order is headers, CORS, rate limit, body: a limited request still carries headers and CORS', async (t) => {
  const base = await serveFor(
    t,
    echoApp({ cors: { origin: 'https://app.example' }, rateLimit: { limit: 1 } }),
  )
  await fetch(`${base}/`)
  const limited = await fetch(`${base}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://app.example' },
    body: '{"never":"parsed"}',
  })
  assert.strictEqual(limited.status, 429)
  assert.strictEqual(limited.headers.get('x-content-type-options'), 'nosniff')
  assert.strictEqual(limited.headers.get('access-control-allow-origin'), 'https://app.example')
})

test('json: false lets another body parser see the body', async (t) => {
  const app = express()
  app.use(fortify({ json: false }))
  app.use(express.text({ type: '*/*' }))
  app.post('/', (req, res) => res.send(`got ${req.body}`))
  const base = await serveFor(t, app)
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  assert.strictEqual(await res.text(), 'got {}')
})

test('works under plain node:http and passes errors to the final handler', async (t) => {
  const middleware = fortify({ rateLimit: false })
  const base = await serveFor(t, (req, res) =>
    middleware(req, res, (err) => {
      res.statusCode = err ? err.status || 500 : 200
      res.end(err ? err.type || 'error' : JSON.stringify(req.body))
    }),
  )
  const ok = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[1]',
  })
  assert.strictEqual(await ok.text(), '[1]')
  assert.ok(ok.headers.get('content-security-policy'))
  const bad = await fetch(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  })
  assert.strictEqual(bad.status, 400)
  assert.strictEqual(await bad.text(), 'entity.parse.failed')
})

test('start-up errors: a wrong option shape or name, and the pieces’ own checks', () => {
  assert.throws(() => fortify('yes'), TypeError)
  assert.throws(() => fortify({ helmet: {} }), /does not know the option\(s\) helmet/)
  assert.throws(() => fortify({ cors: { origin: '*', credentials: true } }))
  assert.strictEqual(fortify({ headers: false, rateLimit: false, json: false }).stack.length, 0)
  assert.strictEqual(fortify().stack.length, 3)
})
