'use strict'
// fortify() moves Express's req/res to V8's dictionary representation (lib/fortify/dictionary-mode.js):
// nothing observable may change, and the representation must really change (else it buys nothing).
const test = require('node:test')
const assert = require('node:assert')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const express = require('express')
const { fortify } = require('rampart')
const { resetOwnProperty } = require('../lib/fortify/dictionary-mode')
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

test('under V8, fortify() really leaves req and res in dictionary mode', () => {
  // %HasFastProperties needs --allow-natives-syntax, so this runs in a child process.
  const script = `
    const http = require('node:http')
    const express = require('express')
    const { fortify } = require('rampart')
    const app = express()
    const out = {}
    app.use((req, res, next) => { out.beforeReq = %HasFastProperties(req); out.beforeRes = %HasFastProperties(res); next() })
    app.use(fortify({ rateLimit: false }))
    app.get('/', (req, res) => { out.afterReq = %HasFastProperties(req); out.afterRes = %HasFastProperties(res); res.end('ok') })
    const server = http.createServer(app).listen(0, '127.0.0.1', async () => {
      await fetch('http://127.0.0.1:' + server.address().port + '/').then((r) => r.text())
      server.close()
      console.log(JSON.stringify(out))
    })
  `
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: 30000,
  })
  assert.strictEqual(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout.trim())
  assert.deepStrictEqual(out, { beforeReq: true, beforeRes: true, afterReq: false, afterRes: false })
})
