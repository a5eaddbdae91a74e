'use strict'
// rampart/monitor traceEvents(): each security event becomes a span event on the request's
// active OpenTelemetry span (real SDK, in-memory exporter, async-hooks context). The path
// without @opentelemetry/api is in monitor-metrics.test.js (nothing is loaded).
const test = require('node:test')
const anyTap = () => taps.event || taps.rateLimit || taps.jwt
const assert = require('node:assert/strict')
const express = require('express')
const api = require('@opentelemetry/api')
const {
  BasicTracerProvider,
  SimpleSpanProcessor,
  InMemorySpanExporter,
} = require('@opentelemetry/sdk-trace-base')
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks')
const { serve } = require('./helpers/serve')
const { traceEvents } = require('../lib/monitor')
const { report, taps } = require('../lib/events')
const { jwtAuth, authorize } = require('../lib/jwt')
const { json } = require('../lib/validate')

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const contextManager = new AsyncLocalStorageContextManager().enable()
api.context.setGlobalContextManager(contextManager)
api.trace.setGlobalTracerProvider(provider)
test.after(() => {
  api.trace.disable()
  api.context.disable()
})

/** What an HTTP instrumentation does: one active span per request, ended on finish. */
function requestSpans(req, res, next) {
  api.trace.getTracer('test').startActiveSpan(`${req.method} request`, (span) => {
    res.on('finish', () => span.end())
    next()
  })
}

test('events on a request become span events on its span, with semantic-convention attributes', async (t) => {
  exporter.reset()
  const stop = traceEvents({ ip: 'drop' })
  t.after(stop)
  const app = express()
  app.use(requestSpans)
  const requireJwt = jwtAuth({ secret: 's'.repeat(32), algorithms: ['HS256'], credentialsRequired: false })
  app.get('/orders/:id', requireJwt, authorize('admin'), (_req, res) => res.end())
  app.post('/orders', json({ limit: 10 }), (_req, res) => res.end())
  app.get('/ok', (_req, res) => res.end('fine'))
  app.use((err, _req, res, _next) => res.status(err.status || 500).end())
  const srv = await serve(app)
  t.after(() => srv.close())

  assert.equal(
    (await fetch(`${srv.url}/orders/42`, { headers: { authorization: 'Bearer x.y.z' } })).status,
    401,
  )
  const big = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"0123456789"}' }
  assert.equal((await fetch(`${srv.url}/orders`, big)).status, 413)
  assert.equal((await fetch(`${srv.url}/ok`)).status, 200)

  const spans = exporter.getFinishedSpans()
  assert.equal(spans.length, 3)
  const byName = (m) => spans.filter((s) => s.name === m)
  const [get] = byName('GET request').filter((s) => s.events.length > 0)
  assert.equal(get.events.length, 1)
  assert.equal(get.events[0].name, 'rampart.auth.failed')
  const a = get.events[0].attributes
  assert.equal(a['rampart.event.type'], 'auth.failed')
  assert.equal(a['rampart.event.code'], 'invalid_token')
  assert.match(a['rampart.event.reason'], /^invalid_token: /)
  assert.equal(a['http.route'], '/orders/:id')
  assert.equal(a['url.path'], '/orders/42')
  assert.equal(a['http.request.method'], 'GET')
  assert.ok(!('client.address' in a), "ip: 'drop'")

  const [post] = byName('POST request')
  assert.deepEqual(
    post.events.map((e) => [e.name, e.attributes['rampart.event.code']]),
    [['rampart.body.rejected', 'entity.too.large']],
  )
  const ok = byName('GET request').find((s) => s.events.length === 0)
  assert.ok(ok, 'a clean request has no span event')
})

test('no active span: nothing happens; stop() removes the tap', (t) => {
  exporter.reset()
  const stop = traceEvents()
  t.after(stop)
  assert.doesNotThrow(() => report('auth.failed', { ip: '192.0.2.1' }, 'x'))
  api.trace.getTracer('test').startActiveSpan('job', (span) => {
    report('cors.rejected', { ip: '192.0.2.1', method: 'GET', url: '/x' }, 'origin "y" is not allowed')
    span.end()
  })
  const [span] = exporter.getFinishedSpans()
  assert.equal(span.events.length, 1)
  assert.equal(span.events[0].attributes['client.address'], '192.0.2.1')
  assert.equal(span.events[0].attributes['http.route'], 'none')
  stop()
  assert.equal(anyTap(), false)
})

test('bad options fail at start-up', () => {
  assert.throws(() => traceEvents({ ip: 'nope' }), /ip must be one of/)
  assert.throws(() => traceEvents({ tracer: {} }), /unknown option tracer/)
})
