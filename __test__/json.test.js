'use strict'
// json() over real HTTP on Express 5: a drop-in for express.json() (body-parser's errors,
// limit, type, strict, reviver, charset, gzip/deflate/br), plus depth, protoAction, a
// schema checked on the raw bytes, and 415 where the route expects JSON.
const test = require('node:test')
const assert = require('node:assert')
const zlib = require('node:zlib')
const express = require('express')
const { json } = require('../lib/validate')
const { events } = require('../lib/events')
const { serve: listen } = require('./helpers/serve')

async function serve(...middleware) {
  const app = express()
  app.post('/', ...middleware, (req, res) =>
    res.json({ body: req.body === undefined ? '<undefined>' : req.body }),
  )
  app.use((err, req, res, _next) => {
    res.status(err.status || 500).json({
      name: err.name,
      type: err.type,
      message: err.message,
      expose: err.expose,
      statusCode: err.statusCode,
      details: err.details,
    })
  })
  const { url, close } = await listen(app)
  return { url: `${url}/`, close }
}

const send = (url, body, headers = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body })

test('parses JSON like express.json(), leaves other types alone', async () => {
  const { url, close } = await serve(json())
  try {
    let res = await send(url, '{"a":[1,2,{"b":null}]}')
    assert.deepStrictEqual(await res.json(), { body: { a: [1, 2, { b: null }] } })
    res = await send(url, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })
    assert.deepStrictEqual(await res.json(), { body: '<undefined>' })
    res = await send(url, '{"a":1}', { 'content-type': 'application/json; charset=utf-8' })
    assert.deepStrictEqual(await res.json(), { body: { a: 1 } })
    res = await send(url, '', { 'content-type': 'application/json' })
    assert.deepStrictEqual(await res.json(), { body: {} })
    res = await send(url, '\ufeff{"bom":true}')
    assert.deepStrictEqual(await res.json(), { body: { bom: true } })
  } finally {
    await close()
  }
})

test('bad JSON is 400 entity.parse.failed, as body-parser', async () => {
  const seen = []
  const listener = (e) => seen.push(e)
  events.on('body.rejected', listener)
  const { url, close } = await serve(json())
  try {
    const res = await send(url, '{"a":')
    assert.strictEqual(res.status, 400)
    const body = await res.json()
    assert.strictEqual(body.type, 'entity.parse.failed')
    assert.strictEqual(body.name, 'SyntaxError')
    assert.strictEqual(body.expose, true)
    assert.strictEqual(body.statusCode, 400)
    assert.match(body.message, /JSON/)
    const strict = await send(url, '"just a string"')
    assert.strictEqual(strict.status, 400)
    assert.strictEqual((await strict.json()).type, 'entity.parse.failed')
    assert.ok(seen.length >= 2)
    assert.strictEqual(seen[0].type, 'body.rejected')
  } finally {
    events.off('body.rejected', listener)
    await close()
  }
})

test('limit: 413 entity.too.large, from Content-Length or while streaming', async () => {
  const { url, close } = await serve(json({ limit: '1kb' }))
  try {
    const big = JSON.stringify({ s: 'x'.repeat(2000) })
    let res = await send(url, big)
    assert.strictEqual(res.status, 413)
    assert.strictEqual((await res.json()).type, 'entity.too.large')
    // Chunked, no Content-Length: the limit holds while reading.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big))
        c.close()
      },
    })
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    })
    assert.strictEqual(res.status, 413)
    res = await send(url, '{"ok":true}')
    assert.strictEqual(res.status, 200)
  } finally {
    await close()
  }
})

test('gzip, deflate and br bodies are inflated, with the limit on the inflated size', async () => {
  const { url, close } = await serve(json({ limit: '10kb' }))
  try {
    const text = '{"z":"compressed"}'
    for (const [enc, fn] of [
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['br', zlib.brotliCompressSync],
    ]) {
      const res = await send(url, fn(text), { 'content-type': 'application/json', 'content-encoding': enc })
      assert.deepStrictEqual(await res.json(), { body: { z: 'compressed' } }, enc)
    }
    const bomb = zlib.gzipSync(JSON.stringify({ s: 'a'.repeat(1_000_000) }))
    const res = await send(url, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    assert.strictEqual(res.status, 413)
    const unknown = await send(url, 'x', {
      'content-type': 'application/json',
      'content-encoding': 'zstd-ish',
    })
    assert.strictEqual(unknown.status, 415)
    assert.strictEqual((await unknown.json()).type, 'encoding.unsupported')
  } finally {
    await close()
  }
})

test('type, strict: false, reviver and unsupported charsets', async () => {
  const { url, close } = await serve(
    json({ type: ['application/json', '+json'], strict: false, reviver: (k, v) => (k === 'n' ? v * 2 : v) }),
  )
  try {
    let res = await send(url, '{"n":2}', { 'content-type': 'application/vnd.api+json' })
    assert.deepStrictEqual(await res.json(), { body: { n: 4 } })
    res = await send(url, '7')
    assert.deepStrictEqual(await res.json(), { body: 7 })
    res = await send(url, '{"n":1}', { 'content-type': 'application/json; charset=latin1' })
    assert.strictEqual(res.status, 415)
    assert.strictEqual((await res.json()).type, 'charset.unsupported')
  } finally {
    await close()
  }
})

test('415 for another content type only with strictType or a schema', async () => {
  const strictType = await serve(json({ strictType: true }))
  const withSchema = await serve(json({ schema: { type: 'object' } }))
  try {
    for (const { url } of [strictType, withSchema]) {
      const res = await send(url, 'a=1', { 'content-type': 'text/plain' })
      assert.strictEqual(res.status, 415)
    }
  } finally {
    await strictType.close()
    await withSchema.close()
  }
})

test('a schema is checked on the raw bytes: ValidationError before any object is built', async () => {
  const seen = []
  const listener = (e) => seen.push(e)
  events.on('validation.failed', listener)
  const schema = {
    type: 'object',
    required: ['email'],
    properties: { email: { type: 'string', format: 'email' }, n: { type: 'integer' } },
    additionalProperties: false,
  }
  let revived = 0
  const { url, close } = await serve(
    json({
      schema,
      reviver: (k, v) => {
        revived++
        return v
      },
    }),
  )
  try {
    let res = await send(url, '{"email":"a@example.com","n":3}')
    assert.deepStrictEqual(await res.json(), { body: { email: 'a@example.com', n: 3 } })
    revived = 0
    res = await send(url, '{"email":"nope","n":1.5,"x":1}')
    assert.strictEqual(res.status, 400)
    const body = await res.json()
    assert.strictEqual(body.name, 'ValidationError')
    assert.deepStrictEqual(body.details.map((d) => `${d.location} ${d.path} ${d.keyword}`).sort(), [
      'body  additionalProperties',
      'body /email format',
      'body /n type',
    ])
    assert.strictEqual(revived, 0, 'JSON.parse never ran for the rejected body')
    assert.strictEqual(seen.length, 1)
  } finally {
    events.off('validation.failed', listener)
    await close()
  }
})

test('a schema with mutating options validates the parsed object', async () => {
  const { url, close } = await serve(
    json({
      schema: { type: 'object', properties: { page: { type: 'integer', default: 1 } } },
      useDefaults: true,
    }),
  )
  try {
    const res = await send(url, '{}')
    assert.deepStrictEqual(await res.json(), { body: { page: 1 } })
  } finally {
    await close()
  }
})

test('bad options fail at start-up', () => {
  assert.throws(() => json({ limit: 'lots' }), /limit/)
  assert.throws(() => json({ protoAction: 'allow' }), /protoAction/)
  assert.throws(() => json({ depth: 0 }), /depth/)
  assert.throws(() => json({ extended: true }), /unknown json\(\) option/)
  assert.throws(() => json({ schema: { type: 'nope' } }), /invalid schema/)
})

test('content-type verdicts follow each header, however they alternate (the last one is kept)', () => {
  const { typeMatcher, charsetOf } = require('../lib/validate/read')
  const matches = typeMatcher('application/json')
  const sequence = [
    ['application/json', true, undefined],
    ['application/json', true, undefined],
    ['text/plain', false, undefined],
    ['application/json; charset=latin1', true, 'latin1'],
    ['application/json; charset=latin1', true, 'latin1'],
    [undefined, false, undefined],
    ['APPLICATION/JSON; Charset="UTF-8"', true, 'utf-8'],
    ['application/json', true, undefined],
  ]
  for (const [header, matched, charset] of sequence) {
    assert.strictEqual(matches({ headers: { 'content-type': header } }), matched, String(header))
    assert.strictEqual(charsetOf(header), charset, String(header))
  }
})
