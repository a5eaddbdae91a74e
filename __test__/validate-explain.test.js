'use strict'
// One reading per input: when the emitted explain function (lib/validate/emit.js) builds a
// rejected input's errors in JavaScript, they must be exactly the errors Rust reports
// (native.validateJsonById on the JSON text, through compile()'s native-only path), in
// both allErrors modes; and it must never call valid what Rust rejects, or the reverse.
// Over the JSON-Schema-Test-Suite (both drafts, format tests included) and seeded
// mutations of the workload bodies, through compile() and through json()'s small-body
// path. The last tests fail if the JS error path is silently off.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { compile, compileWith } = require('../lib/validate/compile')
const { createParser } = require('../lib/validate/json')
const { emitValidator, emitExplainer, stringChecks } = require('../lib/validate/emit')
const { ValidationError, toDetails } = require('../lib/validate/errors')
const native = require('../lib/native')
const { prng } = require('./helpers/prng')

const shared = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
const suite = path.join(shared, 'conformance', 'JSON-Schema-Test-Suite', 'tests')
const workloads = path.join(shared, 'workloads', 'validation.json')

function skipOrFail(what, where) {
  if (process.env.CI === 'true') return () => assert.fail(`missing ${where}`)
  return (t) => t.skip(`${what} not found at ${where}`)
}

/** The emitted pair for a compiled validator: the fast check and the explain function. */
function emittedOf(v) {
  const id = v.schemaId
  const plan = native.schemaPlanById(id)
  const checks = stringChecks(
    (k, s) => native.checkStringsById(id, k, s),
    (k, s) => native.checkStringById(id, k, s),
  )
  return { fast: emitValidator(plan, checks.batch), explain: emitExplainer(plan, checks.one) }
}

const sortErrors = (list) => list.map((e) => JSON.stringify(e)).sort()

/**
 * Compares the JS reading of `data` with Rust's, for one schema in one allErrors mode.
 * Returns 'js-one' when JS built the (single) error, 'js-many' / 'js-valid' / 'unsure' /
 * 'fast' otherwise.
 */
function compare(c, data, where) {
  const { v, nativeOnly, fast, explain, allErrors } = c
  const rustValid = nativeOnly(data)
  const rustErrors = nativeOnly.errors
  // compile() as shipped (fast, then explain, then Rust) answers as Rust alone.
  assert.strictEqual(v(data), rustValid, `${where}: compile() answer`)
  assert.deepStrictEqual(v.errors, rustErrors, `${where}: compile() errors`)
  if (fast(data)) {
    assert.strictEqual(rustValid, true, `${where}: fast path accepted what Rust rejects`)
    return 'fast'
  }
  const js = explain(data)
  if (js === null) return 'unsure'
  if (js.length === 0) {
    assert.strictEqual(rustValid, true, `${where}: JS found no error, Rust rejects`)
    return 'js-valid'
  }
  assert.strictEqual(rustValid, false, `${where}: JS found errors, Rust accepts`)
  if (js.length === 1) {
    assert.deepStrictEqual(js, rustErrors, `${where}: the one JS error is Rust's`)
    return 'js-one'
  }
  // Several: JS's collect mode must still find exactly Rust's set (any order) with
  // allErrors, and Rust's first error must be one of them without.
  if (allErrors) {
    assert.deepStrictEqual(sortErrors(js), sortErrors(rustErrors), `${where}: the JS errors are Rust's`)
  } else {
    assert.strictEqual(rustErrors.length, 1, where)
    assert.ok(sortErrors(js).includes(JSON.stringify(rustErrors[0])), `${where}: Rust's first is one of JS's`)
  }
  return 'js-many'
}

function prepare(schema, options, allErrors) {
  const opts = { ...options, allErrors }
  const v = compile(schema, opts)
  if (!v.emitted) return null
  const nativeOnly = compileWith(schema, opts, false)
  const { fast, explain } = emittedOf(v)
  assert.notStrictEqual(explain, null, 'an emitted plan has an explain function')
  return { v, nativeOnly, fast, explain, allErrors }
}

/**
 * json()'s small-body path (`fastParser`) against the Rust path alone (`rustParser`, a
 * reviver turns the small path off) on one body: the same body, or the same error.
 */
function sameBodyReading(fastParser, rustParser, buf, where) {
  const want = rustParser(buf)
  let rustCalls = 0
  const real = native.checkBodyById
  native.checkBodyById = (...args) => {
    rustCalls++
    return real(...args)
  }
  let got
  try {
    got = fastParser(buf)
  } finally {
    native.checkBodyById = real
  }
  if (want instanceof ValidationError) {
    assert.ok(got instanceof ValidationError, where)
    assert.deepStrictEqual(got.details, want.details, where)
    assert.strictEqual(got.message, want.message, where)
    return rustCalls === 0 ? 'refused in JS' : 'refused'
  }
  if (want instanceof Error) {
    assert.ok(got instanceof Error && !(got instanceof ValidationError), where)
    assert.strictEqual(got.message, want.message, where)
    return 'error'
  }
  assert.deepStrictEqual(got, want, where)
  return 'body'
}

if (!fs.existsSync(suite)) {
  test('JSON-Schema-Test-Suite is present', skipOrFail('JSON-Schema-Test-Suite', suite))
} else {
  test('suite: the errors JS builds are exactly Rust’s, in both allErrors modes', () => {
    const counts = {}
    for (const draft of ['draft2020-12', 'draft7']) {
      const dir = path.join(suite, draft)
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
      const formats = path.join(dir, 'optional', 'format')
      const all = [
        ...files.map((x) => [path.join(dir, x), path.basename(x) !== 'format.json']),
        ...fs.readdirSync(formats).map((x) => [path.join(formats, x), true]),
      ]
      for (const [f, validateFormats] of all) {
        for (const group of JSON.parse(fs.readFileSync(f, 'utf8'))) {
          for (const allErrors of [false, true]) {
            let c
            try {
              c = prepare(
                group.schema,
                { draft: draft === 'draft7' ? '07' : '2020-12', validateFormats },
                allErrors,
              )
            } catch {
              continue
            }
            if (c === null) continue
            for (const t of group.tests) {
              const where = `${path.basename(f)} > ${group.description} > ${t.description} (allErrors ${allErrors})`
              const seen = compare(c, structuredClone(t.data), where)
              // compile() (fast, explain or Rust, whichever answers) gives the suite's answer.
              assert.strictEqual(c.v(structuredClone(t.data)), t.valid, where)
              counts[seen] = (counts[seen] || 0) + 1
              // Every instance the suite calls invalid is rejected by whichever path answers.
              if (!t.valid) assert.notStrictEqual(seen, 'fast', where)
            }
          }
        }
      }
    }
    console.log(`# suite readings: ${JSON.stringify(counts)}`)
    assert.ok(counts['js-one'] > 150, `errors built in JS for ${counts['js-one']} suite instances`)
  })
}

if (fs.existsSync(suite)) {
  test("suite through json(): the small path's refusals are the Rust path's, and the suite's", () => {
    const dir = path.join(suite, 'draft2020-12')
    let refusedInJs = 0
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const validateFormats = f !== 'format.json'
      for (const group of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) {
        let fastParser, rustParser
        try {
          if (!compile(group.schema, { validateFormats }).emitted) continue
          fastParser = createParser({ schema: group.schema, strict: false, validateFormats }).parse
          rustParser = createParser({
            schema: group.schema,
            strict: false,
            validateFormats,
            reviver: (k, v) => v,
          }).parse
        } catch {
          continue
        }
        for (const t of group.tests) {
          const where = `${f} > ${group.description} > ${t.description}`
          const seen = sameBodyReading(fastParser, rustParser, Buffer.from(JSON.stringify(t.data)), where)
          if (seen === 'refused in JS') refusedInJs++
          if (seen !== 'error') assert.strictEqual(seen === 'body', t.valid, where)
        }
      }
    }
    assert.ok(refusedInJs > 100, `${refusedInJs} suite bodies refused without a Rust call`)
  })
}

// Mutations that keep the data JSON but break the schema, plus values JS and JSON read apart.
function edit(value, rand, depth) {
  const r = rand()
  const pick = (list) => list[Math.floor(rand() * list.length)]
  if (depth > 3 || r < 0.08) {
    return pick([
      '',
      'ab',
      'a'.repeat(40),
      'x'.repeat(3000),
      'not-an-email',
      'John.Doe@Example.com',
      'a b@c.de',
      'ABC-12345',
      'abc-1234',
      '😀😀😀',
      'ab\ud800',
      0,
      -1,
      1.5,
      101,
      2 ** 53,
      NaN,
      null,
      true,
      [],
      {},
      [1, 'x'],
      undefined,
    ])
  }
  if (Array.isArray(value)) {
    const out = value
      .slice(0, 1 + Math.floor(rand() * 3))
      .map((v) => (rand() < 0.4 ? edit(v, rand, depth + 1) : v))
    if (rand() < 0.1) out.length = 0
    if (rand() < 0.05) for (let i = 0; i < 11; i++) out.push(structuredClone(value[0] ?? 'x'))
    return out
  }
  if (value && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) {
      const q = rand()
      if (q < 0.1) continue
      out[k] = q < 0.7 ? v : edit(v, rand, depth + 1)
    }
    if (rand() < 0.12) out[pick(['extra', 'a/b', 't~x', 'isAdmin', 'k\ud800'])] = pick([1, 'x', null, {}])
    if (rand() < 0.03) {
      const keys = Object.keys(out)
      if (keys.length) {
        const key = pick(keys)
        const held = out[key]
        delete out[key]
        Object.defineProperty(out, key, { value: held, enumerable: false })
      }
    }
    return out
  }
  return rand() < 0.5 ? value : edit(value, rand, depth + 1)
}

if (!fs.existsSync(workloads)) {
  test('workloads are present', skipOrFail('validation workloads', workloads))
} else {
  const { schemas, bodies } = JSON.parse(fs.readFileSync(workloads, 'utf8'))

  test('workloads: seeded mutations read the same in JS and in Rust, both allErrors modes', () => {
    const rand = prng(1919)
    const counts = {}
    for (const [name, schema] of Object.entries(schemas)) {
      for (const allErrors of [false, true]) {
        const c = prepare(schema, {}, allErrors)
        assert.notStrictEqual(c, null, `${name} is emitted`)
        const samples = [bodies[name].valid, ...Object.values(bodies[name].invalid || {})]
        for (let i = 0; i < 1500; i++) {
          const data = edit(structuredClone(samples[i % samples.length]), rand, 0)
          const seen = compare(c, data, `${name} #${i} (allErrors ${allErrors})`)
          counts[seen] = (counts[seen] || 0) + 1
        }
      }
    }
    console.log(`# workload readings: ${JSON.stringify(counts)}`)
    assert.ok(counts['js-one'] > 300, `errors built in JS for ${counts['js-one']} mutations`)
    assert.ok(counts.unsure > 50 && counts['js-many'] > 50, JSON.stringify(counts))
  })

  test("json()'s small-body path refuses with Rust's errors, and only the bodies Rust refuses", () => {
    const rand = prng(4242)
    let refusedInJs = 0
    // Non-object roots (strict off) and a depth limit the order body passes: Rust's refusals.
    for (const [name, schema, extra] of Object.keys(schemas).flatMap((name) =>
      [{}, { strict: false }, { depth: 2 }].map((extra) => [name, schemas[name], extra]),
    )) {
      const fastParser = createParser({ schema, ...extra }).parse
      const rustParser = createParser({ schema, ...extra, reviver: (k, v) => v }).parse
      const samples = [bodies[name].valid, ...Object.values(bodies[name].invalid || {})]
      for (let i = 0; i < 1500; i++) {
        const data = edit(structuredClone(samples[i % samples.length]), rand, 0)
        let text = JSON.stringify(data)
        if (text === undefined) continue
        if (rand() < 0.05) text = text.replace('"', '"\\u0041') // an escape: the Rust path
        const where = `${name} ${JSON.stringify(extra)} #${i}: ${text.slice(0, 200)}`
        if (sameBodyReading(fastParser, rustParser, Buffer.from(text), where) === 'refused in JS')
          refusedInJs++
      }
    }
    assert.ok(refusedInJs > 300, `${refusedInJs} bodies refused without a Rust call`)
  })

  test('the JS error path is taken: a rejected object and body cost no Rust validation', () => {
    const counted = ['validateJsonById', 'checkBodyById', 'takeBodyErrors']
    const calls = Object.fromEntries(counted.map((n) => [n, 0]))
    const real = {}
    for (const n of counted) {
      real[n] = native[n]
      native[n] = (...args) => {
        calls[n]++
        return real[n](...args)
      }
    }
    try {
      const bad = bodies.user.invalid.badEmail
      const want = [
        {
          instancePath: '/email',
          schemaPath: '#/properties/email/format',
          keyword: 'format',
          params: { format: 'email' },
          message: 'must match format "email"',
        },
      ]
      for (const allErrors of [false, true]) {
        const v = compile(schemas.user, { allErrors })
        assert.strictEqual(v(structuredClone(bad)), false)
        assert.deepStrictEqual(v.errors, want)
      }
      const extra = compile(schemas.user)
      assert.strictEqual(extra({ ...bodies.user.valid, 'a/b~': 1 }), false)
      assert.deepStrictEqual(extra.errors[0].params, { additionalProperty: 'a/b~' })
      const order = compile(schemas.order)
      const badOrder = structuredClone(bodies.order.valid)
      badOrder.items[1].qty = 0
      assert.strictEqual(order(badOrder), false)
      assert.deepStrictEqual(order.errors, [
        {
          instancePath: '/items/1/qty',
          schemaPath: '#/properties/items/items/properties/qty/minimum',
          keyword: 'minimum',
          params: { comparison: '>=', limit: 1 },
          message: 'must be >= 1',
        },
      ])
      assert.strictEqual(calls.validateJsonById, 0, 'compile() built the errors in JS')
      const out = createParser({ schema: schemas.user }).parse(Buffer.from(JSON.stringify(bad)))
      assert.ok(out instanceof ValidationError)
      assert.deepStrictEqual(out.details, toDetails('body', want))
      assert.strictEqual(calls.checkBodyById + calls.takeBodyErrors, 0, 'json() refused the body in JS')
      // Two errors: Rust decides and words them, as before.
      const two = compile(schemas.user, { allErrors: true })
      assert.strictEqual(two({ ...bad, username: 'x' }), false)
      assert.strictEqual(two.errors.length, 2)
      assert.strictEqual(calls.validateJsonById, 1)
    } finally {
      for (const n of counted) native[n] = real[n]
    }
  })
}

test('limits keep the schema’s spelling, and paths are escaped JSON Pointers', () => {
  const cases = [
    [{ type: 'object', properties: { 'a/b': { minimum: 5.0 } } }, { 'a/b': 1 }],
    [{ properties: { 't~x': { exclusiveMaximum: 1e2 } } }, { 't~x': 1000 }],
    [{ additionalProperties: { type: 'integer' } }, { 'x/~y': 1.5 }],
    [{ items: { maximum: 2.5 } }, [1, 3]],
    [{ type: ['string', 'null'], maxLength: 1 }, 5],
    [{ type: ['integer'], enum: [1, 'a'] }, 'a'],
    [{ properties: { a: false } }, { a: 1 }],
    [{ $defs: { d: { type: 'string' } }, properties: { a: { $ref: '#/$defs/d' } } }, { a: 1 }],
  ]
  for (const [schema, data] of cases) {
    for (const allErrors of [false, true]) {
      const c = prepare(schema, {}, allErrors)
      assert.notStrictEqual(c, null, JSON.stringify(schema))
      assert.strictEqual(compare(c, data, JSON.stringify(schema)), 'js-one', JSON.stringify(schema))
    }
  }
})

test('a lone surrogate failing a check is left to Rust, which reads it as U+FFFD', () => {
  const cases = [
    [{ enum: ['\ufffd', 'a'] }, '\ud800'],
    [{ pattern: '^.$' }, '\udc00'],
    [{ const: '\ufffd' }, 'x\ud800'],
    [{ additionalProperties: false }, { 'k\ud800': 1 }],
    [{ properties: { a: { format: 'email' } } }, { a: 'a\ud800@b.com' }],
  ]
  for (const [schema, data] of cases) {
    for (const allErrors of [false, true]) {
      const c = prepare(schema, {}, allErrors)
      assert.notStrictEqual(c, null, JSON.stringify(schema))
      assert.strictEqual(c.explain(data), null, JSON.stringify(schema))
      compare(c, data, JSON.stringify(schema))
    }
  }
  // The same strings, well formed, get their errors in JS.
  const c = prepare({ enum: ['a'] }, {}, false)
  assert.strictEqual(compare(c, '\ud83d\ude00', 'pair'), 'js-one')
})

test('an enumerable key added to Object.prototype never becomes an error JS reports', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }
  const v = compile(schema)
  assert.strictEqual(v({ a: 1 }), false) // the explain function is made
  Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true })
  try {
    // JSON (and Rust) sees only own keys: valid, whatever a for-in loop finds.
    assert.strictEqual(v({ a: 'x' }), true)
    assert.strictEqual(v.errors, null)
  } finally {
    delete Object.prototype.polluted
  }
})
