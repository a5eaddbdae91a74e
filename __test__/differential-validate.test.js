'use strict'
// compile() against ajv (Ajv2020 + ajv-formats, the library it replaces) on generated
// instances for a selection of the JSON-Schema-Test-Suite's draft 2020-12 schemas: the
// suite's own data, then seeded mutations of it (types swapped, keys added and dropped,
// numbers and strings nudged, lone surrogates). Both must agree on valid / invalid;
// every known disagreement is listed in EXPLAINED with its reason.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')
const { compile } = require('../lib/validate')
const { prng } = require('./helpers/prng')

const shared = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
const dir = path.join(shared, 'conformance', 'JSON-Schema-Test-Suite', 'tests', 'draft2020-12')
const FILES = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'enum',
  'const',
  'items',
  'prefixItems',
  'contains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if-then-else',
  'dependentRequired',
  'dependentSchemas',
  'propertyNames',
  'unevaluatedProperties',
  'defs',
  'ref',
]
const MUTATIONS_PER_CASE = 12
const TIME_BUDGET_MS = 20_000

// Disagreements with a reason: (schema, instance) → reason, or null when unexplained.
const EXPLAINED = [
  [
    (s) => /"(__proto__|constructor|toString|length)"/.test(JSON.stringify(s)),
    'names of Object.prototype members (__proto__, constructor, toString): ajv reads inherited properties as present (its ownProperties option is off by default); rampart validates JSON, as the suite expects',
  ],
  [
    (s, x, text, group) => group.ajvFailsSuite,
    "ajv fails this group's own suite tests (unevaluated* through if/then/else annotations); rampart gives the suite's answer",
  ],
  [
    (s) => /"(multipleOf)"/.test(JSON.stringify(s)),
    'multipleOf with float division: ajv uses JS floating point, jsonschema exact decimal arithmetic',
  ],
  [
    (s, x, text) => /\d{16,}|e[+-]?\d{3}/i.test(text),
    'numbers beyond 2^53 or 1e308: JSON.stringify and serde_json round them differently',
  ],
]

const ATOMS = [null, true, false, 0, -1, 1.5, 2 ** 31, 'a', '', 'foo', 'é😀', [], {}, [1, 'a'], { a: 1 }]

function mutate(value, rnd, depth = 0) {
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)]
  const r = rnd()
  if (depth > 3 || r < 0.15) return structuredClone(pick(ATOMS))
  if (typeof value === 'number')
    return pick([value + 1, value - 1, value * 2, -value, value + 0.5, String(value)])
  if (typeof value === 'string') {
    return pick([value + 'x', value.slice(1), value.toUpperCase(), value.repeat(3), Number(value) || 0, ''])
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => (rnd() < 0.3 ? mutate(v, rnd, depth + 1) : v))
    if (rnd() < 0.3) out.push(mutate(pick(ATOMS), rnd, depth + 1))
    if (rnd() < 0.2) out.pop()
    if (rnd() < 0.2 && out.length) out.push(structuredClone(out[0]))
    return out
  }
  if (value && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) {
      if (rnd() < 0.15) continue
      out[k] = rnd() < 0.3 ? mutate(v, rnd, depth + 1) : v
    }
    if (rnd() < 0.3)
      out[pick(['foo', 'bar', 'baz', 'a', 'x', 'fxo', '__proto__x'])] = mutate(pick(ATOMS), rnd, depth + 1)
    return out
  }
  return pick(ATOMS)
}

test('differential: compile() agrees with ajv on the suite schemas and seeded mutations', (t) => {
  if (!fs.existsSync(dir)) {
    if (process.env.CI === 'true') assert.fail(`the conformance suite is missing at ${dir}`)
    t.skip(`the JSON-Schema-Test-Suite is missing at ${dir}`)
    return
  }
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true })
  addFormats(ajv)
  const rnd = prng(0x5eed)
  const started = Date.now()
  const unexplained = []
  const explained = new Map()
  let compared = 0
  for (const file of FILES) {
    const groups = JSON.parse(fs.readFileSync(path.join(dir, `${file}.json`), 'utf8'))
    for (const group of groups) {
      if (JSON.stringify(group.schema).includes('localhost:1234')) continue // remote refs
      let ours
      let theirs
      try {
        ours = compile(group.schema)
        theirs = ajv.compile(group.schema)
      } catch {
        continue // a schema one of them refuses is covered by the conformance test
      }
      group.ajvFailsSuite = group.tests.some((tc) => {
        try {
          return theirs(structuredClone(tc.data)) !== tc.valid
        } catch {
          return true
        }
      })
      const instances = []
      for (const tc of group.tests) {
        instances.push(tc.data)
        for (let i = 0; i < MUTATIONS_PER_CASE; i++) instances.push(mutate(tc.data, rnd))
      }
      instances.push({ s: '\ud800' }, ['\udc00'])
      for (const x of instances) {
        if (Date.now() - started > TIME_BUDGET_MS) break
        const a = ours(structuredClone(x))
        let b
        try {
          b = theirs(structuredClone(x))
        } catch {
          // ajv recurses without bound on a self-referencing schema; rampart must still answer
          assert.strictEqual(typeof a, 'boolean')
          explained.set(
            'ajv overflows its stack (recursive $ref); rampart answers',
            (explained.get('ajv overflows its stack (recursive $ref); rampart answers') || 0) + 1,
          )
          continue
        }
        compared++
        if (a === b) continue
        const text = JSON.stringify(x)
        const why = EXPLAINED.find(([match]) => match(group.schema, x, text, group))
        if (why) explained.set(why[1], (explained.get(why[1]) || 0) + 1)
        else unexplained.push(`${file} > ${group.description}: ${text.slice(0, 120)} rampart=${a} ajv=${b}`)
      }
    }
  }
  for (const [reason, n] of explained) t.diagnostic(`${n} explained: ${reason}`)
  t.diagnostic(`${compared} instances compared in ${Date.now() - started} ms`)
  assert.ok(compared > 1000, `only ${compared} instances compared`)
  assert.deepStrictEqual(unexplained.slice(0, 30), [], `${unexplained.length} unexplained disagreements`)
})

test('regression: a string with a lone UTF-16 surrogate validates as ajv does (was "must be a JSON value")', () => {
  const ajv = new Ajv2020({ strict: false })
  const schema = { type: 'object', properties: { a: { type: 'string', maxLength: 2 } }, required: ['a'] }
  const ours = compile(schema)
  const theirs = ajv.compile(schema)
  for (const a of ['\ud800', 'x\udc00', '\udc00\ud800', '\\ud800', '\\\ud800', '\ud800xyz', '😀']) {
    assert.strictEqual(ours({ a }), theirs({ a }), JSON.stringify(a))
  }
  assert.strictEqual(ours({ a: 1, b: '\ud800' }), false)
  assert.strictEqual(ours.errors[0].keyword, 'type')
})
