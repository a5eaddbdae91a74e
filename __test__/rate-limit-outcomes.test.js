'use strict'
// skipFailedRequests / skipSuccessfulRequests and store.init(), ported from
// express-rate-limit's own middleware tests (test/library/middleware-test.ts) to node:test,
// each run against rampart AND the real express-rate-limit with the same mock store.
//
// The point of the first group: the response listeners must be attached before any async
// work (the store's answer), or a response that closes while the store is still answering
// never gives its hit back.
const test = require('node:test')
const assert = require('node:assert')
const { EventEmitter } = require('node:events')
const net = require('node:net')
const express = require('express')
const erl = require('express-rate-limit')
const rateLimit = require('../lib/rate-limit')
const { serve } = require('./helpers/serve')

const LIBRARIES = [
  ['rampart', rateLimit],
  ['express-rate-limit', erl.rateLimit],
]

/** express-rate-limit's MockStore: async methods, counts in memory, records its calls. */
class MockStore {
  constructor(delayMs = 0) {
    this.delayMs = delayMs
    this.counter = 0
    this.decrementWasCalled = false
    this.initWasCalled = false
  }
  init() {
    this.initWasCalled = true
  }
  async increment() {
    this.counter += 1
    if (this.onIncrement) this.onIncrement()
    // A store that answers later (a network store): the response may close meanwhile.
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs))
    if (this.gate) await this.gate
    return { totalHits: this.counter, resetTime: undefined }
  }
  async decrement() {
    this.counter -= 1
    this.decrementWasCalled = true
  }
  async resetKey() {}
  async resetAll() {}
}

const tick = (ms) => new Promise((r) => setTimeout(r, ms))

for (const [name, limiter] of LIBRARIES) {
  test(`${name}: should decrement hits with closed response and skipFailedRequests (mock response)`, async () => {
    const store = new MockStore()
    // No headers: a bare EventEmitter cannot take them (as in express-rate-limit's own test).
    const middleware = limiter({ skipFailedRequests: true, store, validate: false, legacyHeaders: false })
    const request = { ip: '10.0.0.1', headers: {} }
    const response = new EventEmitter()
    const pending = middleware(request, response, () => {})
    // The response closes before the store has answered (increment is async).
    response.emit('close')
    await pending
    await tick(20)
    assert.strictEqual(store.decrementWasCalled, true, 'decrement was not called on the store')
    assert.strictEqual(store.counter, 0)
  })

  test(`${name}: should not decrement a successful response under skipFailedRequests`, async () => {
    const store = new MockStore(5)
    const app = express()
    app.use(limiter({ skipFailedRequests: true, store, validate: false }))
    app.get('/', (_req, res) => res.send('ok'))
    const s = await serve(app)
    try {
      assert.strictEqual((await fetch(s.url)).status, 200)
      await tick(20)
      assert.strictEqual(store.decrementWasCalled, false)
      assert.strictEqual(store.counter, 1)
    } finally {
      await s.close()
    }
  })

  test(`${name}: should log an error when store.init() throws`, () => {
    const logged = []
    const original = console.error
    console.error = (...args) => logged.push(args)
    try {
      const store = new MockStore()
      store.init = () => {
        throw new Error('init exploded')
      }
      limiter({ store, validate: false })
    } finally {
      console.error = original
    }
    assert.ok(
      logged.some((args) => args.some((a) => String(a && a.message).includes('init exploded'))),
      `console.error was not called with the init error: ${JSON.stringify(logged.map(String))}`,
    )
  })

  test(`${name}: should log an error when store.init() rejects`, async () => {
    const logged = []
    const original = console.error
    console.error = (...args) => logged.push(args)
    try {
      const store = new MockStore()
      store.init = async () => {
        throw new Error('init rejected')
      }
      limiter({ store, validate: false })
      await tick(10)
    } finally {
      console.error = original
    }
    assert.ok(
      logged.some((args) => args.some((a) => String(a && a.message).includes('init rejected'))),
      `console.error was not called with the init error: ${JSON.stringify(logged.map(String))}`,
    )
  })
}

// Not run against express-rate-limit 8.7: it judges the close after its handler chain ran, and
// by then the route has written to the dead socket (writableEnded), so the hit is kept.
test('rampart: should decrement hits when the client hangs up while a slow store answers', async () => {
  // The store answers only when the test says so (no timing): after the client has gone.
  const store = new MockStore()
  let release
  store.gate = new Promise((resolve) => (release = resolve))
  const asked = new Promise((resolve) => (store.onIncrement = resolve))
  const app = express()
  let closed
  const responseClosed = new Promise((resolve) => (closed = resolve))
  app.use((_req, res, next) => {
    res.once('close', closed)
    next()
  })
  app.use(rateLimit({ skipFailedRequests: true, store, validate: false }))
  app.get('/', (_req, res) => res.send('ok'))
  const s = await serve(app)
  try {
    const socket = net.connect(s.server.address().port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await asked // the request is in the middleware, the store still answering
    socket.destroy()
    await responseClosed
    release()
    await tick(20) // the store answered; the route wrote to the dead socket
    assert.strictEqual(store.decrementWasCalled, true, 'decrement was not called on the store')
    assert.strictEqual(store.counter, 0)
  } finally {
    await s.close()
  }
})

test('rampart: a close before the store answers gives the hit back only once the hit is counted', async () => {
  // Order matters for a counting store: a decrement that overtook the increment would be lost.
  const calls = []
  const store = new MockStore(30)
  const increment = store.increment.bind(store)
  store.increment = async (key) => {
    const r = await increment(key)
    calls.push('increment answered')
    return r
  }
  store.decrement = async () => {
    calls.push('decrement')
    store.counter -= 1
  }
  const middleware = rateLimit({ skipFailedRequests: true, store, validate: false })
  const response = new EventEmitter()
  const pending = middleware({ ip: '10.0.0.2', headers: {} }, response, () => {})
  response.emit('close')
  await pending
  await tick(10)
  assert.deepStrictEqual(calls, ['increment answered', 'decrement'])
  assert.strictEqual(store.counter, 0)
})

test('rampart: the default MemoryStore gives a closed response its hit back', async () => {
  const limiter = rateLimit({ limit: 1, skipFailedRequests: true, validate: false })
  const response = new EventEmitter()
  limiter({ ip: '10.0.0.3', headers: {} }, response, () => {})
  response.emit('close')
  const info = await limiter.getKey('10.0.0.3')
  assert.strictEqual(info.totalHits, 0)
})
