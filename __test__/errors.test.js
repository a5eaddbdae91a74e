'use strict'
// rampart/errors: RFC 9457 problem details over real HTTP (Express 5), the statuses and
// headers the contract names, no 5xx leaks, X-Request-Id, and a real pino logger.
const test = require('node:test')
const assert = require('node:assert/strict')
const { Writable } = require('node:stream')
const express = require('express')
const createError = require('http-errors')
const pino = require('pino')
const { errorHandler, notFound, HttpError } = require('../lib/errors')
const { serve: listen } = require('./helpers/serve')

function named(name, props = {}, message = name) {
  const err = new Error(message)
  err.name = name
  return Object.assign(err, props)
}

function memoryPino() {
  const lines = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line))
      cb()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

/** Starts an app whose routes throw the given errors; returns { base, close }. */
async function serve(routes, options, extra) {
  const app = express()
  if (extra) extra(app)
  for (const [path, handler] of Object.entries(routes)) app.all(path, handler)
  app.use(errorHandler(options))
  const { url, close } = await listen(app)
  return { base: url, close }
}

async function problem(url, init) {
  const res = await fetch(url, init)
  const text = await res.text()
  return { res, status: res.status, body: text ? JSON.parse(text) : undefined, text }
}

const thrower = (errOrFn) => (req) => {
  throw typeof errOrFn === 'function' ? errOrFn(req) : errOrFn
}

test('maps rampart, jwt, body-parser and http-errors errors to the right status and problem body', async (t) => {
  const { logger, lines } = memoryPino()
  const { base, close } = await serve(
    {
      '/unauthorized-missing': thrower(
        named(
          'UnauthorizedError',
          { status: 401, code: 'credentials_required' },
          'No authorization token was found',
        ),
      ),
      '/unauthorized-expired': thrower(
        named(
          'UnauthorizedError',
          { status: 401, code: 'invalid_token', inner: named('TokenExpiredError') },
          'jwt expired',
        ),
      ),
      '/jwt-error': thrower(named('JsonWebTokenError', {}, 'invalid signature')),
      '/expired': thrower(named('TokenExpiredError', { expiredAt: new Date(0) }, 'jwt expired')),
      '/forbidden': thrower(named('ForbiddenError', { status: 403 }, 'Forbidden')),
      '/scope': thrower(
        named('ForbiddenError', { status: 403, code: 'insufficient_scope' }, 'missing scope'),
      ),
      '/validation': thrower(
        named(
          'ValidationError',
          {
            status: 400,
            details: [
              { location: 'body', path: '/email', message: 'must match format "email"', keyword: 'format' },
              {
                location: 'query',
                path: '/limit',
                message: 'must be <= 100',
                keyword: 'maximum',
                secret: 'x',
              },
            ],
          },
          'request validation failed',
        ),
      ),
      '/not-found': thrower(new HttpError(404)),
      '/gone': thrower(createError(410, 'This item was deleted')),
      '/unsupported': thrower(createError(415, 'Unsupported Media Type', { type: 'charset.unsupported' })),
      '/teapot-hidden': thrower(createError(418, 'private note', { expose: false })),
    },
    { logger },
    (app) => {
      app.post('/json', express.json({ limit: 20 }), (req, res) => res.json(req.body))
    },
  )
  t.after(close)

  const cases = [
    ['/unauthorized-missing', 401, 'credentials_required', 'Bearer'],
    ['/unauthorized-expired', 401, 'invalid_token', 'Bearer error="invalid_token"'],
    ['/jwt-error', 401, 'invalid_token', 'Bearer error="invalid_token"'],
    ['/expired', 401, 'token_expired', 'Bearer error="invalid_token"'],
    ['/forbidden', 403, 'forbidden', null],
    ['/scope', 403, 'insufficient_scope', 'Bearer error="insufficient_scope"'],
    ['/validation', 400, 'validation_failed', null],
    ['/not-found', 404, 'not_found', null],
    ['/gone', 410, 'gone', null],
    ['/unsupported', 415, 'charset_unsupported', null],
    ['/teapot-hidden', 418, 'i_m_a_teapot', null],
  ]
  for (const [path, status, code, challenge] of cases) {
    const { res, body } = await problem(base + path)
    assert.equal(res.status, status, path)
    assert.equal(res.headers.get('content-type'), 'application/problem+json', path)
    assert.equal(body.type, 'about:blank', path)
    assert.equal(body.status, status, path)
    assert.equal(body.title, require('node:http').STATUS_CODES[status], path)
    assert.equal(body.code, code, path)
    assert.equal(res.headers.get('www-authenticate'), challenge, path)
    assert.match(res.headers.get('x-request-id'), /^[0-9a-f-]{36}$/, path)
  }
  assert.equal((await problem(base + '/unauthorized-expired')).body.detail, 'jwt expired')
  assert.equal(
    (await problem(base + '/teapot-hidden')).body.detail,
    undefined,
    'expose: false hides the message',
  )
  const validation = (await problem(base + '/validation')).body
  assert.equal(validation.detail, 'request validation failed')
  assert.deepEqual(validation.errors, [
    { location: 'body', path: '/email', message: 'must match format "email"', keyword: 'format' },
    { location: 'query', path: '/limit', message: 'must be <= 100', keyword: 'maximum' },
  ])

  // body-parser: too large → 413, bad JSON → 400, unsupported charset → 415.
  const post = (body, type = 'application/json') =>
    problem(base + '/json', { method: 'POST', headers: { 'content-type': type }, body })
  let r = await post(JSON.stringify({ big: 'x'.repeat(100) }))
  assert.equal(r.status, 413)
  assert.equal(r.body.code, 'entity_too_large')
  r = await post('{"a":')
  assert.equal(r.status, 400)
  assert.equal(r.body.code, 'entity_parse_failed')
  r = await post('{}', 'application/json; charset=klingon')
  assert.equal(r.status, 415)
  assert.equal(r.body.code, 'charset_unsupported')

  assert.equal(lines.length, 0, '4xx are not logged as errors')
})

test('a 5xx never shows its message, stack or cause; pino gets all of it with the request id', async (t) => {
  const { logger, lines } = memoryPino()
  const secret = 'password=hunter2 at db.internal:5432'
  const { base, close } = await serve(
    {
      '/boom': thrower(new Error(secret, { cause: new Error('cause: ' + secret) })),
      '/string': thrower(secret),
      '/http-500': thrower(createError(500, secret)),
      '/http-503-exposed': thrower(createError(503, secret, { expose: true })),
      '/maintenance': thrower(
        new HttpError(503, secret, {
          expose: true,
          detail: 'Down for maintenance',
          code: 'maintenance',
          retryAfter: 120,
        }),
      ),
      '/bad-status': thrower(named('Error', { status: 200, code: 'ECONNREFUSED' }, secret)),
      '/async': async () => {
        await new Promise((resolve) => setImmediate(resolve))
        throw new TypeError(secret)
      },
    },
    { logger },
  )
  t.after(close)
  const paths = [
    '/boom',
    '/string',
    '/http-500',
    '/http-503-exposed',
    '/maintenance',
    '/bad-status',
    '/async',
  ]
  for (const path of paths) {
    const { res, body, text } = await problem(base + path, {
      headers: { 'x-request-id': 'req-' + path.slice(1) },
    })
    assert.ok(res.status >= 500, path)
    assert.ok(!text.includes('hunter2'), `${path} leaked: ${text}`)
    assert.ok(!/at .*\.js:\d+/.test(text), `${path} leaked a stack`)
    assert.equal(res.headers.get('x-request-id'), 'req-' + path.slice(1))
    assert.equal(body.type, 'about:blank')
    assert.ok(!('errors' in body))
    if (path !== '/maintenance') assert.equal(body.detail, undefined, path)
  }
  const maintenance = await problem(base + '/maintenance')
  assert.equal(maintenance.body.detail, 'Down for maintenance')
  assert.equal(maintenance.body.code, 'maintenance')
  assert.equal(maintenance.res.headers.get('retry-after'), '120')
  assert.equal((await problem(base + '/bad-status')).body.code, 'internal_server_error')

  const logged = lines.filter((l) => l.requestId && l.requestId.startsWith('req-'))
  assert.equal(logged.length, paths.length)
  for (const line of logged) {
    assert.equal(line.level, 50, 'pino error level')
    assert.ok(line.status >= 500)
    assert.equal(line.method, 'GET')
    assert.match(line.msg, /request failed/)
  }
  const boom = logged.find((l) => l.requestId === 'req-boom')
  assert.match(boom.err.message, /hunter2/)
  assert.match(boom.err.stack, /errors\.test\.js/)
  assert.match(JSON.stringify(boom.err), /cause: password/)
  assert.equal(boom.url, '/boom')
})

test('X-Request-Id: echoes a safe incoming id, replaces an unsafe one', async (t) => {
  const { base, close } = await serve({ '/x': thrower(new HttpError(404)) })
  t.after(close)
  const id = async (value) =>
    (await fetch(base + '/x', value === undefined ? {} : { headers: { 'x-request-id': value } })).headers.get(
      'x-request-id',
    )
  for (const ok of ['a', 'A-z.0_9:1', 'x'.repeat(128), '3f2c1b7e-90aa-4d2b-a3e1-2c5e0f9b8d11']) {
    assert.equal(await id(ok), ok)
  }
  for (const bad of ['x'.repeat(129), 'has space', '<script>', 'a/b', 'é', '']) {
    const got = await id(bad)
    assert.notEqual(got, bad)
    assert.match(got, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  }
  assert.match(await id(undefined), /^[0-9a-f-]{36}$/)
  const a = await id(undefined)
  const b = await id(undefined)
  assert.notEqual(a, b)
})

test('429: keeps a Retry-After already set, else takes err.retryAfter', async (t) => {
  const { base, close } = await serve({
    '/preset': (_req, res) => {
      res.setHeader('Retry-After', '7')
      throw new HttpError(429, { retryAfter: 99 })
    },
    '/from-error': thrower(new HttpError(429, 'slow down', { retryAfter: 12.2 })),
    '/limiter-shape': thrower(
      named('Error', { status: 429, retryAfter: 30 }, 'Too many requests, please try again later.'),
    ),
    '/none': thrower(new HttpError(429)),
  })
  t.after(close)
  const retry = async (p) => {
    const { res, body } = await problem(base + p)
    assert.equal(res.status, 429)
    assert.equal(
      body.code,
      p === '/none' || p === '/preset' || p === '/from-error' ? 'too_many_requests' : body.code,
    )
    return res.headers.get('retry-after')
  }
  assert.equal(await retry('/preset'), '7')
  assert.equal(await retry('/from-error'), '13')
  assert.equal(await retry('/limiter-shape'), '30')
  assert.equal(await retry('/none'), null)
})

test('401 keeps a WWW-Authenticate already set; http-errors headers are applied', async (t) => {
  const { base, close } = await serve({
    '/basic': (_req, res) => {
      res.setHeader('WWW-Authenticate', 'Basic realm="admin"')
      throw createError(401)
    },
    '/method': thrower(createError(405, { headers: { Allow: 'GET, POST' } })),
  })
  t.after(close)
  assert.equal((await fetch(base + '/basic')).headers.get('www-authenticate'), 'Basic realm="admin"')
  const method = await fetch(base + '/method')
  assert.equal(method.status, 405)
  assert.equal(method.headers.get('allow'), 'GET, POST')
})

test('headers already sent: hands over to next(err)', async (t) => {
  const { base, close } = await serve(
    {
      '/stream': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('partial')
        throw new Error('late failure')
      },
    },
    { logger: { error() {} } },
    (app) => app.set('env', 'test'), // keep Express's final handler quiet
  )
  t.after(close)
  const res = await fetch(base + '/stream')
  assert.equal(res.status, 200)
  // Express's final handler destroys the socket: the body is cut short.
  await assert.rejects(res.text())
})

test('HEAD gets the headers and no body; the problem body is never cached', async (t) => {
  const { base, close } = await serve({ '/x': thrower(new HttpError(404)) })
  t.after(close)
  const res = await fetch(base + '/x', { method: 'HEAD' })
  assert.equal(res.status, 404)
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  assert.equal(res.headers.get('cache-control'), 'no-store')
  assert.equal(await res.text(), '')
})

test('typeBase gives each code a problem type URI; an error’s own type URI wins', async (t) => {
  const { base, close } = await serve(
    {
      '/a': thrower(new HttpError(409, 'taken', { code: 'email_taken' })),
      '/b': thrower(new HttpError(409, 'taken', { type: 'https://errors.example.com/conflict' })),
    },
    { typeBase: 'https://example.com/problems/' },
  )
  t.after(close)
  assert.equal((await problem(base + '/a')).body.type, 'https://example.com/problems/email_taken')
  assert.equal((await problem(base + '/b')).body.type, 'https://errors.example.com/conflict')
})

test('defaults to console.error; a broken logger does not stop the response', async (t) => {
  const calls = []
  t.mock.method(console, 'error', (...args) => calls.push(args))
  const a = await serve({ '/x': thrower(new Error('console me')) })
  t.after(a.close)
  assert.equal((await fetch(a.base + '/x')).status, 500)
  assert.equal(calls.length, 1)
  assert.match(calls[0][1].err.message, /console me/)

  const b = await serve(
    { '/x': thrower(new Error('x')) },
    {
      logger: {
        error() {
          throw new Error('logger down')
        },
      },
    },
  )
  t.after(b.close)
  assert.equal((await fetch(b.base + '/x')).status, 500)
})

test('start-up checks on options', () => {
  assert.throws(() => errorHandler({ logger: {} }), /logger/)
  assert.throws(() => errorHandler({ log: console }), /unknown option "log"/)
  assert.throws(() => errorHandler({ typeBase: 'problems/' }), /typeBase/)
  assert.throws(() => errorHandler(null), /options must be an object/)
  assert.equal(errorHandler().length, 4, 'Express recognises it as error middleware')
})

test('HttpError: status, statusCode, expose, code, cause, extension members', () => {
  const e = new HttpError(409, 'Email already registered', { code: 'email_taken', field: 'email' })
  assert.ok(e instanceof Error)
  assert.equal(e.name, 'HttpError')
  assert.equal(e.message, 'Email already registered')
  assert.equal(e.status, 409)
  assert.equal(e.statusCode, 409)
  assert.equal(e.expose, true)
  assert.equal(e.code, 'email_taken')
  assert.equal(e.field, 'email')
  const cause = new Error('root')
  const s = new HttpError(502, undefined, { cause })
  assert.equal(s.message, 'Bad Gateway')
  assert.equal(s.expose, false)
  assert.equal(s.cause, cause)
  assert.equal(new HttpError(404).message, 'Not Found')
  assert.equal(new HttpError(429, { retryAfter: 5 }).retryAfter, 5)
  assert.equal(new HttpError(400, 'x', { status: 500 }).status, 400, 'properties cannot change the status')
  for (const bad of [200, 399, 600, 404.5, '404', undefined]) {
    assert.throws(() => new HttpError(bad), TypeError)
  }
})

test('plain node:http: works without Express', async (t) => {
  const handler = errorHandler({ logger: { error() {} } })
  const { url, close } = await listen((req, res) => handler(new HttpError(404), req, res, () => {}))
  t.after(close)
  const { status, body } = await problem(`${url}/`)
  assert.equal(status, 404)
  assert.equal(body.title, 'Not Found')
})

test('notFound(): unmatched routes get a problem+json 404', async (t) => {
  const app = express()
  app.get('/here', (_req, res) => res.send('ok'))
  app.use(notFound())
  app.use(errorHandler())
  const { url, close } = await listen(app)
  t.after(close)
  const { status, res, body } = await problem(`${url}/missing?q=1`, {
    method: 'DELETE',
  })
  assert.equal(status, 404)
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  assert.deepEqual(body, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'Cannot DELETE /missing',
    code: 'not_found',
  })
})

test('ESM exports', async () => {
  assert.equal((await import('../lib/esm/errors.mjs')).notFound, notFound)
  const esm = await import('../lib/esm/errors.mjs')
  assert.equal(esm.errorHandler, errorHandler)
  assert.equal(esm.HttpError, HttpError)
  assert.equal(esm.events, require('../lib/events').events)
})

test('a long 4xx message is cut, and unknown error fields never reach the body', async (t) => {
  const { base, close } = await serve({
    '/long': thrower(new HttpError(400, 'x'.repeat(5000), { internal: 'db-host-7', stackHint: 'secret' })),
  })
  t.after(close)
  const { body, text } = await problem(base + '/long')
  assert.ok(body.detail.length <= 1001)
  assert.ok(!text.includes('db-host-7') && !text.includes('secret'))
  assert.deepEqual(Object.keys(body), ['type', 'title', 'status', 'detail', 'code'])
})

test('tolerates a request with no headers, method, url or ip', () => {
  const http = require('node:http')
  const res = new http.ServerResponse(new http.IncomingMessage(null))
  let body = ''
  res.end = (chunk) => {
    body = chunk
  }
  errorHandler({ logger: { error() {} } })(new Error('x'), {}, res, () => assert.fail('next'))
  assert.equal(res.statusCode, 500)
  assert.equal(JSON.parse(body).status, 500)
  assert.match(res.getHeader('x-request-id'), /^[0-9a-f-]{36}$/)
  notFound()({}, res, (err) => assert.equal(err.status, 404))
})
