'use strict'
// The audit's bounds: the request budget, loopback only, dry runs, a dead server, and
// the pieces the checks are built from (header parsing, the cracker, the wordlist).
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const fs = require('node:fs')
const { serve } = require('./helpers/serve')
const { audit, UsageError } = require('../lib/audit')
const { isLoopback } = require('../lib/audit/target')
const { cspProblem, hstsProblem } = require('../lib/audit/checks/headers')
const { remaining } = require('../lib/audit/checks/ratelimit')
const { protoBody } = require('../lib/audit/checks/input')
const { harvest } = require('../lib/audit/checks/bola')
const { crackHs256, WORDLIST } = require('../lib/audit/crack')
const { hs256 } = require('../lib/audit/token')
const vulnerable = require('./fixtures/vulnerable-app')

// Serves the vulnerable fixture and counts what reaches it.
async function counted() {
  const app = vulnerable.createApp()
  let hits = 0
  const s = await serve((req, res) => {
    hits++
    app(req, res)
  })
  return { ...s, hits: () => hits }
}

test('never sends more than the budget, and says which checks the budget stopped', async () => {
  const s = await counted()
  try {
    const result = await audit({ baseUrl: s.url, config: vulnerable.auditConfig, budget: 25 })
    assert.strictEqual(s.hits(), 25)
    assert.strictEqual(result.requests, 25)
    const stopped = result.checks.filter(
      (c) => c.status === 'skipped' && /budget \(25\) is spent/.test(c.reason),
    )
    assert.ok(stopped.length > 0, JSON.stringify(result.checks))
  } finally {
    await s.close()
  }
})

test('refuses a remote base URL without allowRemote, before sending anything', async () => {
  for (const url of ['http://10.0.0.1:3000', 'https://example.com', 'http://127.0.0.1.evil.example']) {
    await assert.rejects(
      audit({ baseUrl: url }),
      (err) => err instanceof UsageError && /--allow-remote/.test(err.message),
    )
  }
  assert.deepStrictEqual(['localhost', '127.0.0.1', '127.5.5.5', '[::1]', 'api.localhost'].map(isLoopback), [
    true,
    true,
    true,
    true,
    true,
  ])
  assert.deepStrictEqual(
    ['10.0.0.1', '0.0.0.0', 'localhost.example', '::ffff:10.0.0.1', '128.0.0.1'].map(isLoopback),
    [false, false, false, false, false],
  )
})

test('dry run: lists requests and sends none', async () => {
  const s = await counted()
  try {
    const result = await audit({ baseUrl: s.url, config: vulnerable.auditConfig, dryRun: true })
    assert.strictEqual(s.hits(), 0)
    assert.ok(result.planned.length > 10)
    assert.ok(result.planned.some((p) => p.method === 'OPTIONS' && p.label === 'cors preflight'))
    assert.deepStrictEqual(result.findings, [])
  } finally {
    await s.close()
  }
})

test('a server that is not there is a connection error', async () => {
  const s = await serve((req, res) => res.end())
  const url = s.url
  await s.close()
  await assert.rejects(audit({ baseUrl: url }), (err) => err.name === 'ConnectionError' && err.exitCode === 2)
})

test('without a config: discovers routes from the root and says what it could not run', async () => {
  const express = require('express')
  const app = express()
  app.get('/', (req, res) => res.json({ routes: ['GET /api/me', 'POST /api/notes'] }))
  const seen = []
  app.use((req, res) => {
    seen.push(`${req.method} ${req.path}`)
    res.status(401).json({ error: 'unauthorized' })
  })
  const result = await audit({ app })
  const reason = (id) => result.checks.find((c) => c.id === id).reason
  assert.match(reason('jwt.alg-none'), /no sample token/)
  assert.match(reason('bola.object-access'), /two identities/)
  assert.match(reason('input.proto-keys'), /no route with a known request body/)
  // The discovered routes were probed: the error checks posted to POST /api/notes.
  assert.ok(seen.includes('POST /api/notes') && seen.includes('GET /api/me'), seen.join(', '))
  assert.strictEqual(result.checks.find((c) => c.id === 'errors.stack-trace').status, 'ran')
})

test('the config is checked: unknown keys and bad routes are usage errors', async () => {
  await assert.rejects(
    audit({ baseUrl: 'http://127.0.0.1:1', config: { rotues: [] } }),
    /unknown config key 'rotues'/,
  )
  await assert.rejects(
    audit({ baseUrl: 'http://127.0.0.1:1', config: { routes: [{ path: 'x' }] } }),
    /starts with '\/'/,
  )
  await assert.rejects(audit({ baseUrl: 'http://127.0.0.1:1', budget: 0 }), /budget/)
})

test('header rules: CSP and HSTS', () => {
  assert.match(cspProblem("default-src 'self'; script-src 'self' 'unsafe-inline'"), /unsafe-inline/)
  assert.match(cspProblem('default-src *'), /allows \*/)
  assert.match(cspProblem(undefined), /no Content-Security-Policy/)
  assert.strictEqual(cspProblem("default-src 'self'; script-src 'self' 'nonce-abc' 'unsafe-inline'"), null)
  assert.strictEqual(cspProblem("default-src 'self'"), null)
  assert.match(hstsProblem('max-age=3600'), /under 180 days/)
  assert.strictEqual(hstsProblem('max-age=31536000; includeSubDomains'), null)
})

test('rate-limit headers of every draft give the remaining count', () => {
  assert.strictEqual(remaining({ 'ratelimit-remaining': '4' }), 4)
  assert.strictEqual(remaining({ 'x-ratelimit-remaining': '7' }), 7)
  assert.strictEqual(remaining({ ratelimit: 'limit=100, remaining=98, reset=60' }), 98)
  assert.strictEqual(remaining({ ratelimit: '"100-in-1min"; r=97; t=60' }), 97)
  assert.strictEqual(remaining({}), undefined)
})

test('probe bodies: a literal __proto__ key survives, ids are harvested', () => {
  const body = protoBody({ text: 'x' }, '__proto__')
  assert.ok(Object.hasOwn(JSON.parse(body), '__proto__'))
  assert.strictEqual(JSON.parse(body).text, 'x')
  assert.ok(Object.hasOwn(JSON.parse(protoBody({}, 'constructor')).constructor, 'prototype'))
  assert.deepStrictEqual(
    [...harvest({ orders: [{ id: 1, ownerId: 'u1' }, { id: 2 }], name: 'x' })],
    ['1', 'u1', '2'],
  )
})

test('the HS256 cracker finds the shipped secrets and agrees with node:crypto', () => {
  const words = fs.readFileSync(WORDLIST, 'utf8').split('\n')
  assert.ok(words.length > 2000, `${words.length} words`)
  for (const w of ['secret', 'changeme', 'your-256-bit-secret', 'keyboard cat', 'qwertyuiop'])
    assert.ok(words.includes(w), w)
  for (const secret of ['secret', 'changeme', 'your-256-bit-secret', words[words.length - 3]]) {
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'a' }, secret)
    assert.strictEqual(crackHs256(token).secret, secret)
  }
  const strong = hs256({ alg: 'HS256' }, { sub: 'a' }, crypto.randomBytes(32))
  const miss = crackHs256(strong)
  assert.strictEqual(miss.secret, undefined)
  assert.strictEqual(miss.tried, words.filter((w, i) => i < words.length - 1).length)
  // Words from the config come first.
  assert.strictEqual(
    crackHs256(hs256({ alg: 'HS256' }, {}, 'team-secret-2026'), { extraWords: ['team-secret-2026'] }).secret,
    'team-secret-2026',
  )
  assert.strictEqual(crackHs256(hs256({ alg: 'HS256' }, {}, 'secret'), { threads: 1 }).secret, 'secret')
})

test('every family is bounded in time, and sends nothing once its time is up', async () => {
  const app = vulnerable.createApp()
  let hits = 0
  // Every answer takes 40 ms: the audit cannot finish in 400 ms.
  const s = await serve((req, res) => {
    hits++
    setTimeout(() => app(req, res), 40)
  })
  try {
    const result = await audit({ baseUrl: s.url, config: vulnerable.auditConfig, timeMs: 400 })
    assert.ok(
      result.checks.some((c) => c.status === 'skipped' && /ran out of time/.test(c.reason)),
      JSON.stringify(result.checks),
    )
    const after = hits
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.ok(hits - after <= 1, `${hits - after} requests arrived after the audit ended`)
  } finally {
    await s.close()
  }
})

test('a base URL at the root or under a path prefix: requests stay under it, no doubled slash', async () => {
  const express = require('express')
  const outer = express()
  const seen = []
  outer.use((req, res, next) => {
    seen.push(req.url)
    next()
  })
  outer.use('/v1', vulnerable.createApp())
  outer.use(vulnerable.createApp())
  const s = await serve(outer)
  try {
    for (const [base, prefix] of [
      [s.url, '/'],
      [`${s.url}/`, '/'],
      [`${s.url}/v1`, '/v1/'],
      [`${s.url}/v1/`, '/v1/'],
    ]) {
      seen.length = 0
      const result = await audit({ baseUrl: base, config: vulnerable.auditConfig, budget: 40 })
      assert.ok(result.findings.some((f) => f.id === 'headers.hsts'))
      // '//login' (from a root base URL) was a bug: every login went to a 404.
      assert.deepStrictEqual(
        seen.filter((u) => !u.startsWith(prefix) || u.includes('//')),
        [],
        base,
      )
    }
  } finally {
    await s.close()
  }
})

test('routes from an OpenAPI 3 document, and a config from an .mjs module', async () => {
  const { routesFromOpenApi, loadConfig } = require('../lib/audit/config')
  const doc = {
    openapi: '3.0.3',
    paths: {
      '/orders/{id}': { get: {} },
      '/notes': {
        post: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } },
        },
      },
      '/login': {
        post: {
          requestBody: { content: { 'application/json': { example: { username: 'a', password: 'b' } } } },
        },
      },
    },
    components: {
      schemas: {
        Note: { type: 'object', properties: { text: { type: 'string' }, pinned: { type: 'boolean' } } },
      },
    },
  }
  assert.deepStrictEqual(await routesFromOpenApi(doc), [
    { method: 'GET', path: '/orders/{id}', body: undefined },
    { method: 'POST', path: '/notes', body: { text: 'rampart', pinned: true } },
    { method: 'POST', path: '/login', body: { username: 'a', password: 'b' } },
  ])
  const dir = fs.mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'rampart-audit-'))
  try {
    const file = require('node:path').join(dir, 'rampart-audit.mjs')
    fs.writeFileSync(
      file,
      "export default { routes: [{ method: 'get', path: '/x' }], skip: ['ratelimit'] }\n",
    )
    const config = await loadConfig(file)
    assert.deepStrictEqual(config.routes, [{ method: 'GET', path: '/x', body: undefined }])
    assert.deepStrictEqual(config.skip, ['ratelimit'])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('skip in the config: whole families or single checks', async () => {
  const result = await audit({
    app: vulnerable.createApp(),
    config: {
      ...vulnerable.auditConfig,
      skip: ['ratelimit', 'jwt', 'bola', 'input', 'errors', 'cors.null-origin'],
    },
  })
  const skipped = result.checks.filter((c) => c.reason === 'skipped by the config').map((c) => c.id)
  assert.ok(
    skipped.includes('ratelimit.bypass') &&
      skipped.includes('jwt.alg-none') &&
      skipped.includes('cors.null-origin'),
  )
  assert.ok(
    !result.findings.some(
      (f) => /^(ratelimit|jwt|bola|input|errors)\./.test(f.id) || f.id === 'cors.null-origin',
    ),
  )
  assert.ok(result.findings.some((f) => f.id === 'cors.origin-reflected'))
})
