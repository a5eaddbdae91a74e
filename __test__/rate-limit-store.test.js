'use strict'
// MemoryStore: express-rate-limit's Store interface on the native table, bounded by
// maxKeys, pruned incrementally, with nothing per key on the JS heap.
const test = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const erl = require('express-rate-limit')
const rateLimit = require('../lib/rate-limit')

const { MemoryStore } = rateLimit

test('the Store interface: increment, get, decrement, resetKey, resetAll, shutdown', async () => {
  const store = new MemoryStore()
  store.init({ windowMs: 1000 })
  const before = Date.now()
  const first = await store.increment('a')
  assert.strictEqual(first.totalHits, 1)
  assert.ok(first.resetTime instanceof Date)
  assert.ok(first.resetTime.getTime() >= before + 1000 && first.resetTime.getTime() <= Date.now() + 1000)
  assert.strictEqual((await store.increment('a')).totalHits, 2)
  assert.strictEqual((await store.get('a')).totalHits, 2)
  await store.decrement('a')
  assert.strictEqual((await store.get('a')).totalHits, 1)
  assert.strictEqual(await store.get('b'), undefined)
  await store.resetKey('a')
  assert.strictEqual(await store.get('a'), undefined)
  await store.increment('x')
  await store.increment('y')
  assert.strictEqual(store.size, 2)
  await store.resetAll()
  assert.strictEqual(store.size, 0)
  store.shutdown()
  assert.strictEqual(store.localKeys, true)
})

test('windows restart after windowMs, measured with Date.now() from JavaScript', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 10_000 })
  const store = new MemoryStore()
  store.init({ windowMs: 500 })
  await store.increment('k')
  await store.increment('k')
  t.mock.timers.tick(499)
  assert.strictEqual((await store.increment('k')).totalHits, 3)
  t.mock.timers.tick(1)
  const fresh = await store.increment('k')
  assert.strictEqual(fresh.totalHits, 1)
  assert.strictEqual(fresh.resetTime.getTime(), 11_000)
})

test('rampart MemoryStore also plugs into express-rate-limit itself', async () => {
  const store = new MemoryStore()
  const limiter = erl.rateLimit({ store, limit: 1, validate: false })
  const res = {
    headers: {},
    setHeader: (k, v) => (res.headers[k] = v),
    status: () => res,
    send: () => {},
    headersSent: false,
  }
  const req = { ip: '1.1.1.1', app: { get: () => false }, headers: {}, socket: {} }
  let passed = 0
  await limiter(req, res, () => passed++)
  await limiter({ ...req }, res, () => passed++)
  assert.strictEqual(passed, 1)
})

test('maxKeys bounds the table: the stalest key is evicted, the others keep their counts', async () => {
  const store = new MemoryStore({ maxKeys: 100 })
  store.init({ windowMs: 60_000 })
  await store.increment('keep')
  for (let i = 0; i < 1000; i++) {
    await store.increment(`flood-${i}`)
    if (i % 10 === 0) await store.increment('keep') // stays recent
  }
  assert.strictEqual(store.size, 100)
  assert.strictEqual((await store.get('keep')).totalHits, 101)
  assert.strictEqual(await store.get('flood-0'), undefined)
  assert.strictEqual((await store.get('flood-999')).totalHits, 1)
})

test('attack: a flood of new keys cannot grow the table past maxKeys, and expired keys are pruned as it goes', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 })
  const flooded = new MemoryStore({ maxKeys: 5000 })
  const limiter = rateLimit({ limit: 5, windowMs: 1000, store: flooded, validate: false })
  const res = { setHeader() {}, getHeader() {}, end() {}, once() {}, headersSent: false }
  const hit = (ip) => limiter({ ip, headers: {} }, res, () => {})
  for (let i = 0; i < 20_000; i++) hit(`10.0.${i >> 8}.${i & 255}`)
  assert.strictEqual(flooded.size, 5000)
  let passed = false
  limiter({ ip: '10.0.78.31', headers: {} }, res, () => (passed = true)) // a recent key keeps its count
  assert.strictEqual(passed, true)
  t.mock.timers.tick(2000)
  const pruned = new MemoryStore({ maxKeys: 1_000_000 })
  pruned.init({ windowMs: 1000 })
  for (let i = 0; i < 3000; i++) await pruned.increment(`old-${i}`)
  t.mock.timers.tick(1000)
  for (let i = 0; i < 3000; i++) await pruned.increment(`new-${i}`)
  assert.strictEqual(pruned.size, 3000, 'each new key pruned expired old ones; no full scan needed')
})

test('memory: 1M keys cost no JS heap and bounded native memory; RSS stops growing at maxKeys', () => {
  const script = `
    const { MemoryStore } = require('./lib/rate-limit')
    const store = new MemoryStore({ maxKeys: 200000 })
    store.init({ windowMs: 3600000 })
    const key = (i) => '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255)
    const now = Date.now()
    global.gc(); const m0 = process.memoryUsage()
    for (let i = 0; i < 200000; i++) store.hit(key(i), now, 5)
    global.gc(); const m1 = process.memoryUsage()
    for (let i = 200000; i < 1000000; i++) store.hit(key(i), now, 5)
    global.gc(); const m2 = process.memoryUsage()
    console.log(JSON.stringify({ size: store.size, heap: m2.heapUsed - m0.heapUsed, grow1: m1.rss - m0.rss, grow2: m2.rss - m1.rss, native: store.nativeBytes }))
  `
  const out = spawnSync(process.execPath, ['--expose-gc', '-e', script], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.strictEqual(out.status, 0, out.stderr)
  const r = JSON.parse(out.stdout)
  assert.strictEqual(r.size, 200_000)
  assert.ok(r.heap < 2_000_000, `JS heap grew by ${r.heap} bytes for 1M keys`)
  assert.ok(r.native / 200_000 < 80, `native bytes per key: ${r.native / 200_000}`)
  assert.ok(r.grow2 < 4_000_000, `RSS grew by ${r.grow2} bytes after maxKeys was reached`)
})

test('a MemoryStore that is garbage-collected frees its native table', () => {
  const script = `
    const native = require('./lib/native')
    const { MemoryStore } = require('./lib/rate-limit')
    let store = new MemoryStore()
    store.init({ windowMs: 1000 })
    const id = store.id
    for (let i = 0; i < 1000; i++) store.hit('k' + i, Date.now(), 5)
    store = null
    setTimeout(() => {
      global.gc()
      setTimeout(() => console.log(JSON.stringify({ id, size: native.rateSize(id) })), 50)
    }, 10)
  `
  const out = spawnSync(process.execPath, ['--expose-gc', '-e', script], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: 30_000,
  })
  assert.strictEqual(out.status, 0, out.stderr)
  assert.deepStrictEqual(JSON.parse(out.stdout), { id: 0, size: 0 })
})

test('keys that are not strings are counted by their string form', async () => {
  const limiter = rateLimit({ limit: 1, keyGenerator: () => 42, validate: false })
  const res = { setHeader() {}, getHeader() {}, end() {}, once() {}, headersSent: false }
  let passed = 0
  limiter({ headers: {} }, res, () => passed++)
  limiter({ headers: {} }, res, () => passed++)
  assert.strictEqual(passed, 1)
  assert.strictEqual((await limiter.getKey('42')).totalHits, 2)
})

test('attack: long client-chosen keys cannot make each entry cost kilobytes', () => {
  const script = `
    const { MemoryStore } = require('./lib/rate-limit')
    const store = new MemoryStore({ maxKeys: 50000 })
    store.init({ windowMs: 3600000 })
    const pad = 'x'.repeat(4096)
    const now = Date.now()
    for (let i = 0; i < 100000; i++) store.hit(pad + i, now, 5)
    store.hit(pad + 99999, now, 5)
    console.log(JSON.stringify({ size: store.size, bytes: store.nativeBytes, used: store.used }))
  `
  const out = spawnSync(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.strictEqual(out.status, 0, out.stderr)
  const r = JSON.parse(out.stdout)
  assert.strictEqual(r.size, 50_000)
  assert.strictEqual(r.used, 2, 'a long key still finds its own count')
  assert.ok(r.bytes / r.size < 80, `native bytes per 4 KiB key: ${r.bytes / r.size}`)
})
