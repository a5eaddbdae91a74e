'use strict'
// RedisStore against the real Redis at 127.0.0.1:6379 (REDIS_URL overrides), with both
// ioredis and node-redis; two app processes sharing one limit; Redis flushed or gone
// mid-run; and a third-party express-rate-limit store (rate-limit-redis).
// Without Redis these tests skip with one line, except under CI=true, where they fail.
const test = require('node:test')
const assert = require('node:assert')
const { serve } = require('./helpers/serve')
const { appWith, statuses } = require('./helpers/limited-app')
const net = require('node:net')
const path = require('node:path')
const { spawn } = require('node:child_process')
const IORedis = require('ioredis')
const { createClient } = require('redis')
const { RedisStore: ThirdPartyRedisStore } = require('rate-limit-redis')
const rateLimit = require('../lib/rate-limit')
const { reachable } = require('./helpers/reachable')

const { RedisStore } = rateLimit
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
const { hostname: REDIS_HOST, port: REDIS_PORT_TEXT } = new URL(REDIS_URL)
const REDIS_PORT = Number(REDIS_PORT_TEXT || 6379)
const RUN = `rampart-test:${process.pid}:${Date.now()}:`
const silent = { warn() {}, error() {} }

let skip = false
test.before(async () => {
  if (await reachable(REDIS_PORT, REDIS_HOST)) return
  if (process.env.CI === 'true') throw new Error(`CI=true but Redis is not reachable at ${REDIS_URL}`)
  skip = `Redis is not reachable at ${REDIS_URL}`
  console.log(`# skipping RedisStore tests: ${skip}`)
})

// The flush test empties a whole database, so it uses one of its own (RAMPART_TEST_REDIS_DB).
const FLUSH_DB = Number(process.env.RAMPART_TEST_REDIS_DB || 13)

const clients = {
  ioredis: async (db = 0) => {
    const client = new IORedis(REDIS_PORT, REDIS_HOST, { lazyConnect: true, db })
    await client.connect()
    return { client, close: () => client.quit(), call: (...args) => client.call(...args) }
  },
  'node-redis': async (db = 0) => {
    const client = createClient({ url: REDIS_URL, database: db })
    client.on('error', () => {})
    await client.connect()
    return { client, close: () => client.quit(), call: (...args) => client.sendCommand(args) }
  },
}

for (const [name, connect] of Object.entries(clients)) {
  test(`RedisStore with ${name}: counts, headers, req.rateLimit, key prefix, getKey/resetKey`, async (t) => {
    if (skip) return t.skip(skip)
    const { client, close, call } = await connect()
    const prefix = `${RUN}${name}:basic:`
    const store = new RedisStore({ client, prefix })
    const limiter = rateLimit({ store, limit: 3, standardHeaders: 'draft-7', legacyHeaders: false })
    const s = await serve(appWith(limiter))
    try {
      assert.deepStrictEqual(await statuses(s.url, 5), [200, 200, 200, 429, 429])
      const r = await fetch(s.url)
      assert.match(r.headers.get('ratelimit'), /^limit=3, remaining=0, reset=(59|60)$/)
      assert.match(r.headers.get('retry-after'), /^(59|60)$/)
      const keys = await call('KEYS', `${prefix}*`)
      assert.deepStrictEqual(keys, [`${prefix}127.0.0.1`])
      const info = await limiter.getKey('127.0.0.1')
      assert.strictEqual(info.totalHits, 6)
      await limiter.resetKey('127.0.0.1')
      assert.strictEqual((await fetch(s.url)).status, 200)
      await store.resetAll()
      assert.deepStrictEqual(await call('KEYS', `${prefix}*`), [])
    } finally {
      await s.close()
      await close()
    }
  })

  test(`RedisStore with ${name}: one EVALSHA per request; FLUSHDB and SCRIPT FLUSH mid-run`, async (t) => {
    if (skip) return t.skip(skip)
    const { close, call } = await connect(FLUSH_DB)
    const prefix = `${RUN}${name}:flush:`
    const sent = []
    const store = new RedisStore({ sendCommand: (...args) => (sent.push(args[0]), call(...args)), prefix })
    const s = await serve(appWith(rateLimit({ store, limit: 2 })))
    try {
      assert.deepStrictEqual(await statuses(s.url, 3), [200, 200, 429])
      assert.ok(sent.every((c) => c === 'EVALSHA' || c === 'EVAL'))
      assert.ok(sent.filter((c) => c === 'EVALSHA').length === 3)
      // Redis is flushed mid-run: every key of the database and every cached script go.
      await call('FLUSHDB')
      await call('SCRIPT', 'FLUSH')
      sent.length = 0
      assert.deepStrictEqual(await statuses(s.url, 3), [200, 200, 429])
      assert.deepStrictEqual(sent, ['EVALSHA', 'EVAL', 'EVALSHA', 'EVALSHA'])
    } finally {
      await store.resetAll()
      await s.close()
      await close()
    }
  })
}

test('RedisStore gcra: a smooth limit shared through Redis', async (t) => {
  if (skip) return t.skip(skip)
  const { client, close } = await clients.ioredis()
  const store = new RedisStore({ client, prefix: `${RUN}gcra:` })
  const s = await serve(appWith(rateLimit({ store, limit: 4, windowMs: 4000, algorithm: 'gcra' })))
  try {
    assert.deepStrictEqual(await statuses(s.url, 5), [200, 200, 200, 200, 429])
    await new Promise((r) => setTimeout(r, 1100)) // one slot frees every 1000 ms
    const after = await statuses(s.url, 2)
    assert.strictEqual(after[0], 200)
    assert.strictEqual(after[1], 429)
  } finally {
    await store.resetAll()
    await s.close()
    await close()
  }
})

test('two app processes share one limit through Redis', async (t) => {
  if (skip) return t.skip(skip)
  const prefix = `${RUN}shared:`
  const child = `
    const express = require('express')
    const IORedis = require('ioredis')
    const rateLimit = require('./lib/rate-limit')
    const client = new IORedis(${REDIS_PORT}, ${JSON.stringify(REDIS_HOST)})
    const app = express()
    app.use(rateLimit({ store: new rateLimit.RedisStore({ client, prefix: ${JSON.stringify(prefix)} }), limit: 6, keyGenerator: () => 'everyone' }))
    app.get('/', (_req, res) => res.send(String(process.pid)))
    const server = app.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port))
    process.on('SIGTERM', () => { server.close(); client.disconnect(); process.exit(0) })
  `
  const root = path.join(__dirname, '..')
  const procs = [0, 1].map(() =>
    spawn(process.execPath, ['-e', child], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }),
  )
  try {
    const ports = await Promise.all(
      procs.map(
        (p) =>
          new Promise((resolve, reject) => {
            let out = ''
            const timer = setTimeout(() => reject(new Error('child did not start')), 15_000)
            p.stdout.on('data', (d) => {
              out += d
              const m = out.match(/PORT (\d+)/)
              if (m) {
                clearTimeout(timer)
                resolve(Number(m[1]))
              }
            })
          }),
      ),
    )
    const results = []
    const pids = new Set()
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`http://127.0.0.1:${ports[i % 2]}/`)
      results.push(r.status)
      if (r.status === 200) pids.add(await r.text())
      else await r.text()
    }
    assert.deepStrictEqual(results, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429])
    assert.strictEqual(pids.size, 2, 'both processes served requests')
  } finally {
    for (const p of procs) p.kill('SIGTERM')
    const { close, call } = await clients.ioredis()
    await call('DEL', `${prefix}everyone`)
    await close()
  }
})

/** A TCP proxy to Redis that the test can cut, to make Redis unreachable mid-run. */
async function cuttableProxy() {
  const sockets = new Set()
  const server = net.createServer((inbound) => {
    const outbound = net.connect(REDIS_PORT, REDIS_HOST)
    sockets.add(inbound).add(outbound)
    inbound.pipe(outbound).pipe(inbound)
    const drop = () => {
      inbound.destroy()
      outbound.destroy()
    }
    inbound.on('error', drop)
    outbound.on('error', drop)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = server.address().port
  return {
    port,
    cut: () => {
      server.close()
      for (const s of sockets) s.destroy()
    },
  }
}

for (const [clientName, makeClient] of [
  ['ioredis', (port) => new IORedis(port, '127.0.0.1', { maxRetriesPerRequest: 1 }).on('error', () => {})],
  [
    'node-redis',
    (port) => {
      const c = createClient({ url: `redis://127.0.0.1:${port}` })
      c.on('error', () => {})
      c.connect().catch(() => {})
      return c
    },
  ],
]) {
  test(`Redis unreachable mid-run (${clientName}): passOnStoreError decides, nothing crashes`, async (t) => {
    if (skip) return t.skip(skip)
    const proxy = await cuttableProxy()
    const clientClosed = makeClient(proxy.port)
    const clientOpen = makeClient(proxy.port)
    const prefix = `${RUN}down:${clientName}:`
    const closed = await serve(
      appWith(
        rateLimit({
          store: new RedisStore({ client: clientClosed, prefix, timeout: 300 }),
          limit: 50,
          logger: silent,
        }),
      ),
    )
    const open = await serve(
      appWith(
        rateLimit({
          store: new RedisStore({ client: clientOpen, prefix: `${prefix}open:`, timeout: 300 }),
          limit: 50,
          passOnStoreError: true,
          logger: silent,
        }),
      ),
    )
    try {
      await new Promise((r) => setTimeout(r, 100))
      assert.strictEqual((await fetch(closed.url)).status, 200)
      assert.strictEqual((await fetch(open.url)).status, 200)
      proxy.cut()
      await new Promise((r) => setTimeout(r, 50))
      for (let i = 0; i < 3; i++) {
        const c = await fetch(closed.url)
        assert.strictEqual(c.status, 503, 'fail-closed: the store error goes to next(err)')
        assert.ok((await c.text()).length > 0, 'the error reaches the error handler')
        assert.strictEqual((await fetch(open.url)).status, 200, 'fail-open: allowed without counting')
      }
    } finally {
      await closed.close()
      await open.close()
      for (const c of [clientClosed, clientOpen]) {
        try {
          if (typeof c.disconnect === 'function') await c.disconnect()
        } catch {
          // already disconnected
        }
      }
      const { close, call } = await clients.ioredis()
      const keys = await call('KEYS', `${prefix}*`)
      if (keys.length) await call('DEL', ...keys)
      await close()
    }
  })
}

test('any express-rate-limit store plugs in: rate-limit-redis', async (t) => {
  if (skip) return t.skip(skip)
  const { close, call } = await clients.ioredis()
  const prefix = `${RUN}rlr:`
  const store = new ThirdPartyRedisStore({ sendCommand: (...args) => call(...args), prefix })
  const s = await serve(appWith(rateLimit({ store, limit: 2, standardHeaders: 'draft-6' })))
  try {
    const r1 = await fetch(s.url)
    assert.strictEqual(r1.status, 200)
    assert.strictEqual(r1.headers.get('ratelimit-remaining'), '1')
    assert.strictEqual(r1.headers.get('ratelimit-policy'), '2;w=60')
    assert.deepStrictEqual(await statuses(s.url, 2), [200, 429])
    assert.strictEqual(await call('GET', `${prefix}127.0.0.1`), '3')
  } finally {
    await call('DEL', `${prefix}127.0.0.1`)
    await s.close()
    await close()
  }
})

test('RedisStore rejects bad options clearly', () => {
  assert.throws(() => new RedisStore(), /options are required/)
  assert.throws(() => new RedisStore({}), /sendCommand/)
  assert.throws(() => new RedisStore({ client: {} }), /ioredis or node-redis/)
})
