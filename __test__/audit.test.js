'use strict'
// rampart audit, as real runs: the vulnerable fixture (one finding per planted flaw), its
// fixed twin (clean), and the example APIs, each served in-process on 127.0.0.1.
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const { audit } = require('../lib/audit')
const { atOrAbove } = require('../lib/audit/findings')
const vulnerable = require('./fixtures/vulnerable-app')
const fixed = require('./fixtures/vulnerable-app-fixed')
const exampleConfig = require('./fixtures/example-audit.json')

process.env.QUIET = '1'
const key = (f) => `${f.id} ${f.method} ${f.route}`
const mediumUp = (result) => atOrAbove(result.findings, 'medium').map(key).sort()

test('the vulnerable fixture: one finding per planted flaw, nothing else at medium or above', async () => {
  const result = await audit({ app: vulnerable.createApp(), config: vulnerable.auditConfig })
  const expected = vulnerable.planted.map(([id, method, route]) => `${id} ${method} ${route}`).sort()
  assert.deepStrictEqual(mediumUp(result), expected)
  // The two planted low flaws are found too.
  for (const id of ['headers.x-powered-by', 'cors.preflight-permissive']) {
    assert.ok(
      result.findings.some((f) => f.id === id),
      `${id} not found`,
    )
  }
  for (const f of result.findings) {
    assert.match(f.owasp, /^API\d+:2023$/)
    assert.ok(['critical', 'high', 'medium', 'low', 'info'].includes(f.severity))
    assert.ok(f.fix && f.evidence && f.title, `${f.id} lacks a fix, evidence or title`)
  }
  // Fixes are in rampart terms, and name the route where the flaw is route-specific.
  const bola = result.findings.find((f) => f.id === 'bola.object-access')
  assert.match(bola.fix, /authorize\(.*GET \/api\/orders\/:id/)
  assert.match(result.findings.find((f) => f.id === 'cors.origin-reflected').fix, /cors\(\{ origin: \[/)
  assert.match(result.findings.find((f) => f.id === 'jwt.weak-secret').evidence, /your-256-bit-secret/)
  const crack = result.checks.find((c) => c.id === 'jwt.weak-secret')
  assert.ok(crack.stats.candidatesPerSecond > 0)
  assert.ok(result.requests <= 300)
  assert.ok(
    result.checks.every((c) => c.status === 'ran'),
    JSON.stringify(result.checks.filter((c) => c.status !== 'ran')),
  )
})

test('the fixed fixture audits clean', async () => {
  const secret = crypto.randomBytes(32).toString('base64url')
  const result = await audit({
    app: fixed.createApp({ secret }),
    config: { ...fixed.auditConfig, jwt: { secret } },
  })
  assert.deepStrictEqual(result.findings.map(key), [])
  // With the secret in the config, the exp/nbf probes ran (and were refused).
  assert.strictEqual(result.checks.find((c) => c.id === 'jwt.time-claims').status, 'ran')
  assert.strictEqual(result.checks.find((c) => c.id === 'bola.object-access').status, 'ran')
})

test('examples/server.js: no finding at medium or above', async () => {
  const { createApp } = require('../examples/server')
  const secret = crypto.randomBytes(32).toString('base64url')
  const result = await audit({ app: createApp({ secret }), config: { ...exampleConfig, jwt: { secret } } })
  assert.deepStrictEqual(mediumUp(result), [])
  // Its tokens name their audience and issuer (once the audit's low finding): clean.
  assert.deepStrictEqual(
    result.findings.map((f) => f.id),
    [],
  )
  const ran = result.checks.filter((c) => c.status === 'ran').map((c) => c.id)
  for (const id of [
    'jwt.alg-none',
    'jwt.time-claims',
    'ratelimit.bypass',
    'input.proto-keys',
    'cors.origin-reflected',
  ])
    assert.ok(ran.includes(id), id)
})

test('examples/js-stack.js: the finding its stack really has', async () => {
  const { createApp } = require('../examples/js-stack')
  const secret = crypto.randomBytes(32).toString('base64url')
  const result = await audit({ app: createApp({ secret }), config: { ...exampleConfig, jwt: { secret } } })
  // express.json() keeps a "__proto__" key and Joi lets it through to the handler.
  assert.deepStrictEqual(mediumUp(result), ['input.proto-keys POST /api/comments'])
  // Its own error handler answers JSON, but not problem+json.
  assert.ok(result.findings.some((f) => f.id === 'errors.not-problem-json'))
})
