'use strict'
// RevocationList with jwtAuth({ revocations }): revoke(jti, exp) and revokeSubject(sub,
// before) in memory; on Redis, a revocation made in this process honoured by a second
// process within 1 s (pub/sub mirror); Redis lost: 503 with Retry-After (failOpen false) or
// the last mirror and a 'failOpen' event (failOpen true), and recovery when it returns.
const test = require('node:test')
const assert = require('node:assert')
const net = require('node:net')
const path = require('node:path')
const { spawn } = require('node:child_process')
const express = require('express')
const IORedis = require('ioredis')
const { createClient } = require('redis')
const { serve } = require('./helpers/serve')
const { reachable } = require('./helpers/reachable')
const jwt = require('../lib/jwt')
const { RevocationList } = jwt

const SECRET = 'r'.repeat(48)
const now = () => Math.floor(Date.now() / 1000)
const RUN = `rampart-test:revoked:${process.pid}:${Date.now()}`

function app(revocations) {
  const a = express()
  a.get('/api', jwt.jwtAuth({ secret: SECRET, algorithms: ['HS256'], revocations }), (req, res) =>
    res.json({}),
  )
  a.use((err, req, res, _next) => res.status(err.status || 500).json({ code: err.code }))
  return a
}

async function status(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') }
}

const token = (claims, options) => jwt.sign({ exp: now() + 600, ...claims }, SECRET, options)

test('memory: revoke(jti, exp) and revokeSubject(sub, before)', async (t) => {
  const list = new RevocationList()
  t.after(() => list.close())
  const srv = await serve(app(list))
  t.after(srv.close)
  const url = `${srv.url}/api`
  const a = token({ sub: 'ann', jti: 'a1', iat: now() - 10 })
  const b = token({ sub: 'bob', jti: 'b1', iat: now() - 10 })
  assert.strictEqual((await status(url, a)).status, 200)
  await list.revoke('a1', now() + 600)
  const revoked = await status(url, a)
  assert.strictEqual(revoked.status, 401)
  assert.strictEqual(revoked.body.code, 'revoked_token')
  assert.strictEqual((await status(url, b)).status, 200)
  // Log out everywhere: bob's tokens issued before now are refused, a later one passes.
  await list.revokeSubject('bob', now())
  assert.strictEqual((await status(url, b)).status, 401)
  assert.strictEqual((await status(url, token({ sub: 'bob', jti: 'b2', iat: now() + 1 }))).status, 200)
  assert.strictEqual(
    (await status(url, token({ sub: 'bob', jti: 'b3' }, { noTimestamp: true }))).status,
    401,
    'no iat: cannot show it is newer',
  )
  // Entries expire with the token.
  await list.revoke('gone', now() - 1)
  assert.strictEqual(list.jtis.has('gone'), false)
  list.jtis.set('old', now() - 5)
  list.sweep(now())
  assert.strictEqual(list.jtis.has('old'), false)
  assert.strictEqual(list.jtis.has('a1'), true)
  assert.throws(() => jwt.jwtAuth({ secret: SECRET, revocations: {} }), /RevocationList/)
  await assert.rejects(list.revoke('', 1), /jti/)
})

test.after(async () => {
  if (!(await reachable())) return
  const redis = new IORedis(6379, '127.0.0.1')
  const keys = await redis.keys(`{${RUN}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})

async function needRedis(t) {
  if (await reachable()) return true
  if (process.env.CI === 'true') assert.fail('Redis is not reachable at 127.0.0.1:6379 (CI=true)')
  t.skip('no Redis at 127.0.0.1:6379')
  return false
}

// Process B: an app with its own RevocationList on Redis (ioredis), printing its URL.
const CHILD = `
const IORedis = require(${JSON.stringify(require.resolve('ioredis'))})
const express = require(${JSON.stringify(require.resolve('express'))})
const { serve } = require(${JSON.stringify(path.join(__dirname, 'helpers/serve'))})
const jwt = require(${JSON.stringify(path.join(__dirname, '../lib/jwt'))})
const { RevocationList } = require(${JSON.stringify(path.join(__dirname, '../lib/jwt/revocation'))})
const redis = new IORedis(6379, '127.0.0.1')
const list = new RevocationList({ redis, prefix: process.env.PREFIX })
const a = express()
a.get('/api', jwt.jwtAuth({ secret: process.env.SECRET, algorithms: ['HS256'], revocations: list }), (req, res) => res.json({}))
a.use((err, req, res, _next) => res.status(err.status || 500).json({ code: err.code }))
list.ready().then(() => serve(a)).then((s) => console.log(s.url))
process.stdin.on('end', () => process.exit(0)).resume()
`

test('Redis: a revocation in process A is honoured by process B within 1 s', async (t) => {
  if (!(await needRedis(t))) return
  const prefix = `${RUN}:two`
  const child = spawn(process.execPath, ['-e', CHILD], {
    env: { ...process.env, PREFIX: prefix, SECRET },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  t.after(() => child.stdin.end())
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(`${String(d).trim()}/api`))
    child.once('exit', (code) => reject(new Error(`process B exited with ${code}`)))
  })
  // Process A (this one) uses node-redis; B uses ioredis.
  const redis = createClient({ url: 'redis://127.0.0.1:6379' })
  await redis.connect()
  const list = new RevocationList({ redis, prefix })
  t.after(async () => {
    await list.close()
    await redis.quit()
  })
  await list.ready()
  for (const [what, revoke, tok] of [
    ['jti', () => list.revoke('x1', now() + 600), token({ sub: 's', jti: 'x1' })],
    ['subject', () => list.revokeSubject('carol', now()), token({ sub: 'carol', jti: 'c1', iat: now() - 5 })],
  ]) {
    assert.strictEqual((await status(url, tok)).status, 200, what)
    const started = Date.now()
    await revoke()
    let seen = null
    for (let i = 0; i < 100 && seen === null; i++) {
      if ((await status(url, tok)).status === 401) seen = Date.now() - started
      else await new Promise((r) => setTimeout(r, 10))
    }
    assert.ok(seen !== null && seen < 1000, `${what}: B refused the token after ${seen} ms`)
    t.diagnostic(`${what}: process B refused the token ${seen} ms after the revocation`)
  }
  // A third process starting later loads the list from Redis.
  const late = new RevocationList({ redis, prefix })
  t.after(() => late.close())
  await late.ready()
  assert.strictEqual(late.isRevoked({ jti: 'x1' }), true)
})

// A TCP proxy to Redis that the test can cut and restore, to lose Redis for real.
async function cuttableProxy() {
  const sockets = new Set()
  let server
  let port = 0
  const listen = () =>
    new Promise((resolve) => {
      server = net.createServer((c) => {
        const r = net.connect(6379, '127.0.0.1')
        sockets.add(c).add(r)
        c.pipe(r).pipe(c)
        const close = () => (c.destroy(), r.destroy())
        c.on('error', close).on('close', close)
        r.on('error', close).on('close', close)
      })
      server.listen(port, '127.0.0.1', () => resolve((port = server.address().port)))
    })
  await listen()
  return {
    port,
    cut: () =>
      new Promise(
        (resolve) => (server.close(resolve), [...sockets].forEach((s) => s.destroy()), sockets.clear()),
      ),
    restore: listen,
  }
}

async function until(cond, what) {
  for (let i = 0; i < 300; i++) {
    if (cond()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.fail(`timed out waiting for ${what}`)
}

test('Redis lost: 503 + Retry-After by default; failOpen serves the last mirror and emits failOpen', async (t) => {
  if (!(await needRedis(t))) return
  const proxy = await cuttableProxy()
  const prefix = `${RUN}:down`
  const clients = [0, 1].map(
    () => new IORedis(proxy.port, '127.0.0.1', { retryStrategy: () => 50, maxRetriesPerRequest: 1 }),
  )
  for (const c of clients) c.on('error', () => {})
  const closed = new RevocationList({ redis: clients[0], prefix })
  const open = new RevocationList({ redis: clients[1], prefix, failOpen: true })
  t.after(async () => {
    await closed.close()
    await open.close()
    for (const c of clients) c.disconnect()
    await proxy.cut()
  })
  await Promise.all([closed.ready(), open.ready()])
  await closed.revoke('d1', now() + 600)
  await until(() => open.isRevoked({ jti: 'd1' }), 'the mirror')
  const s1 = await serve(app(closed))
  const s2 = await serve(app(open))
  t.after(s1.close)
  t.after(s2.close)
  const fine = token({ sub: 'u', jti: 'ok1' })
  const bad = token({ sub: 'u', jti: 'd1' })
  const events = []
  open.on('failOpen', (err) => events.push(err))

  await proxy.cut()
  await until(() => !closed.available && !open.available, 'the lists to notice')
  const r = await status(`${s1.url}/api`, fine)
  assert.strictEqual(r.status, 503)
  assert.strictEqual(r.retryAfter, '1')
  assert.strictEqual((await status(`${s2.url}/api`, fine)).status, 200)
  assert.strictEqual((await status(`${s2.url}/api`, bad)).status, 401, 'the mirror still refuses')
  assert.strictEqual(events.length, 1, 'one failOpen event per outage')

  await proxy.restore()
  await until(() => closed.available && open.available, 'Redis to return')
  assert.strictEqual((await status(`${s1.url}/api`, fine)).status, 200)
  assert.strictEqual((await status(`${s1.url}/api`, bad)).status, 401)
})
