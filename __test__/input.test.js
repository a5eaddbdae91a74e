'use strict'
// rampart/input: mongoSanitize() against express-mongo-sanitize and hpp() against hpp, on
// Express 4 (where both peers work) and Express 5 (where rampart must still clean), plus the
// attack inputs of issue 17 and the depth/cycle bound.
const test = require('node:test')
const assert = require('node:assert/strict')
const express5 = require('express')
const express4 = require('express4')
const peerSanitize = require('express-mongo-sanitize')
const peerHpp = require('hpp')
const { mongoSanitize, hpp } = require('../lib/input')
const { events } = require('../lib/events')
const { serve } = require('./helpers/serve')

const MAJORS = [
  ['express 5', express5],
  ['express 4', express4],
]

// Inputs for the differential tests: operators, dotted keys, arrays, nesting, renames that
// collide, and keys a rename would turn into __proto__.
const CORPUS = [
  { username: { $ne: null } },
  { user: { $gt: '' }, ok: 1 },
  { 'a.b': 1, c: { 'd.e': { $in: [1, 2] } } },
  { list: [{ $where: 'sleep(1000)' }, { fine: [{ 'x.y': 1 }] }, 'str', null] },
  { $or: [{ a: 1 }, { b: 2 }], keep: 'yes' },
  { nested: { deeper: { deepest: { $regex: '.*' } } } },
  { '$a.b.c': 1, _a: 2 },
  { $__proto__: { polluted: true }, 'constructor.': 1 },
  [{ $set: 1 }, [{ 'k.k': 2 }]],
  { clean: { all: ['the', 'way', { down: true }] } },
  {},
]
const OPTION_SETS = [
  {},
  { replaceWith: '_' },
  { allowDots: true },
  { allowDots: true, replaceWith: '_' },
  { replaceWith: '$' }, // a prohibited replaceWith is ignored (keys are removed)
  { dryRun: true },
]

test('sanitize() and has() give express-mongo-sanitize results on every corpus input', () => {
  for (const options of OPTION_SETS) {
    for (const input of CORPUS) {
      const ours = mongoSanitize.sanitize(structuredClone(input), options)
      const theirs = peerSanitize.sanitize(structuredClone(input), options)
      assert.deepEqual(ours, theirs, `${JSON.stringify(input)} with ${JSON.stringify(options)}`)
      assert.equal(Object.prototype.polluted, undefined)
    }
  }
  for (const input of CORPUS) {
    for (const allowDots of [false, true]) {
      assert.equal(
        mongoSanitize.has(input, allowDots),
        peerSanitize.has(input, allowDots),
        JSON.stringify(input),
      )
    }
  }
})

test('a polluted Object.prototype is neither walked into nor copied', () => {
  Object.defineProperty(Object.prototype, '$inherited', {
    value: { $x: 1 },
    enumerable: true,
    configurable: true,
  })
  Object.defineProperty(Object.prototype, 'nested', {
    value: { $y: 1 },
    enumerable: true,
    configurable: true,
  })
  try {
    for (const options of [{}, { replaceWith: '_' }, { dryRun: true }]) {
      const ours = mongoSanitize.sanitize({ a: { $gt: 1 }, b: [{ 'c.d': 1 }] }, options)
      const theirs = peerSanitize.sanitize({ a: { $gt: 1 }, b: [{ 'c.d': 1 }] }, options)
      assert.deepEqual(ours, theirs)
      assert.deepEqual(Object.keys(ours), Object.keys(theirs))
    }
    assert.deepEqual(Object.prototype.$inherited, { $x: 1 })
    assert.deepEqual(Object.prototype.nested, { $y: 1 })
  } finally {
    delete Object.prototype.$inherited
    delete Object.prototype.nested
  }
})

test('deep or cyclic input is a 400 past the bound, never a stack overflow or a hang', () => {
  let deep = { leaf: 1 }
  for (let i = 0; i < 100_000; i++) deep = { d: deep }
  assert.throws(
    () => mongoSanitize.sanitize(deep),
    (err) => err.status === 400 && err.code === 'input_too_deep',
  )
  // The peer overflows the stack on the same input.
  assert.throws(() => peerSanitize.sanitize(deep), RangeError)

  const cyclic = { a: {} }
  cyclic.a.self = cyclic
  cyclic.a.again = cyclic
  assert.throws(
    () => mongoSanitize.sanitize(cyclic),
    (err) => err.status === 400,
  )
  assert.equal(mongoSanitize.has(cyclic), true)

  // Shared references fanning out (2^64 paths) stop at the node bound.
  let fan = { $x: 1 }
  for (let i = 0; i < 60; i++) fan = { l: fan, r: fan }
  assert.throws(
    () => mongoSanitize.sanitize(fan, { replaceWith: '_' }),
    (err) => err.status === 400,
  )
  // Within the bound, the configured depth is honoured exactly.
  assert.doesNotThrow(() => mongoSanitize.sanitize({ a: { b: { c: 1 } } }, { depth: 3 }))
  assert.throws(() => mongoSanitize.sanitize({ a: { b: { c: { d: 1 } } } }, { depth: 3 }), /deeper than 3/)
})

test('bad options fail at start-up', () => {
  assert.throws(() => mongoSanitize({ replaceWith: 1 }), /replaceWith/)
  assert.throws(() => mongoSanitize({ onSanitize: 'x' }), /onSanitize/)
  assert.throws(() => mongoSanitize({ allowdots: true }), /unknown option "allowdots"/)
  assert.throws(() => hpp({ whitelist: [1] }), /whitelist/)
  assert.throws(() => hpp({ checkBodyOnlyForContentType: 'not a type' }), /media type/)
  assert.throws(() => hpp({ checkquery: false }), /unknown option/)
})

/** An app on `express` with `middleware`, extended query parsing, echoing what the handler saw. */
function echoApp(express, middleware) {
  const app = express()
  app.set('query parser', 'extended')
  app.use(express.json())
  app.use(express.urlencoded({ extended: false }))
  app.use(middleware)
  app.all('/echo/:id', (req, res) => {
    res.json({
      body: req.body ?? null,
      query: req.query,
      params: req.params,
      header: req.headers['x.dotted'] ?? null,
      queryPolluted: req.queryPolluted ?? null,
      bodyPolluted: req.bodyPolluted ?? null,
    })
  })
  app.use((err, _req, res, _next) => res.status(err.status || 500).json({ error: err.message }))
  return app
}

async function send(url, { method = 'GET', json, form, headers = {} } = {}) {
  const init = { method, headers: { ...headers } }
  if (json !== undefined) {
    init.body = JSON.stringify(json)
    init.headers['content-type'] = 'application/json'
  } else if (form !== undefined) {
    init.body = form
    init.headers['content-type'] = 'application/x-www-form-urlencoded'
  }
  const res = await fetch(url, init)
  return { status: res.status, body: await res.json() }
}

const SANITIZE_REQUESTS = [
  {
    name: 'operator in JSON body',
    path: '/echo/1',
    method: 'POST',
    json: { username: { $ne: null }, password: 'x' },
  },
  { name: 'operator in query', path: '/echo/1?user[$gt]=&role=admin' },
  { name: 'dotted keys', path: '/echo/1?a.b=1', method: 'POST', json: { 'profile.isAdmin': true, ok: 1 } },
  { name: 'dotted header', path: '/echo/1', headers: { 'x.dotted': 'yes' } },
  { name: 'clean request', path: '/echo/7?page=2', method: 'POST', json: { name: 'ann', tags: ['a'] } },
  { name: 'operator in params', path: '/echo/$where' },
]

for (const [major, express] of MAJORS) {
  test(`mongoSanitize on ${major}: the attack inputs reach the handler clean`, async (t) => {
    const seen = []
    const server = await serve(echoApp(express, mongoSanitize({ onSanitize: ({ key }) => seen.push(key) })))
    t.after(server.close)
    const login = await send(`${server.url}/echo/1`, { method: 'POST', json: { username: { $ne: null } } })
    assert.deepEqual(login.body.body, { username: {} })
    const query = await send(`${server.url}/echo/1?user[$gt]=&role=admin`)
    assert.deepEqual(query.body.query, { user: {}, role: 'admin' })
    const dotted = await send(`${server.url}/echo/1`, {
      method: 'POST',
      json: { 'profile.isAdmin': true, n: 1 },
    })
    assert.deepEqual(dotted.body.body, { n: 1 })
    assert.deepEqual(seen, ['body', 'query', 'body'])
  })

  test(`mongoSanitize on ${major}: replaceWith and dryRun`, async (t) => {
    const replaced = await serve(echoApp(express, mongoSanitize({ replaceWith: '_' })))
    t.after(replaced.close)
    const r = await send(`${replaced.url}/echo/1?user[$gt]=1`)
    assert.deepEqual(r.body.query, { user: { _gt: '1' } })
    const dry = await serve(echoApp(express, mongoSanitize({ dryRun: true })))
    t.after(dry.close)
    const d = await send(`${dry.url}/echo/1?user[$gt]=1`)
    assert.deepEqual(d.body.query, { user: { $gt: '1' } })
  })

  test(`mongoSanitize on ${major}: a too-deep body is a 400 and an input.rejected event`, async (t) => {
    const server = await serve(echoApp(express, mongoSanitize({ depth: 8 })))
    t.after(server.close)
    const got = []
    const listener = (e) => got.push(e)
    events.on('input.rejected', listener)
    t.after(() => events.off('input.rejected', listener))
    let body = { x: 1 }
    for (let i = 0; i < 20; i++) body = { d: body }
    const r = await send(`${server.url}/echo/1`, { method: 'POST', json: body })
    assert.equal(r.status, 400)
    assert.match(r.body.error, /deeper than 8/)
    await send(`${server.url}/echo/1?$where=1`)
    assert.equal(got.length, 2)
    assert.equal(got[1].type, 'input.rejected')
    assert.equal(got[1].path, '/echo/1')
    assert.match(got[1].reason, /query/)
  })
}

test('mongoSanitize side by side with express-mongo-sanitize on Express 4', async (t) => {
  for (const options of [{}, { replaceWith: '_' }, { allowDots: true }]) {
    const ours = await serve(echoApp(express4, mongoSanitize(options)))
    const theirs = await serve(echoApp(express4, peerSanitize(options)))
    t.after(ours.close)
    t.after(theirs.close)
    for (const r of SANITIZE_REQUESTS) {
      const a = await send(ours.url + r.path, r)
      const b = await send(theirs.url + r.path, r)
      assert.deepEqual(a, b, `${r.name} with ${JSON.stringify(options)}`)
    }
  }
})

test('express-mongo-sanitize fails on Express 5 where mongoSanitize works (recorded in the README)', async (t) => {
  const theirs = await serve(echoApp(express5, peerSanitize()))
  t.after(theirs.close)
  const r = await send(`${theirs.url}/echo/1?user[$gt]=`)
  assert.equal(r.status, 500)
  assert.match(r.body.error, /only a getter/)
})

const HPP_REQUESTS = [
  { name: 'repeated query', path: '/echo/1?id=1&id=2&id=3&page=1' },
  { name: 'repeated whitelisted', path: '/echo/1?tag=a&tag=b&id=1&id=2' },
  { name: 'repeated form body', path: '/echo/1', method: 'POST', form: 'role=user&role=admin&name=x' },
  { name: 'JSON body array left alone', path: '/echo/1', method: 'POST', json: { ids: [1, 2] } },
  { name: 'clean', path: '/echo/1?a=1', method: 'POST', form: 'b=2' },
]

for (const options of [
  {},
  { whitelist: 'tag' },
  { whitelist: ['tag'], checkBody: false },
  { checkQuery: false },
]) {
  test(`hpp side by side with hpp on Express 4: ${JSON.stringify(options)}`, async (t) => {
    const ours = await serve(echoApp(express4, hpp(options)))
    const theirs = await serve(echoApp(express4, peerHpp(options)))
    t.after(ours.close)
    t.after(theirs.close)
    for (const r of HPP_REQUESTS) {
      const a = await send(ours.url + r.path, r)
      const b = await send(theirs.url + r.path, r)
      assert.deepEqual(a, b, r.name)
    }
  })
}

test('hpp on Express 5 collapses the query, where the hpp package silently does not', async (t) => {
  const ours = await serve(echoApp(express5, hpp({ whitelist: ['tag'] })))
  const theirs = await serve(echoApp(express5, peerHpp({ whitelist: ['tag'] })))
  t.after(ours.close)
  t.after(theirs.close)
  const path = '/echo/1?id=1&id=2&tag=a&tag=b'
  const a = await send(ours.url + path)
  assert.deepEqual(a.body.query, { id: '2', tag: ['a', 'b'] })
  assert.deepEqual(a.body.queryPolluted, { id: ['1', '2'] })
  const b = await send(theirs.url + path)
  assert.deepEqual(b.body.query, { id: ['1', '2'], tag: ['a', 'b'] }, 'hpp is lost on the Express 5 getter')
  // Bodies still collapse on both.
  const form = await send(ours.url + '/echo/1', { method: 'POST', form: 'role=user&role=admin' })
  assert.deepEqual(form.body.body, { role: 'admin' })
  assert.deepEqual(form.body.bodyPolluted, { role: ['user', 'admin'] })
})

test('two hpp() in a row: the second only applies its own whitelist', async (t) => {
  for (const [, express] of MAJORS) {
    const app = echoApp(express, [hpp(), hpp({ whitelist: 'id' })])
    const server = await serve(app)
    t.after(server.close)
    const r = await send(`${server.url}/echo/1?id=1&id=2&x=1&x=2`)
    assert.deepEqual(r.body.query, { id: ['1', '2'], x: '2' })
    assert.deepEqual(r.body.queryPolluted, { x: ['1', '2'] })
  }
})

test('import gives the same named exports as require', async () => {
  const esm = await import('../lib/esm/input.mjs')
  const cjs = require('../lib/input')
  assert.deepEqual(
    Object.keys(esm)
      .filter((k) => k !== 'default')
      .sort(),
    Object.keys(cjs).sort(),
  )
  assert.equal(esm.mongoSanitize, cjs.mongoSanitize)
  assert.equal(esm.default, cjs)
})

test("Express 5's default (simple) query parser: operators and repeats are still handled", async (t) => {
  const app = express5() // no 'query parser' setting: node:querystring
  app.use(mongoSanitize(), hpp())
  app.get('/q', (req, res) => res.json({ query: req.query, polluted: req.queryPolluted }))
  const server = await serve(app)
  t.after(server.close)
  const r = await send(`${server.url}/q?$where=sleep(1)&id=1&id=2&a.b=1&name=x`)
  assert.deepEqual(r.body, { query: { id: '2', name: 'x' }, polluted: { id: ['1', '2'] } })
})
