'use strict'
// The JS validator compile() emits from the Rust plan (lib/validate/emit.js) may only say
// "valid" when the native validator would: over the JSON-Schema-Test-Suite, the workloads
// and seeded mutations full of values JSON cannot hold, compile() (emitted + native) must
// answer exactly as the native path alone, and the emitted code must decide most of them.
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const { compile, compileWith } = require('../lib/validate/compile')
const { emitValidator, email, notEmail, closedPlan } = require('../lib/validate/emit')
const { createParser } = require('../lib/validate/json')
const { ValidationError } = require('../lib/validate/errors')
const native = require('../lib/native')
const { prng } = require('./helpers/prng')

const shared = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
const suite = path.join(shared, 'conformance', 'JSON-Schema-Test-Suite', 'tests')
const workloads = path.join(shared, 'workloads', 'validation.json')

/** The emitted function alone (true: valid for sure; false: ask Rust). */
function emittedOf(validate) {
  const id = validate.schemaId
  return emitValidator(native.schemaPlanById(id), (k, s) => native.checkStringsById(id, k, s))
}

function skipOrFail(what, where) {
  if (process.env.CI === 'true') return () => assert.fail(`missing ${where}`)
  return (t) => t.skip(`${what} not found at ${where}`)
}

if (!fs.existsSync(suite)) {
  test('JSON-Schema-Test-Suite is present', skipOrFail('JSON-Schema-Test-Suite', suite))
} else {
  test('the emitted validator never accepts what the suite says is invalid', () => {
    let decided = 0
    let emittedSchemas = 0
    for (const draft of ['draft2020-12', 'draft7']) {
      const dir = path.join(suite, draft)
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
      for (const f of [
        ...files.map((x) => path.join(dir, x)),
        path.join(dir, 'optional', 'format', 'email.json'),
      ]) {
        for (const group of JSON.parse(fs.readFileSync(f, 'utf8'))) {
          let v
          try {
            // Required tests treat format as an annotation (as conformance.test.js runs them).
            v = compile(group.schema, {
              draft: draft === 'draft7' ? '07' : '2020-12',
              validateFormats: path.basename(f) !== 'format.json',
            })
          } catch {
            continue
          }
          if (!v.emitted) continue
          emittedSchemas++
          const fast = emittedOf(v)
          for (const t of group.tests) {
            const said = fast(structuredClone(t.data))
            if (said) {
              decided++
              assert.strictEqual(t.valid, true, `${f} > ${group.description} > ${t.description}`)
            }
            assert.strictEqual(v(structuredClone(t.data)), t.valid, `${group.description} > ${t.description}`)
          }
        }
      }
    }
    // Most plain schemas are emitted, and the emitted code decides their valid instances.
    assert.ok(emittedSchemas > 150, `${emittedSchemas} schemas emitted`)
    assert.ok(decided > 300, `${decided} instances decided in JS`)
    console.log(`# ${emittedSchemas} suite schemas emitted; ${decided} valid instances decided in JS`)
  })
}

// Values where JavaScript and JSON part ways: each must get the native path's answer.
function hazards(rand) {
  const cyclic = { a: 1 }
  cyclic.self = cyclic
  let deep = 'x'
  for (let i = 0; i < 150; i++) deep = [deep]
  const withToJSON = { toJSON: () => 'x' }
  const arr = [1, 2]
  arr.toJSON = () => 'x'
  class Thing {
    constructor() {
      this.id = 1
    }
  }
  const list = [
    NaN,
    Infinity,
    -Infinity,
    -0,
    2 ** 53,
    2 ** 53 - 1,
    -(2 ** 60),
    1e21,
    1.5,
    0,
    1,
    100,
    101,
    undefined,
    () => 1,
    Symbol('s'),
    10n,
    new Date(0),
    new Map([['a', 1]]),
    Object.create(null),
    Object.assign(Object.create(null), { id: 1, name: 'n' }),
    withToJSON,
    arr,
    cyclic,
    deep,
    [, 1], // eslint-disable-line no-sparse-arrays
    '\ud800',
    'ab\udc00cd',
    '😀😀',
    '😀'.repeat(16),
    'a'.repeat(30),
    'a'.repeat(31),
    'ABC-1234',
    'AB-1234',
    'john.doe@example.com',
    'a..b@example.com',
    'x@y.c0',
    '',
    null,
    true,
    {},
    [],
    new Thing(),
    JSON.parse('{"__proto__": {"x": 1}}'),
    { constructor: 1 },
  ]
  return list[Math.floor(rand() * list.length)]
}

function mutate(value, rand, depth) {
  if (depth > 3 || rand() < 0.15) return hazards(rand)
  if (Array.isArray(value)) {
    const out = value.slice(0, 3).map((v) => mutate(v, rand, depth + 1))
    if (rand() < 0.2) out.push(hazards(rand))
    return out
  }
  if (value && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) {
      const r = rand()
      if (r < 0.1) continue
      out[k] = r < 0.6 ? v : mutate(v, rand, depth + 1)
    }
    if (rand() < 0.15) out[rand() < 0.5 ? 'extra' : 'tags'] = hazards(rand)
    // Serialised as something else, though it looks like a plain object.
    if (rand() < 0.05) Object.setPrototypeOf(out, Object.defineProperty({}, 'toJSON', { value: () => 1 }))
    // Properties JSON.stringify leaves out, though reading them finds them: inherited from
    // a prototype that is not Object.prototype, or own but not enumerable.
    if (rand() < 0.05) return Object.create(value)
    if (rand() < 0.05) {
      const keys = Object.keys(out)
      if (keys.length) {
        const key = keys[Math.floor(rand() * keys.length)]
        const held = out[key]
        delete out[key]
        Object.defineProperty(out, key, { value: held, enumerable: false })
      }
    }
    return out
  }
  return rand() < 0.5 ? value : hazards(rand)
}

if (!fs.existsSync(workloads)) {
  test('workloads are present', skipOrFail('validation workloads', workloads))
} else {
  test('workload schemas: emitted, and the same answer as the native path on seeded hazards', () => {
    const { schemas, bodies } = JSON.parse(fs.readFileSync(workloads, 'utf8'))
    const rand = prng(19)
    let accepted = 0
    let rejected = 0
    for (const [name, schema] of Object.entries(schemas)) {
      const emitted = compile(schema)
      const nativeOnly = compileWith(schema, {}, false)
      assert.strictEqual(emitted.emitted, true, `${name} is emitted`)
      assert.strictEqual(nativeOnly.emitted, false)
      assert.strictEqual(emitted(structuredClone(bodies[name].valid)), true)
      for (let i = 0; i < 1500; i++) {
        const data = mutate(bodies[name].valid, rand, 0)
        const want = nativeOnly(data)
        assert.strictEqual(emitted(data), want, `${name} #${i}`)
        if (want) accepted++
        else rejected++
      }
    }
    assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`)
  })
}

test('emitted patterns match what the native engine matches', () => {
  const rand = prng(7)
  const alphabet = ['a', 'z', 'A', 'Z', '0', '9', '-', '_', ' ', 'é', '😀', '\ud800', '\n', '.']
  const patterns = [
    '^[a-zA-Z0-9]+$',
    '^[A-Z]{3}-[0-9]{4}$',
    '^[^a]{2,5}$',
    '^ab?c',
    '^[a-z]*-[0-9]+',
    '^\\d+$',
    '^\\w{2}$',
  ]
  for (const pattern of patterns) {
    const schema = { type: 'string', pattern }
    const emitted = compile(schema)
    const plan = JSON.parse(native.schemaPlanById(emitted.schemaId))
    assert.ok(plan.re !== undefined, `${pattern} is emitted as JS`)
    const nativeOnly = compileWith(schema, {}, false)
    for (let i = 0; i < 400; i++) {
      let s = ''
      const len = Math.floor(rand() * 8)
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)]
      assert.strictEqual(emitted(s), nativeOnly(s), `${pattern} on ${JSON.stringify(s)}`)
    }
  }
})

test('a pattern not proved linear stays native, and a hostile string cannot hang it', () => {
  for (const pattern of ['^(a+)+$', '^a*a*b$', '(x+x+)+y', '^(ab|a)*$']) {
    const v = compile({ type: 'string', pattern })
    const plan = JSON.parse(native.schemaPlanById(v.schemaId))
    assert.strictEqual(plan.re, undefined, pattern)
    assert.strictEqual(typeof plan.reSlot, 'number', pattern)
    const started = Date.now()
    assert.strictEqual(v('a'.repeat(50_000) + '!'), false)
    assert.ok(Date.now() - started < 2000, `${pattern} took ${Date.now() - started} ms`)
  }
})

test("the JS email quick test accepts only addresses Rust's full check accepts", () => {
  const full = compileWith({ format: 'email' }, {}, false)
  const rand = prng(3)
  const locals = ['a', 'b.c', '.', '..', 'x-y', '_', '+', '1', 'é', ' ', '@']
  const labels = ['example', 'com', 'c0', 'a-b', '--', '-x', 'x-', 'io', 'é', '', 'a', '1']
  const pick = (list, n) => Array.from({ length: n }, () => list[Math.floor(rand() * list.length)])
  let quick = 0
  for (let i = 0; i < 5000; i++) {
    const s = `${pick(locals, 1 + Math.floor(rand() * 3)).join('')}@${pick(labels, 1 + Math.floor(rand() * 3)).join('.')}`
    if (email(s)) {
      quick++
      assert.strictEqual(full(s), true, s)
    }
  }
  assert.ok(quick > 50, `the fuzz must reach acceptance (${quick})`)
  for (const ok of ['john.doe@example.com', 'a+b@mail.example.org', 'x_y-z@a-b.io']) assert.ok(email(ok), ok)
  for (const bad of [
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    'a@-b.com',
    'a@b--c.com',
    'a@b.c',
    'a@b.c0',
    '@b.com',
  ])
    assert.ok(!email(bad), bad)
})

test('a plan is closed only when a valid value can hold no undeclared key', () => {
  const closed = (schema) => closedPlan(native.schemaPlanById(compile(schema).schemaId))
  const item = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }
  assert.strictEqual(closed(item), true)
  assert.strictEqual(closed({ type: 'array', items: item }), true)
  assert.strictEqual(closed({ type: 'string' }), true)
  assert.strictEqual(closed({ enum: ['a', 1] }), true)
  assert.strictEqual(closed({ type: 'object', properties: { a: { type: 'string' } } }), false)
  assert.strictEqual(closed({ type: 'array' }), false)
  assert.strictEqual(closed({ type: 'object', additionalProperties: { type: 'string' } }), false)
  assert.strictEqual(closed({ ...item, properties: { a: {} } }), false)
  assert.strictEqual(closed({ ...item, properties: { a: { type: ['string', 'object'] } } }), false)
})

test("json()'s small-body path refuses invalid UTF-8 as the Rust path does, even when the text is as long as the bytes", () => {
  // A tempting shortcut (skip the U+FFFD search when the decoded text has one unit per
  // byte, "so it was ASCII") is wrong: a lone invalid byte decodes to one U+FFFD. Measured
  // and refused in docs/performance.md; this pins it down without ../shared.
  const schema = { type: 'object', properties: { name: { type: 'string' } } }
  const small = createParser({ schema }).parse
  const rust = createParser({ schema, reviver: (k, v) => v }).parse // a reviver skips the small path
  const ok = Buffer.from('{"name":"a"}')
  assert.deepStrictEqual(small(ok).body, { name: 'a' })
  const bad = [[0xff], [0xc0, 0xaf], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbf]]
  for (const bytes of bad) {
    const buf = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('"}')])
    const label = buf.toString('hex')
    if (bytes.length === 1) assert.strictEqual(buf.toString().length, buf.length, label) // the trap
    const a = small(buf)
    const b = rust(buf)
    assert.ok(a instanceof Error && a.status === 400, label)
    assert.deepStrictEqual([a.status, a.type, a.message], [b.status, b.type, b.message], label)
  }
})

test('above 16 KB json() refuses a bad body before JSON.parse sees it; at or under, the small path parses first', () => {
  const schema = {
    type: 'object',
    properties: { items: { type: 'array', items: { type: 'integer' } } },
    additionalProperties: false,
  }
  const { parse } = createParser({ schema, limit: '1mb' })
  // A body the schema refuses (a string among integers) at a given size.
  const bad = (size) => {
    const head = '{"items":["x"'
    const n = Math.floor((size - head.length - 2) / 2)
    const text = `${head}${',0'.repeat(n)}]}`
    return Buffer.from(text + ' '.repeat(size - text.length))
  }
  const original = JSON.parse
  const seen = []
  JSON.parse = function spy(text, reviver) {
    seen.push(String(text).length)
    return original.call(this, text, reviver)
  }
  try {
    for (const [size, parsedFirst] of [
      [1024, true],
      [16 * 1024, true],
      [16 * 1024 + 1, false],
      [200 * 1024, false],
    ]) {
      const buf = bad(size)
      assert.strictEqual(buf.length, size)
      seen.length = 0
      const out = parse(buf)
      assert.ok(out instanceof ValidationError, `${size}: refused`)
      // JSON.parse may read Rust's error list, never the body's own text.
      assert.strictEqual(seen.includes(size), parsedFirst, `${size}: ${seen}`)
    }
  } finally {
    JSON.parse = original
  }
})

test("the JS email refusal refuses only what Rust's full check refuses", () => {
  const full = compileWith({ format: 'email' }, {}, false)
  const rand = prng(5)
  // Characters that decide the split: quotes, display-name brackets, escapes, comments.
  const alphabet = ['a', 'b', '@', '@', '"', '<', '>', ' ', '.', '[', ']', '\\', '(', ')', 'é', '1', ':']
  let refused = 0
  for (let i = 0; i < 20000; i++) {
    const n = 1 + Math.floor(rand() * 14)
    const s = Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')
    if (notEmail(s)) {
      refused++
      assert.strictEqual(full(s), false, s)
    }
  }
  assert.ok(refused > 1000, `the fuzz must reach refusals (${refused})`)
  // Valid with two @ (a quoted local part, a display name): the refusal must not touch them.
  for (const ok of ['"a@b"@example.com', 'x@y <a@b.com>']) {
    assert.strictEqual(full(ok), true, ok)
    assert.strictEqual(notEmail(ok), false, ok)
  }
  for (const bad of ['john.doe@@example', 'a@b@example.com', 'no-at-sign', '']) assert.ok(notEmail(bad), bad)
})

// The shared workloads when present; on a clone without ../shared, the generated ones of
// the same shapes (bench/workloads.js), so this differential runs everywhere.
test("json()'s small-body path (JSON.parse, then the emitted validator) answers as the Rust path", () => {
  const { schemas, bodies } = fs.existsSync(workloads)
    ? JSON.parse(fs.readFileSync(workloads, 'utf8'))
    : require('../bench/workloads').generateWorkloads().validation
  const rand = prng(11)
  const outcome = (r) =>
    r instanceof Error
      ? ['error', r.status, r.type, r.message, JSON.stringify(r.details ?? null)]
      : ['body', JSON.stringify(r.body)]
  // Edits of the text that JSON.parse and rampart judge differently, or that doubt.
  const edits = [
    (t) => t.replace(/"[^"]*"/, '"\\ud800"'),
    (t) => t.replace(/\d+/, '1e400'),
    (t) => t.replace(/\d+/, '9007199254740993'),
    (t) => t.replace(/\d+/, '-0'),
    (t) => t.replace('{', '{"__proto__":{"x":1},'),
    (t) => t.replace('{', '{"constructor":{"prototype":{}},'),
    // Nested (the second object: an order's customer or item), where a closed plan
    // searches the text only after its validator has said no.
    (t) => t.replace(/(\{[^{]*)\{/, '$1{"__proto__":{"x":1},'),
    (t) => t.replace(/(\{[^{]*)\{/, '$1{"constructor":{"prototype":{}},'),
    (t) => t.replace(/(\{[^{]*)\{/, '$1{"prototype":1,'),
    (t) => t.replace(/"(\w+)":/, '"$1":1,"$1":'),
    (t) => t.replace(/"[^"]*"/, '"\\u0041"'),
    (t) => t.replace(/"[^"]*"/, '"\u00e9\u{1F600}"'),
    (t) => t.replace('[', '[' + '['.repeat(70)).replace(']', ']' + ']'.repeat(70)),
    (t) => t.slice(0, -1),
    (t) => `${t} `,
    (t) => t.replace(',', ',"extra":[1,{"a":null}],'),
    (t) => t.replace('"name":"', '"name":"zzBADzz'),
    () => '"a string root"',
    () => 'null',
    (t) => `\ufeff${t}`,
    (t) => ` \n${t}`,
    (t) => t,
  ]
  // A schema open to extra keys, where a prototype key is not refused by the schema.
  const all = {
    ...schemas,
    open: { type: 'object', properties: { name: { type: 'string' }, n: { type: 'integer' } } },
    // No type: a string or null root is valid for the schema, refused by strict mode.
    loose: { properties: { name: { type: 'string' } } },
  }
  const valid = (name) => (name in schemas ? bodies[name].valid : { name: 'x', n: 1, more: [1, 'a'] })
  let small = 0
  for (const name of Object.keys(all)) {
    const fastParser = createParser({ schema: all[name] }).parse
    const rustParser = createParser({ schema: all[name], reviver: (k, v) => v }).parse
    for (let i = 0; i < 600; i++) {
      const data = rand() < 0.5 ? structuredClone(valid(name)) : mutate(valid(name), rand, 0)
      let text
      try {
        text = JSON.stringify(data)
      } catch {
        continue
      }
      if (text === undefined) continue
      text = edits[Math.floor(rand() * edits.length)](text)
      let buf = Buffer.from(text)
      if (rand() < 0.05) buf = Buffer.concat([buf.subarray(0, 5), Buffer.from([0xc0, 0xaf]), buf.subarray(5)])
      const got = outcome(fastParser(buf))
      assert.deepStrictEqual(got, outcome(rustParser(buf)), `${name}: ${buf.toString('latin1')}`)
      if (got[0] === 'body') small++
    }
  }
  assert.ok(small > 200, `${small} bodies accepted`)
})
