#!/usr/bin/env node
// `npm run fuzz`: a bounded smoke run of every cargo-fuzz target in fuzz/ (FUZZ_SECONDS
// each, default 60), on a corpus seeded from the tests and the shared conformance suite
// (written to fuzz/corpus/<target>/, never committed). Needs cargo-fuzz
// (`cargo install cargo-fuzz`); the toolchain is stable, so RUSTC_BOOTSTRAP=1 lets it use
// the sanitizer flags. FUZZ_TARGETS=a,b picks targets. Exits non-zero on any crash, with
// the reproducer under fuzz/artifacts/<target>/.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const fuzzDir = path.join(root, 'fuzz')
const seconds = Number(process.env.FUZZ_SECONDS || 60)
const shared = process.env.RAMPART_SHARED_DIR || path.join(root, '..', 'shared')
const env = { ...process.env, RUSTC_BOOTSTRAP: '1' }

const targets = fs
  .readdirSync(path.join(fuzzDir, 'fuzz_targets'))
  .filter((f) => f.endsWith('.rs'))
  .map((f) => f.slice(0, -3))
  .filter((t) => !process.env.FUZZ_TARGETS || process.env.FUZZ_TARGETS.split(',').includes(t))

/** Seed inputs per target, built from the tests' kinds of input (and the suite, if present). */
function seeds(target) {
  const out = []
  const suiteDir = path.join(shared, 'conformance', 'JSON-Schema-Test-Suite', 'tests')
  const suiteCases = () => {
    const cases = []
    for (const draft of ['draft2020-12', 'draft7']) {
      const dir = path.join(suiteDir, draft)
      if (!fs.existsSync(dir)) continue
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        for (const group of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))) {
          for (const tc of group.tests) cases.push([draft === 'draft7' ? 4 : 0, group.schema, tc.data])
        }
      }
    }
    return cases
  }
  const builtIn = [
    [
      0,
      { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } }, required: ['a'] },
      { a: 'aaa' },
    ],
    [1, { type: 'array', items: { type: 'integer', minimum: 0 }, uniqueItems: true }, [1, 2, 2]],
    [2, { type: 'string', format: 'email' }, 'a@b.co'],
    [0, { $defs: { n: { $ref: '#/$defs/n' } }, $ref: '#/$defs/n' }, 1],
    [0, { oneOf: [{ type: 'number' }, { multipleOf: 0.01 }] }, 0.3],
  ]
  const jsonDocs = [
    '{}',
    '[]',
    '{"a":[1,2,{"b":null}],"c":"\\ud83d\\ude00"}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '['.repeat(70) + ']'.repeat(70),
    '{"a":1e400,"b":-0,"c":123456789012345678901234567890}',
    '{"role":"user","role":"admin"}',
    '{"a":{"__proto__":1},"a":2}',
    '[9007199254740992,9007199254740993]',
    '{"a":1,"a":1}',
    '"\\ud800"',
  ]
  if (target === 'schema') {
    for (const [flags, schema, data] of [...builtIn, ...suiteCases()]) {
      out.push(
        Buffer.concat([
          Buffer.from([flags]),
          Buffer.from(JSON.stringify(schema)),
          Buffer.from([0]),
          Buffer.from(JSON.stringify(data)),
        ]),
      )
    }
  } else if (target === 'body') {
    for (const doc of jsonDocs) out.push(Buffer.concat([Buffer.from([64]), Buffer.from(doc)]))
    for (const [, , data] of suiteCases().slice(0, 500))
      out.push(Buffer.concat([Buffer.from([63]), Buffer.from(JSON.stringify(data))]))
  } else if (target === 'ratelimit') {
    const keys = ['127.0.0.1', '2001:db8::/56', 'k'.repeat(40), 'é😀', '']
    for (let i = 0; i < 16; i++) {
      const parts = [Buffer.from([i * 13, i & 3])]
      for (const key of keys)
        parts.push(Buffer.from([(i * 8 + 1) & 0xff, i * 7, Buffer.byteLength(key)]), Buffer.from(key))
      out.push(Buffer.concat(parts))
    }
  } else if (target === 'jwt') {
    // Mode 0: tokens (signed with the target's HMAC secret, and the shared workloads');
    // odd modes: a payload to sign, verify and change.
    const jsonwebtoken = require('jsonwebtoken')
    const secret = 'a-fuzzing-secret-of-64-bytes-....................................'
    const tokens = ['HS256', 'HS384', 'HS512'].map((algorithm) =>
      jsonwebtoken.sign({ sub: 'u1', role: 'admin', exp: 4102444800 }, secret, { algorithm }),
    )
    const workloads = path.join(shared, 'workloads', 'jwt.json')
    if (fs.existsSync(workloads)) {
      JSON.stringify(JSON.parse(fs.readFileSync(workloads, 'utf8'))).replace(
        /eyJ[\w-]+\.[\w-]*\.[\w-]*/g,
        (t) => tokens.push(t),
      )
    }
    for (const t of tokens.slice(0, 64)) out.push(Buffer.concat([Buffer.from([0]), Buffer.from(t)]))
    // Mode 2: a JS string's UTF-16 units, as the binding reads a token (one with a low-byte twin).
    for (const t of tokens.slice(0, 8)) {
      const twin = t.slice(0, 5) + String.fromCharCode(0x100 + t.charCodeAt(5)) + t.slice(6)
      for (const s of [t, twin]) out.push(Buffer.concat([Buffer.from([2]), Buffer.from(s, 'utf16le')]))
    }
    for (const [i, p] of ['{"sub":"x"}', '{}', '[]', '"\u00e9"', '{"a":1e400}'].entries()) {
      out.push(Buffer.concat([Buffer.from([1 + 2 * i, i * 50]), Buffer.from(p)]))
    }
  } else if (target === 'sanitize') {
    const html = [...require('../__test__/fixtures/xss-vectors').all]
    const workloads = path.join(shared, 'workloads', 'html.json')
    if (fs.existsSync(workloads)) {
      const w = JSON.parse(fs.readFileSync(workloads, 'utf8'))
      for (const size of ['small', 'medium', 'large']) if (typeof w[size] === 'string') html.push(w[size])
    }
    html.forEach((doc, i) => out.push(Buffer.concat([Buffer.from([i & 3]), Buffer.from(doc)])))
  }
  return out
}

function seedCorpus(target) {
  const dir = path.join(fuzzDir, 'corpus', target)
  fs.mkdirSync(dir, { recursive: true })
  let i = 0
  for (const input of seeds(target))
    fs.writeFileSync(path.join(dir, `seed-${String(i++).padStart(5, '0')}`), input)
  return i
}

const which = spawnSync('cargo', ['fuzz', '--version'], { env, encoding: 'utf8' })
if (which.status !== 0) {
  console.error('rampart: cargo-fuzz is not installed; run `cargo install cargo-fuzz` first')
  process.exit(1)
}

const results = []
for (const target of targets) {
  const seeded = seedCorpus(target)
  console.log(`\n=== fuzz ${target}: ${seconds} s, ${seeded} seeds ===`)
  const started = Date.now()
  const run = spawnSync(
    'cargo',
    [
      'fuzz',
      'run',
      '-O',
      target,
      '--',
      `-max_total_time=${seconds}`,
      '-timeout=10',
      '-rss_limit_mb=2048',
      '-print_final_stats=1',
    ],
    { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  const text = `${run.stdout}\n${run.stderr}`
  const runs = /Done (\d+) runs in (\d+) second/.exec(text)
  const cov = [...text.matchAll(/cov: (\d+) ft: (\d+)/g)].pop()
  const crashed = run.status !== 0
  if (crashed) console.log(text.split('\n').slice(-60).join('\n'))
  const line = `${target}: ${runs ? `${runs[1]} runs in ${runs[2]} s` : `${((Date.now() - started) / 1000).toFixed(0)} s`}${cov ? `, cov ${cov[1]} ft ${cov[2]}` : ''}: ${crashed ? 'CRASH (see fuzz/artifacts/' + target + '/)' : 'no crash'}`
  console.log(line)
  results.push({ target, crashed, line })
}
console.log('\n' + results.map((r) => r.line).join('\n'))
process.exit(results.some((r) => r.crashed) ? 1 : 0)
