'use strict'
// Attacks on rampart/validate, each with the claim it proves: ReDoS patterns run in linear
// time; __proto__ / constructor.prototype follow protoAction; the depth limit holds; deep,
// huge and non-UTF-8 bodies get a clean 4xx and the server keeps answering; compiling a
// hostile schema is bounded in time.
const test = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const express = require('express')
const { compile, json } = require('../lib/validate')
const { events } = require('../lib/events')
const { serve: listen } = require('./helpers/serve')

async function serve(...middleware) {
  const app = express()
  app.post('/', ...middleware, (req, res) =>
    res.json({
      keys: req.body && typeof req.body === 'object' ? Object.keys(req.body) : null,
      body: req.body,
    }),
  )
  app.get('/health', (req, res) => res.json({ ok: true }))
  app.use((err, req, res, _next) =>
    res.status(err.status || 500).json({ type: err.type, message: err.message }),
  )
  const { url, close } = await listen(app)
  return { base: url, close }
}

const send = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })

test('ReDoS: catastrophic-backtracking patterns run in linear time', () => {
  const hostile = ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '^([a-zA-Z0-9]+)*@$', '(x+x+)+y']
  for (const pattern of hostile) {
    const v = compile({ type: 'string', pattern })
    const started = process.hrtime.bigint()
    for (const n of [1_000, 100_000]) {
      assert.strictEqual(v(`${'a'.repeat(n)}!`), false)
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    assert.ok(ms < 1000, `${pattern} took ${ms} ms`)
  }
  const props = compile({ patternProperties: { '^(a+)+$': { type: 'integer' } } })
  const started = Date.now()
  assert.strictEqual(props({ [`${'a'.repeat(50_000)}!`]: 'x' }), true)
  assert.ok(Date.now() - started < 1000)
})

test('ReDoS: the raw-body path and patternProperties under removeAdditional are linear too', async () => {
  const { base, close } = await serve(
    json({ schema: { type: 'object', properties: { s: { pattern: '^(a+)+$' } } } }),
  )
  try {
    const started = Date.now()
    const res = await send(`${base}/`, JSON.stringify({ s: `${'a'.repeat(50_000)}!` }))
    assert.strictEqual(res.status, 400)
    assert.ok(Date.now() - started < 2000)
  } finally {
    await close()
  }
  const v = compile(
    { type: 'object', patternProperties: { '^(a+)+$': {} }, additionalProperties: false },
    { removeAdditional: true },
  )
  const data = { [`${'a'.repeat(50_000)}!`]: 1 }
  const started = Date.now()
  assert.strictEqual(v(data), true)
  assert.deepStrictEqual(Object.keys(data), [])
  assert.ok(Date.now() - started < 1000)
})

test('protoAction error (default): __proto__ and constructor.prototype are refused', async () => {
  const seen = []
  const listener = (e) => seen.push(e)
  events.on('body.rejected', listener)
  const { base, close } = await serve(json())
  try {
    for (const body of [
      '{"__proto__":{"isAdmin":true}}',
      '{"a":{"b":[{"__proto__":{"x":1}}]}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      '{"\\u005f_proto__":{"isAdmin":true}}',
    ]) {
      const res = await send(`${base}/`, body)
      assert.strictEqual(res.status, 400, body)
      assert.match((await res.json()).message, /prototype/)
    }
    assert.strictEqual(seen.length, 4)
    assert.strictEqual({}.isAdmin, undefined)
    const fine = await send(`${base}/`, '{"constructor":"x","prototype":1}')
    assert.strictEqual(fine.status, 200)
  } finally {
    events.off('body.rejected', listener)
    await close()
  }
})

test("protoAction 'remove' drops the keys; 'ignore' keeps them as plain own data", async () => {
  const remove = await serve(json({ protoAction: 'remove' }))
  const ignore = await serve(json({ protoAction: 'ignore' }))
  try {
    let res = await send(
      `${remove.base}/`,
      '{"a":1,"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1},"y":2}}',
    )
    assert.deepStrictEqual(await res.json(), {
      keys: ['a', 'constructor'],
      body: { a: 1, constructor: { y: 2 } },
    })
    res = await send(`${ignore.base}/`, '{"__proto__":{"isAdmin":true}}')
    const body = await res.json()
    assert.deepStrictEqual(body.keys, ['__proto__'])
    assert.strictEqual({}.isAdmin, undefined)
  } finally {
    await remove.close()
    await ignore.close()
  }
})

test('depth limit: 64 by default, configurable, for arrays and objects', async () => {
  const dflt = await serve(json())
  const three = await serve(json({ depth: 3 }))
  try {
    const nest = (n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`
    assert.strictEqual((await send(`${dflt.base}/`, nest(64))).status, 200)
    const deep = await send(`${dflt.base}/`, nest(65))
    assert.strictEqual(deep.status, 400)
    assert.match((await deep.json()).message, /depth limit of 64/)
    assert.strictEqual((await send(`${three.base}/`, '[[[1]]]')).status, 200)
    assert.strictEqual((await send(`${three.base}/`, '[[[[1]]]]')).status, 400)
  } finally {
    await dflt.close()
    await three.close()
  }
})

test('deeply nested, huge and non-UTF-8 bodies get a clean 4xx and the server keeps answering', async () => {
  const { base, close } = await serve(json({ limit: '1mb' }))
  try {
    const attacks = [
      ['['.repeat(500_000), 400], // 500k levels: refused at depth 65, no stack overflow
      [`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 400],
      [Buffer.alloc(5 * 1024 * 1024, 0x20), 413],
      [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400],
      [Buffer.from([0xc3, 0x28]), 400],
      ['{"a":1,,}', 400],
      ['{"a":1}{"b":2}', 400],
    ]
    for (const [body, status] of attacks) {
      const res = await send(`${base}/`, body)
      assert.strictEqual(res.status, status, String(body).slice(0, 30))
      await res.arrayBuffer()
      const health = await fetch(`${base}/health`)
      assert.strictEqual(health.status, 200)
    }
  } finally {
    await close()
  }
})

test('a client that announces a huge body and stalls gets 413 at once', async () => {
  const { base, close } = await serve(json())
  try {
    const status = await new Promise((resolve, reject) => {
      const req = http.request(
        `${base}/`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(1e9) } },
        (res) => {
          resolve(res.statusCode)
          req.destroy()
        },
      )
      req.on('error', () => {})
      req.write('{"a":')
      setTimeout(() => reject(new Error('no answer')), 5000).unref()
    })
    assert.strictEqual(status, 413)
    assert.strictEqual((await fetch(`${base}/health`)).status, 200)
  } finally {
    await close()
  }
})

test('compiling hostile schemas is bounded in time and fails cleanly', () => {
  const deep = {}
  let node = deep
  for (let i = 0; i < 5000; i++) {
    node.properties = { a: {} }
    node = node.properties.a
  }
  const hostile = [
    { pattern: '((a{1000}){1000}){1000}' },
    { pattern: '\\p{L}{5000}'.repeat(50) },
    deep,
    { $ref: '#' },
    { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' },
    { $ref: 'http://169.254.169.254/latest/meta-data/' },
    {
      allOf: Array.from({ length: 2000 }, (_, i) => ({ $ref: `#/$defs/d${i % 50}` })),
      $defs: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`d${i}`, { type: 'object' }])),
    },
  ]
  for (const schema of hostile) {
    const started = Date.now()
    let v = null
    try {
      v = compile(schema)
    } catch (err) {
      assert.match(err.message, /rampart\/validate/)
    }
    if (v) {
      try {
        v({ a: { a: 1 } })
      } catch (err) {
        assert.fail(`validating threw ${err.message}`)
      }
    }
    assert.ok(Date.now() - started < 3000, `compile took ${Date.now() - started} ms`)
  }
})
