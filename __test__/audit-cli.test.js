'use strict'
// `rampart audit` as CI runs it: a child process against a server in this process. The
// SARIF file validates against the SARIF 2.1.0 schema, the JUnit file parses back, and
// the exit codes follow --fail-on and --baseline.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFile } = require('node:child_process')
const Ajv = require('ajv')
const { XMLParser } = require('fast-xml-parser')
const { serve } = require('./helpers/serve')
const vulnerable = require('./fixtures/vulnerable-app')

const bin = path.join(__dirname, '..', 'bin', 'rampart.js')
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')

// Async: the server under audit runs in this process and must keep answering.
function rampart(args) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { timeout: 60_000, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        resolve({ code: err ? err.code : 0, stdout, stderr })
      },
    )
  })
}

// The schema is draft-04; ajv 8 reads it as draft-07 once its root `id` is `$id` (it
// uses no other draft-04-only keyword: no boolean exclusiveMinimum/Maximum).
function sarifSchema() {
  const text = fs.readFileSync(schemaPath, 'utf8')
  assert.ok(!/exclusiveM/.test(text))
  const { $schema, id, ...rest } = JSON.parse(text)
  assert.match($schema, /draft-04/)
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: id, ...rest }
}

let server
let dir
let config
test.before(async () => {
  server = await serve(vulnerable.createApp())
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-audit-'))
  config = path.join(dir, 'rampart-audit.json')
  fs.writeFileSync(config, JSON.stringify(vulnerable.auditConfig))
})
test.after(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('json output is the audit result; findings at or above --fail-on exit 1', async () => {
  const out = path.join(dir, 'result.json')
  const run = await rampart(['audit', server.url, '--config', config, '--format', 'json', '--output', out])
  assert.strictEqual(run.code, 1, run.stderr)
  const result = JSON.parse(fs.readFileSync(out, 'utf8'))
  assert.ok(
    Array.isArray(result.findings) && Array.isArray(result.checks) && Number.isInteger(result.requests),
  )
  assert.strictEqual(result.findings.length >= vulnerable.planted.length, true)

  // The same findings as a baseline: all suppressed, shown as such, exit 0.
  const again = await rampart(['audit', server.url, '--config', config, '--baseline', out])
  assert.strictEqual(again.code, 0, again.stderr)
  assert.match(again.stdout, /\[suppressed\]/)
  assert.match(again.stdout, /suppressed\./)
})

test('SARIF 2.1.0 validates against the schema and carries rules, levels and fixes', async () => {
  const out = path.join(dir, 'audit.sarif')
  const run = await rampart([
    'audit',
    server.url,
    '--config',
    config,
    '--format',
    'sarif',
    '--output',
    out,
    '--fail-on',
    'critical',
  ])
  assert.strictEqual(run.code, 1, run.stderr)
  const sarif = JSON.parse(fs.readFileSync(out, 'utf8'))
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false })
  const validate = ajv.compile(sarifSchema())
  assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2))
  // The validator does refuse a broken log.
  const broken = structuredClone(sarif)
  broken.runs[0].results[0].level = 'severe'
  assert.ok(!validate(broken))
  const results = sarif.runs[0].results
  const rules = sarif.runs[0].tool.driver.rules
  assert.ok(results.length >= vulnerable.planted.length)
  for (const r of results) {
    assert.strictEqual(rules[r.ruleIndex].id, r.ruleId)
    assert.match(r.message.text, /Fix: /)
  }
  assert.strictEqual(results.find((r) => r.ruleId === 'jwt.alg-none').level, 'error')
})

test('JUnit parses back: a failure per finding, a skipped case per skipped check', async () => {
  const out = path.join(dir, 'audit.xml')
  const run = await rampart(['audit', server.url, '--config', config, '--format', 'junit', '--output', out])
  assert.strictEqual(run.code, 1, run.stderr)
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    fs.readFileSync(out, 'utf8'),
  )
  const suites = [].concat(xml.testsuites.testsuite)
  assert.deepStrictEqual(
    suites.map((s) => s.name.replace('rampart audit: ', '')),
    ['headers', 'cors', 'errors', 'jwt', 'input', 'bola', 'ratelimit'],
  )
  const cases = suites.flatMap((s) => [].concat(s.testcase))
  const failed = cases.filter((c) => c.failure).map((c) => c.name.split(':')[0])
  for (const [id] of vulnerable.planted) assert.ok(failed.includes(id), `${id} is not a failure`)
  assert.strictEqual(
    Number(xml.testsuites.failures),
    cases.reduce((n, c) => n + [].concat(c.failure || []).length, 0),
  )

  // With a budget too small for every check, the rest are skipped test cases that say why.
  const small = await rampart([
    'audit',
    server.url,
    '--config',
    config,
    '--format',
    'junit',
    '--budget',
    '30',
  ])
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(small.stdout)
  const skipped = []
    .concat(parsed.testsuites.testsuite)
    .flatMap((s) => [].concat(s.testcase))
    .filter((c) => c.skipped)
  assert.ok(skipped.length > 0)
  for (const c of skipped) assert.match(c.skipped.message, /budget \(30\) is spent/)
})

test('exit 2: usage errors, a remote URL without --allow-remote, a dead server', async () => {
  const bad = await rampart(['audit', server.url, '--format', 'yaml'])
  assert.strictEqual(bad.code, 2)
  assert.match(bad.stderr, /--format must be one of/)
  const remote = await rampart(['audit', 'http://192.0.2.1:3000'])
  assert.strictEqual(remote.code, 2)
  assert.match(remote.stderr, /not a loopback address; pass --allow-remote/)
  const none = await rampart(['audit'])
  assert.strictEqual(none.code, 2)
  const dead = await serve((req, res) => res.end())
  await dead.close()
  const refused = await rampart(['audit', dead.url])
  assert.strictEqual(refused.code, 2)
  assert.match(refused.stderr, /cannot reach/)
})

test('--dry-run lists the requests and exits 0', async () => {
  const run = await rampart(['audit', server.url, '--config', config, '--dry-run'])
  assert.strictEqual(run.code, 0, run.stderr)
  assert.match(run.stdout, /Dry run: \d+ requests would be sent/)
  assert.match(run.stdout, /OPTIONS/)
})

test('--token alone: the offline JWT checks run on it', async () => {
  const login = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-pass' }),
  })
  const { token } = await login.json()
  const run = await rampart([
    'audit',
    server.url,
    '--token',
    token,
    '--format',
    'json',
    '--budget',
    '40',
    '--fail-on',
    'critical',
  ])
  assert.strictEqual(run.code, 1, run.stderr)
  const result = JSON.parse(run.stdout)
  assert.ok(result.requests <= 40)
  assert.deepStrictEqual(
    result.findings.filter((f) => f.id.startsWith('jwt.')).map((f) => f.id),
    ['jwt.no-exp', 'jwt.no-aud-iss', 'jwt.weak-secret'],
  )
  // No route is known, so the forgery checks say why they did not run.
  assert.match(
    result.checks.find((c) => c.id === 'jwt.alg-none').reason,
    /no GET route that this token opens/,
  )
})
