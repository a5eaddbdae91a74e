'use strict'
// validate() over real HTTP on Express 5: ValidationError with every failure, coercion of
// query and params, and the cleaned values visible to the handler (req.query is a getter
// in Express 5).
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const { validate, json, ValidationError } = require('../lib/validate')
const { events } = require('../lib/events')
const { serve: listen } = require('./helpers/serve')

async function serve(app) {
  app.use((err, req, res, _next) => {
    res
      .status(err.status || 500)
      .json({ name: err.name, type: err.type, message: err.message, details: err.details })
  })
  const { url, close } = await listen(app)
  return { base: url, close }
}

const post = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

test('query and params are coerced, defaulted and cleaned, and the handler sees them', async () => {
  const app = express()
  app.get(
    '/items/:id',
    validate(
      {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        query: {
          type: 'object',
          properties: {
            limit: { type: 'integer', default: 10, maximum: 100 },
            active: { type: 'boolean' },
            tags: { type: 'array', items: { type: 'string' } },
          },
          additionalProperties: false,
        },
      },
      { useDefaults: true, removeAdditional: true },
    ),
    (req, res) => res.json({ params: req.params, query: req.query }),
  )
  const { base, close } = await serve(app)
  try {
    const res = await fetch(`${base}/items/42?active=true&tags=a&junk=1`)
    assert.strictEqual(res.status, 200)
    assert.deepStrictEqual(await res.json(), {
      params: { id: 42 },
      query: { limit: 10, active: true, tags: ['a'] },
    })
  } finally {
    await close()
  }
})

test('a failing request gets a ValidationError listing every failure of every location', async () => {
  const app = express()
  const seen = []
  const listener = (e) => seen.push(e)
  events.on('validation.failed', listener)
  app.post(
    '/users/:id',
    json(),
    validate({
      params: { type: 'object', properties: { id: { type: 'integer' } } },
      body: {
        type: 'object',
        required: ['email'],
        properties: { email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0 } },
        additionalProperties: false,
      },
      headers: { type: 'object', properties: { 'x-version': { type: 'integer' } }, required: ['x-version'] },
    }),
    (req, res) => res.json({ ok: true }),
  )
  const { base, close } = await serve(app)
  try {
    const res = await fetch(`${base}/users/abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-version': 'two' },
      body: JSON.stringify({ email: 'nope', age: -1, admin: true }),
    })
    assert.strictEqual(res.status, 400)
    const body = await res.json()
    assert.strictEqual(body.name, 'ValidationError')
    const got = body.details.map((d) => `${d.location} ${d.path} ${d.keyword}`).sort()
    assert.deepStrictEqual(got, [
      'body  additionalProperties',
      'body /age minimum',
      'body /email format',
      'headers /x-version type',
      'params /id type',
    ])
    for (const d of body.details) assert.strictEqual(typeof d.message, 'string')
    assert.strictEqual(seen.length, 1)
    assert.strictEqual(seen[0].type, 'validation.failed')
    assert.strictEqual(seen[0].method, 'POST')

    const ok = await fetch(`${base}/users/7`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-version': '2' },
      body: JSON.stringify({ email: 'a@example.com', age: 3 }),
    })
    assert.strictEqual(ok.status, 200)
  } finally {
    events.off('validation.failed', listener)
    await close()
  }
})

test('body defaults and coercion reach the handler; a missing body is reported', async () => {
  const app = express()
  app.use(json())
  app.post(
    '/search',
    validate(
      {
        body: {
          type: 'object',
          properties: { page: { type: 'integer', default: 1 }, q: { type: 'string' } },
        },
      },
      { useDefaults: true },
    ),
    (req, res) => res.json(req.body),
  )
  const { base, close } = await serve(app)
  try {
    const res = await post(`${base}/search`, { q: 'x' })
    assert.deepStrictEqual(await res.json(), { q: 'x', page: 1 })
    const none = await fetch(`${base}/search`, { method: 'POST' })
    assert.strictEqual(none.status, 400)
    assert.strictEqual((await none.json()).details[0].keyword, 'required')
  } finally {
    await close()
  }
})

test('works without Express: plain node:http request objects', async () => {
  const mw = validate({ query: { type: 'object', properties: { n: { type: 'integer' } } } })
  const req = { query: { n: '5' }, headers: {} }
  await new Promise((resolve, reject) => mw(req, {}, (err) => (err ? reject(err) : resolve())))
  assert.deepStrictEqual(req.query, { n: 5 })
  const bad = { query: { n: 'x' } }
  const err = await new Promise((resolve) => mw(bad, {}, resolve))
  assert.ok(err instanceof ValidationError)
  assert.strictEqual(err.details[0].location, 'query')
})

test('coercion can be turned off, and wrong set-up fails at start-up', () => {
  const mw = validate({ query: { properties: { n: { type: 'integer' } } } }, { coerceTypes: false })
  let got
  mw({ query: { n: '5' } }, {}, (e) => (got = e))
  assert.ok(got instanceof ValidationError)
  assert.throws(() => validate({ cookies: {} }), /unknown location cookies/)
  assert.throws(() => validate({ body: { type: 'nope' } }), /invalid schema/)
  assert.throws(() => validate({ body: {} }, { $data: true }), /cannot be honoured/)
  assert.throws(() => validate(null), /takes/)
})
