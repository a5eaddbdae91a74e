'use strict'
// fortify() moves Express's req/res to V8's dictionary representation (lib/dictionary-mode.js):
// nothing observable may change, and the representation must really change (else it buys nothing).
const test = require('node:test')
const assert = require('node:assert')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const express = require('express')
const { fortify } = require('rampart')
const { resetOwnProperty } = require('../lib/dictionary-mode')
const { serve } = require('./helpers/serve')

test('resetOwnProperty keeps the value, the attributes and the key set; skips what it must not touch', () => {
  const target = { a: 1, b: 'two', c: null }
  resetOwnProperty(target, 'a')
  assert.deepStrictEqual(target, { a: 1, b: 'two', c: null })
  assert.deepStrictEqual(Object.keys(target), ['b', 'c', 'a'])
  assert.deepStrictEqual(Object.getOwnPropertyDescriptor(target, 'a'), {
    value: 1,
    writable: true,
    enumerable: true,
    configurable: true,
  })

  const inherited = Object.create({ a: 1 })
  resetOwnProperty(inherited, 'a')
  assert.strictEqual(Object.hasOwn(inherited, 'a'), false, 'an inherited property stays inherited')

  const fixed = {}
  Object.defineProperty(fixed, 'a', { value: 1, enumerable: true, configurable: false })
  assert.doesNotThrow(() => resetOwnProperty(fixed, 'a'))
  assert.strictEqual(fixed.a, 1)

  const frozen = Object.freeze({ a: 1 })
  assert.doesNotThrow(() => resetOwnProperty(frozen, 'a'))
  assert.strictEqual(frozen.a, 1)

  const absent = {}
  resetOwnProperty(absent, 'a')
  assert.deepStrictEqual(Object.keys(absent), [])
})

test('behind fortify() a handler sees the same req/res links, keys and values as without it', async (t) => {
  const seen = {}
  const app = express()
  app.use((req, res, next) => {
    seen.before = { reqKeys: new Set(Object.keys(req)), resKeys: new Set(Object.keys(res)) }
    next()
  })
  app.use(fortify({ headers: false, rateLimit: false }))
  app.get('/', (req, res) => {
    seen.after = {
      reqKeys: new Set(Object.keys(req)),
      resKeys: new Set(Object.keys(res)),
      links: req.res === res && res.req === req,
      ownLinks: Object.hasOwn(req, 'res') && Object.hasOwn(res, 'req'),
    }
    res.json({ ok: true })
  })
  const { url, close } = await serve(app)
  t.after(close)
  const res = await fetch(`${url}/`)
  assert.deepStrictEqual(await res.json(), { ok: true })
  assert.strictEqual(seen.after.links, true)
  assert.strictEqual(seen.after.ownLinks, true)
  for (const key of seen.before.reqKeys) assert.ok(seen.after.reqKeys.has(key), `req.${key} is still there`)
  for (const key of seen.before.resKeys) assert.ok(seen.after.resKeys.has(key), `res.${key} is still there`)
})

test('under V8, fortify() and each app-level middleware alone leave req and res in dictionary mode', () => {
  // %HasFastProperties needs --allow-natives-syntax, so this runs in a child process.
  const script = `
    const http = require('node:http')
    const express = require('express')
    const { fortify, secureHeaders, cors } = require('rampart')
    const rateLimit = require('rampart/rate-limit')
    const { json } = require('rampart/validate')
    const { jwtAuth, sign } = require('rampart/jwt')
    const secret = 'k'.repeat(32)
    const token = sign({ sub: 'a' }, secret)
    const candidates = {
      fortify: fortify({ rateLimit: false }),
      secureHeaders: secureHeaders(),
      cors: cors({ origin: 'https://app.example' }),
      rateLimit: rateLimit({ limit: 1000 }),
      json: json(),
      jwtAuth: jwtAuth({ secret, algorithms: ['HS256'] }),
      none: (req, res, next) => next(),
    }
    ;(async () => {
      const out = {}
      for (const [name, middleware] of Object.entries(candidates)) {
        const app = express()
        const seen = {}
        app.use((req, res, next) => { seen.before = [%HasFastProperties(req), %HasFastProperties(res)]; next() })
        app.use(middleware)
        app.get('/', (req, res) => { seen.after = [%HasFastProperties(req), %HasFastProperties(res)]; res.end('ok') })
        const server = http.createServer(app)
        await new Promise((r) => server.listen(0, '127.0.0.1', r))
        const res = await fetch('http://127.0.0.1:' + server.address().port + '/', { headers: { authorization: 'Bearer ' + token } })
        await res.text()
        server.close()
        out[name] = { status: res.status, ...seen }
      }
      console.log(JSON.stringify(out))
    })()
  `
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: 60000,
  })
  assert.strictEqual(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout.trim())
  for (const [name, seen] of Object.entries(out)) {
    assert.strictEqual(seen.status, 200, name)
    assert.deepStrictEqual(seen.before, [true, true], `${name}: fast properties before`)
    const expected = name === 'none' ? [true, true] : [false, false]
    assert.deepStrictEqual(seen.after, expected, `${name}: dictionary mode after`)
  }
})
