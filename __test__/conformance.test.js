'use strict'
// The official JSON-Schema-Test-Suite through compile(): the required tests of draft
// 2020-12 and draft-07, the suite's remotes/ served in-process through options.schemas
// (nothing is fetched), and optional/format for the formats the contract names.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { compile } = require('../lib/validate')
const native = require('../lib/native')

const shared = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
const suite = path.join(shared, 'conformance', 'JSON-Schema-Test-Suite')
const CONTRACT_FORMATS = [
  'email',
  'uri',
  'uri-reference',
  'date',
  'time',
  'date-time',
  'duration',
  'uuid',
  'ipv4',
  'ipv6',
  'hostname',
  'regex',
  'json-pointer',
]

// Known skips: `file > group > test` → reason. Every other required test must pass.
const KNOWN_SKIPS = {}

function remotes(dir) {
  const out = {}
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (entry.name.endsWith('.json')) {
        const rel = path.relative(dir, p).split(path.sep).join('/')
        out[`http://localhost:1234/${rel}`] = JSON.parse(fs.readFileSync(p, 'utf8'))
      }
    }
  }
  walk(dir)
  return out
}

function run(files, options) {
  let passed = 0
  let total = 0
  const failures = []
  const skipped = []
  for (const file of files) {
    const groups = JSON.parse(fs.readFileSync(file, 'utf8'))
    const name = path.relative(path.join(suite, 'tests'), file)
    for (const group of groups) {
      let validate = null
      let compileError = null
      try {
        validate = compile(group.schema, options(path.basename(file)))
      } catch (err) {
        compileError = err
      }
      for (const t of group.tests) {
        total++
        const id = `${name} > ${group.description} > ${t.description}`
        if (KNOWN_SKIPS[id]) {
          skipped.push(id)
          continue
        }
        let got
        try {
          got = validate ? validate(structuredClone(t.data)) : `compile error: ${compileError.message}`
        } catch (err) {
          got = `threw: ${err.message}`
        }
        // The raw-bytes path of json() (the schema-driven parse) must agree.
        const body = Buffer.from(JSON.stringify(t.data))
        const raw = validate ? native.checkBodyById(validate.schemaId, body, 1000) & 15 : -1
        if (raw === 3) native.takeBodyErrors()
        const rawValid = raw === 0 ? true : raw === 3 ? false : `code ${raw}`
        if (got === t.valid && rawValid === t.valid) passed++
        else failures.push(`${id}: expected ${t.valid}, got ${got} (raw bytes: ${rawValid})`)
      }
    }
  }
  return { passed, total, failures, skipped }
}

const present = fs.existsSync(path.join(suite, 'tests'))
if (!present) {
  if (process.env.CI === 'true') {
    test('JSON-Schema-Test-Suite is present (CI)', () => assert.fail(`missing ${suite}`))
  } else {
    console.log(`# skipped: JSON-Schema-Test-Suite not found at ${suite}`)
  }
} else {
  const schemas = remotes(path.join(suite, 'remotes'))
  for (const draft of ['draft2020-12', 'draft7']) {
    test(`JSON-Schema-Test-Suite ${draft}: every required test`, () => {
      const dir = path.join(suite, 'tests', draft)
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join(dir, f))
      // Required tests treat `format` as an annotation; rampart asserts formats by default
      // (as ajv with ajv-formats), so format.json runs with validateFormats: false.
      const draftName = draft === 'draft7' ? '07' : '2020-12'
      const result = run(files, (base) => ({
        schemas,
        draft: draftName,
        validateFormats: base !== 'format.json',
      }))
      console.log(
        `# ${draft} required: ${result.passed}/${result.total - result.skipped.length} passed` +
          (result.skipped.length ? `, ${result.skipped.length} known skips` : ''),
      )
      assert.deepStrictEqual(result.failures, [])
    })
    test(`JSON-Schema-Test-Suite ${draft}: optional/format for the contract's formats`, () => {
      const dir = path.join(suite, 'tests', draft, 'optional', 'format')
      const files = CONTRACT_FORMATS.map((f) => path.join(dir, `${f}.json`)).filter((f) => fs.existsSync(f))
      const result = run(files, () => ({ schemas, draft: draft === 'draft7' ? '07' : '2020-12' }))
      console.log(`# ${draft} optional/format (contract formats): ${result.passed}/${result.total} passed`)
      assert.deepStrictEqual(result.failures, [])
    })
  }
}
