'use strict'
// ajv's mutating options (removeAdditional true | 'all' | 'failing', useDefaults,
// coerceTypes true | 'array') against ajv itself, over the JSON-Schema-Test-Suite
// (draft 2020-12 and draft-07) and the shared workloads: the same valid / invalid answer
// AND the same mutated data (deep-equal), through compile(), validate({ body }) and
// json({ schema }). The few deliberate differences are the EXCLUDED rules below, each
// with its reason (docs/validate.md lists them for users).
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { isDeepStrictEqual } = require('node:util')
const Ajv = require('ajv')
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')
const { compile, validate } = require('../lib/validate')
const { createParser } = require('../lib/validate/json')

const shared = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
const suite = path.join(shared, 'conformance', 'JSON-Schema-Test-Suite', 'tests')
const workloads = path.join(shared, 'workloads', 'validation.json')

const OPTIONS = [
  { removeAdditional: true },
  { removeAdditional: 'all' },
  { removeAdditional: 'failing' },
  { useDefaults: true },
  { coerceTypes: true },
  { coerceTypes: 'array' },
]

// Keywords through which ajv mutates speculatively: it removes, coerces and fills
// defaults inside anyOf / oneOf / not / if branches (and the other in-place applicators)
// even when the branch then fails and is discarded. rampart mutates only through
// properties, patternProperties, additionalProperties, items / prefixItems, allOf and
// $ref, so data is never changed by a schema that did not apply.
const SPECULATIVE =
  /"(anyOf|oneOf|not|if|then|else|dependentSchemas|dependencies|unevaluatedProperties|unevaluatedItems|contains|propertyNames|\$dynamicRef|\$recursiveRef)"/

/** Deliberate differences: [name, (case) => boolean, reason]. Kept small and explicit. */
const EXCLUDED = [
  [
    'baseline',
    (c) => c.baselineDiffers,
    'plain ajv and rampart already disagree on this instance with no option (ajv fails the suite there, or a documented difference); differential-validate.test.js covers it',
  ],
  [
    'speculative',
    (c) => SPECULATIVE.test(c.schemaText),
    'ajv mutates inside branches it then discards (anyOf, oneOf, not, if/then/else, dependentSchemas, unevaluated*, contains); rampart only where the schema applies',
  ],
  [
    'prototype-names',
    (c) => /"(__proto__|constructor|toString|length)"/.test(c.schemaText),
    'ajv reads inherited Object.prototype members as present properties; rampart validates the JSON value',
  ],
  [
    'interleaved-allOf',
    (c) => c.option.removeAdditional && c.ours === true && c.theirs === false && /"allOf"/.test(c.schemaText),
    'one allOf branch validates a key that another branch removes: ajv rejects the value before removing the key; rampart removes first, so the key (and its bad value) never reaches the app',
  ],
]

const ajvs = new Map()
/** One ajv per (draft, option, allErrors), reused: making one (with formats) is the slow part. */
function ajvFor(draft, option, allErrors) {
  const key = `${draft} ${JSON.stringify(option)} ${allErrors}`
  if (!ajvs.has(key)) {
    const Ctor = draft === '07' ? Ajv : Ajv2020
    ajvs.set(key, addFormats(new Ctor({ strict: false, logger: false, allErrors, ...option })))
  }
  return ajvs.get(key)
}

/** Compiles with a shared ajv, then forgets the schema (suite groups reuse $ids). */
function ajvCompile(draft, option, allErrors, schema) {
  const ajv = ajvFor(draft, option, allErrors)
  try {
    return ajv.compile(schema)
  } catch {
    return null // a schema ajv refuses is covered by the conformance test
  } finally {
    ajv.removeSchema()
  }
}

/** ajv's answer, or undefined when it overflows its stack (a recursive $ref). */
function run(check, data) {
  try {
    return check(data)
  } catch {
    return undefined
  }
}

/** Suite groups (schema + test data), minus remote refs; and the workloads' bodies. */
function cases() {
  const out = []
  for (const [dirName, draft] of [
    ['draft2020-12', '2020-12'],
    ['draft7', '07'],
  ]) {
    const dir = path.join(suite, dirName)
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      for (const group of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))) {
        const schemaText = JSON.stringify(group.schema)
        if (schemaText.includes('localhost:1234')) continue
        out.push({
          name: `${dirName}/${file} > ${group.description}`,
          draft,
          schema: group.schema,
          schemaText,
          data: group.tests.map((t) => t.data),
        })
      }
    }
  }
  if (fs.existsSync(workloads)) {
    const w = JSON.parse(fs.readFileSync(workloads, 'utf8'))
    for (const [name, schema] of Object.entries(w.schemas)) {
      const bodies = w.bodies[name] || {}
      const data = [bodies.valid, ...Object.values(bodies.invalid || {})].filter((x) => x !== undefined)
      // Extra keys, string-typed numbers and missing optional fields exercise every option.
      for (const body of [...data]) {
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          data.push({ ...body, extra: 'x', nested: { y: 1 } })
          data.push(JSON.parse(JSON.stringify(body, (k, v) => (typeof v === 'number' ? String(v) : v))))
        }
      }
      out.push({
        name: `workloads/${name}`,
        draft: '2020-12',
        schema,
        schemaText: JSON.stringify(schema),
        data,
      })
    }
  }
  return out
}

/** The three rampart paths: each returns { valid, data }. */
function rampartPaths(schema, option, draft) {
  const checker = compile(schema, { ...option, draft })
  const middleware = validate({ body: schema }, { ...option, draft })
  // json() takes no draft option: a schema without $schema is 2020-12 there.
  const parser = draft === '2020-12' ? createParser({ schema, ...option, strict: false }) : null
  return {
    compile(x) {
      return { valid: checker(x), data: x }
    },
    validate(x) {
      const req = { body: x }
      let err
      middleware(req, {}, (e) => (err = e))
      return { valid: err === undefined, data: req.body }
    },
    json(x) {
      if (parser === null) return null
      const out = parser.parse(Buffer.from(JSON.stringify(x)))
      return out instanceof Error ? { valid: false, data: undefined } : { valid: true, data: out.body }
    },
  }
}

test('regression: removeAdditional "all" removes keys not in properties when additionalProperties is absent', () => {
  // Was: rampart kept b and c (it removed only through an additionalProperties keyword).
  const schema = { type: 'object', properties: { a: {} } }
  const ours = { a: 1, b: 2, c: 3 }
  const theirs = { a: 1, b: 2, c: 3 }
  assert.strictEqual(compile(schema, { removeAdditional: 'all' })(ours), true)
  assert.strictEqual(ajvCompile('2020-12', { removeAdditional: 'all' }, false, schema)(theirs), true)
  assert.deepStrictEqual(ours, { a: 1 })
  assert.deepStrictEqual(ours, theirs)
  // Mass assignment through the middlewares: the handler never sees `role`.
  const req = { body: { a: 1, role: 'admin' } }
  validate({ body: schema }, { removeAdditional: 'all' })(req, {}, () => {})
  assert.deepStrictEqual(req.body, { a: 1 })
  const parsed = createParser({ schema, removeAdditional: 'all' }).parse(
    Buffer.from('{"a":1,"role":"admin"}'),
  )
  assert.deepStrictEqual(parsed.body, { a: 1 })
  // Without properties or additionalProperties, ajv removes nothing (the keyword is absent).
  const loose = { type: 'object', patternProperties: { '^x': {} } }
  const kept = { x1: 1, y: 2 }
  compile(loose, { removeAdditional: 'all' })(kept)
  assert.deepStrictEqual(kept, { x1: 1, y: 2 })
})

test('differential: every mutating option agrees with ajv on validity and mutated data', (t) => {
  if (!fs.existsSync(suite)) {
    if (process.env.CI === 'true') assert.fail(`the conformance suite is missing at ${suite}`)
    t.skip(`the JSON-Schema-Test-Suite is missing at ${suite}`)
    return
  }
  const started = Date.now()
  const unexplained = []
  const excluded = new Map()
  let compared = 0
  for (const c of cases()) {
    const plainAjv = ajvCompile(c.draft, {}, false, c.schema)
    if (plainAjv === null) continue
    let plainOurs
    try {
      plainOurs = compile(c.schema, { draft: c.draft })
    } catch {
      continue
    }
    for (const option of OPTIONS) {
      const theirs = ajvCompile(c.draft, option, false, c.schema)
      const theirsAll = ajvCompile(c.draft, option, true, c.schema)
      if (theirs === null || theirsAll === null) continue
      const ours = rampartPaths(c.schema, option, c.draft)
      for (const data of c.data) {
        const plain = run(plainAjv, structuredClone(data))
        if (plain === undefined) continue
        const baseline = plain !== plainOurs(structuredClone(data))
        const expected = structuredClone(data)
        const expectedValid = run(theirs, expected)
        // validate() and json() run with allErrors, so they are compared with ajv's allErrors.
        const expectedAll = structuredClone(data)
        if (expectedValid === undefined || run(theirsAll, expectedAll) === undefined) continue
        for (const [pathName, run] of Object.entries(ours)) {
          const got = run(structuredClone(data))
          if (got === null) continue
          compared++
          // After a failure ajv stops part-way (or rampart does not), so an invalid
          // instance's half-mutated data is not compared: it never reaches a handler.
          const want = pathName === 'compile' ? expected : expectedAll
          const same = got.valid === expectedValid && (!expectedValid || isDeepStrictEqual(got.data, want))
          if (same) continue
          const ctx = { ...c, option, ours: got.valid, theirs: expectedValid, baselineDiffers: baseline }
          const rule = EXCLUDED.find(([, match]) => match(ctx))
          if (rule) excluded.set(rule[0], (excluded.get(rule[0]) || 0) + 1)
          else
            unexplained.push(
              `${c.name} ${JSON.stringify(option)} ${pathName}: ${JSON.stringify(data).slice(0, 80)} → rampart ${got.valid} ${JSON.stringify(got.data)?.slice(0, 80)}, ajv ${expectedValid} ${JSON.stringify(want)?.slice(0, 80)}`,
            )
        }
      }
    }
  }
  for (const [name, n] of excluded) t.diagnostic(`${n} excluded: ${name}`)
  t.diagnostic(`${compared} comparisons in ${Date.now() - started} ms`)
  assert.ok(compared > 10000, `only ${compared} comparisons`)
  assert.deepStrictEqual(unexplained.slice(0, 40), [], `${unexplained.length} unexplained disagreements`)
})
