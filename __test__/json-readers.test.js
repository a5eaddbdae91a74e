'use strict'
// json() reads a body twice: Rust checks the raw bytes (UTF-8, syntax, depth, prototype
// keys and the schema), then JSON.parse builds req.body. For every input both see, this
// suite proves they agree: JSON.parse rejects → json() rejects; json() accepts → req.body
// is exactly JSON.parse's value (after protoAction) and the schema judged that value.
// Where json() refuses what JSON.parse accepts, the refusal is one of REFUSALS, on purpose.
const test = require('node:test')
const assert = require('node:assert')
const { isUtf8 } = require('node:buffer')
const { isDeepStrictEqual } = require('node:util')
const native = require('../lib/native')
const { compile, ValidationError } = require('../lib/validate')
const { createParser, statusTable, OUTCOMES } = require('../lib/validate/json')
const { prng } = require('./helpers/prng')

const DEPTH = 64
const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/** What JavaScript alone makes of the bytes (body-parser: BOM dropped, then JSON.parse). */
function jsRead(buf, protoAction) {
  const bytes = buf.subarray(0, 3).equals(BOM) ? buf.subarray(3) : buf
  if (bytes.length === 0) return { ok: true, value: {}, raw: {} } // body-parser's empty body
  try {
    const text = bytes.toString('utf8')
    const value = JSON.parse(text, protoAction === 'remove' ? stripProto : undefined)
    return { ok: true, value, raw: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

function stripProto(key, value) {
  if (key === '__proto__') return undefined
  if (key === 'constructor' && value && typeof value === 'object' && Object.hasOwn(value, 'prototype'))
    delete value.prototype
  return value
}

function depthOf(v) {
  if (v === null || typeof v !== 'object') return 0
  let d = 0
  for (const x of Object.values(v)) d = Math.max(d, depthOf(x))
  return d + 1
}

/**
 * Whether the text holds a `__proto__` key, or a `prototype` key in an object that is the
 * value of a `constructor` key, anywhere (even where a repeated key later replaces it).
 */
function protoKeyAnywhere(buf) {
  const stack = []
  let prev = null
  let key = null
  for (const [t] of buf.toString('utf8').matchAll(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g)) {
    if (t === '{' || t === '[') stack.push(t === '{' && key === 'constructor')
    else if (t === '}' || t === ']') stack.pop()
    else if (t === ':') {
      key = prev
      if (key === '__proto__' || (key === 'prototype' && stack[stack.length - 1])) return true
      continue
    }
    if (t !== ':') key = t[0] === '"' ? key : null
    if (t === ',' || t === '{' || t === '[' || t === '}' || t === ']') key = null
    prev = t[0] === '"' ? JSON.parse(t) : null
  }
  return false
}

/**
 * Lexical facts about valid JSON text, wherever they occur (even in a value a later
 * duplicate key replaces): a lone surrogate escape, a number that overflows a double.
 */
function tokens(buf) {
  const text = buf.toString('utf8')
  let lone = false
  let overflow = false
  for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    const token = m[0]
    if (token[0] === '"') {
      if (!JSON.parse(token).isWellFormed()) lone = true
    } else if (!Number.isFinite(Number(token))) {
      overflow = true
    }
  }
  return { lone, overflow }
}

/** Why json() may refuse a body JSON.parse accepts: [name, (buf, parsed) => boolean]. */
const REFUSALS = [
  ['invalid UTF-8 (JSON.parse would see U+FFFD instead of the bytes sent)', (buf) => !isUtf8(buf)],
  [
    'a lone UTF-16 surrogate escape anywhere in the text (not a Unicode string; Rust strings cannot hold it)',
    (buf) => tokens(buf).lone,
  ],
  [
    'a number beyond the double range anywhere in the text (JSON.parse makes it Infinity, which is not JSON)',
    (buf) => tokens(buf).overflow,
  ],
  ['nesting beyond the depth limit', (buf, v) => depthOf(v) > DEPTH],
]

/**
 * A schema that holds exactly for `v`: every key, every leaf by const, every count.
 * `tree` wraps each level in anyOf so the full validator (not the streaming plan) judges.
 */
function describe(v, tree) {
  let s
  if (Array.isArray(v)) {
    s = { type: 'array', minItems: v.length, maxItems: v.length }
    if (v.length) s.prefixItems = v.map((x) => describe(x, tree))
    if (!tree) delete s.prefixItems // prefixItems has no plan: keep the plan path plannable
  } else if (v !== null && typeof v === 'object') {
    const properties = {}
    for (const k of Object.keys(v)) {
      Object.defineProperty(properties, k, {
        value: describe(v[k], tree),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    const keys = Object.keys(v)
    s = {
      type: 'object',
      properties,
      required: keys,
      additionalProperties: false,
      minProperties: keys.length,
      maxProperties: keys.length,
    }
  } else {
    s = { const: v }
  }
  return tree ? { anyOf: [s] } : s
}

/** Checks the agreement for one body; returns what happened (for counting). */
function agree(buf, protoAction, schema) {
  const js = jsRead(buf, protoAction)
  const parser = createParser({ strict: false, depth: DEPTH, protoAction, schema })
  const out = parser.parse(buf)
  const label = `${JSON.stringify(buf.toString('latin1')).slice(0, 400)} protoAction=${protoAction}`
  if (!js.ok) {
    assert.ok(out instanceof Error, `JSON.parse refuses, json() accepted: ${label}`)
    assert.strictEqual(out.status, 400, label)
    return 'both refuse'
  }
  if (protoAction === 'error' && protoKeyAnywhere(buf)) {
    assert.ok(out instanceof Error && out.status === 400, `a prototype key passed under 'error': ${label}`)
    return 'prototype key refused'
  }
  if (out instanceof ValidationError) {
    assert.ok(schema !== undefined, label)
    assert.strictEqual(compile(schema)(js.value), false, `Rust rejected what the schema accepts: ${label}`)
    return 'schema refuses'
  }
  if (out instanceof Error) {
    const why = REFUSALS.find(([, match]) => match(buf, js.raw))
    assert.ok(why, `json() refused what JSON.parse accepts, for no listed reason: ${label}: ${out.message}`)
    return `refused: ${why[0]}`
  }
  assert.ok(isDeepStrictEqual(out.body, js.value), `req.body differs from JSON.parse's value: ${label}`)
  if (schema !== undefined) {
    assert.strictEqual(compile(schema)(js.value), true, `Rust accepted what the schema rejects: ${label}`)
  }
  return 'both accept'
}

const PROTO_ACTIONS = ['error', 'remove', 'ignore']
const b = (s) => Buffer.from(s, 'utf8')

const NAMED = [
  b('{"role":"user","role":"admin"}'),
  b('{"role":"admin","role":"user"}'),
  b('{"a":1,"a":1}'),
  b('{"__proto__":{"isAdmin":true}}'),
  b('{"a":1,"__proto__":{"x":1}}'),
  b('{"\\u005f_proto__":{"x":1}}'),
  b('{"constructor":{"prototype":{"isAdmin":true}}}'),
  b('{"constructor":{"prototype":1},"a":[{"__proto__":null}]}'),
  b('[9007199254740992,9007199254740993]'),
  b('{"n":9007199254740993,"m":-9007199254740993}'),
  b('{"n":123456789012345678901234567890}'),
  b('{"n":1e308,"m":1.7976931348623157e308}'),
  b('{"n":1e309}'),
  b('[-1e400]'),
  b('[5e-324,1e-400,0.1,0.30000000000000004]'),
  b('{"z":-0,"y":-0.0,"x":0e5}'),
  b('["\\ud800"]'),
  b('{"\\udc00":1}'),
  b('["\\ud83d\\ude00","😀"]'),
  Buffer.concat([BOM, b('{"bom":true}')]),
  Buffer.concat([BOM, BOM, b('{}')]),
  b('{"\\u0000":"\\u0000","a\\u0000b":["x\\u0000"]}'),
  b('['.repeat(DEPTH) + ']'.repeat(DEPTH)),
  b('['.repeat(DEPTH + 1) + ']'.repeat(DEPTH + 1)),
  b('{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH)),
  b('{"a":'.repeat(DEPTH + 1) + '1' + '}'.repeat(DEPTH + 1)),
  Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), // {"\xff":1}
  Buffer.from([0x5b, 0x22, 0xc3, 0x22, 0x5d]), // ["\xc3"]: truncated sequence
  Buffer.from([0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d]), // overlong "/"
  Buffer.from([0x5b, 0x22, 0xe0, 0x80, 0xaf, 0x22, 0x5d]), // overlong "/", three bytes
  Buffer.from([0x5b, 0x22, 0xc1, 0xbf, 0x22, 0x5d]), // overlong DEL
  Buffer.from([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]), // a surrogate encoded in UTF-8
  Buffer.from([0x5b, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x5d]), // beyond U+10FFFF
  b('{"a":1,}'),
  b('[1] x'),
  b(''),
  b('  '),
  b('nul'),
]

test('the body status codes come from Rust, and every one has a meaning in JavaScript', () => {
  const table = native.bodyStatusCodes()
  assert.deepStrictEqual(statusTable(), table)
  const codes = Object.keys(table).filter((k) => k !== 'protoFlag' && k !== 'codeMask')
  assert.deepStrictEqual(codes.sort(), Object.keys(OUTCOMES).sort())
  assert.strictEqual(new Set(codes.map((k) => table[k])).size, codes.length, 'two names share a code')
  for (const k of codes) {
    if (k === 'unknownId') continue
    assert.strictEqual(table[k] & table.codeMask, table[k], `${k} overlaps the flags`)
  }
  assert.strictEqual(table.protoFlag & table.codeMask, 0)
  // Each code, produced by real input, becomes what OUTCOMES says.
  const schema = { type: 'object', properties: { a: { type: 'integer' } } }
  const id = compile(schema).schemaId
  const parser = createParser({ schema, depth: 2, protoAction: 'ignore' })
  const cases = [
    ['ok', b('{"a":1}'), (out) => isDeepStrictEqual(out.body, { a: 1 })],
    ['syntax', b('{"a":'), (out) => out.status === 400 && out.type === 'entity.parse.failed'],
    ['tooDeep', b('{"a":[[1]]}'), (out) => out.status === 400 && /depth limit of 2/.test(out.message)],
    ['invalid', b('{"a":"x"}'), (out) => out instanceof ValidationError && out.details[0].path === '/a'],
  ]
  for (const [name, body, expect] of cases) {
    assert.strictEqual(native.checkBodyById(id, body, 2) & table.codeMask, table[name], name)
    native.takeBodyErrors()
    assert.ok(expect(parser.parse(body)), name)
  }
  assert.strictEqual(native.checkBodyById(0xffffff, b('{}'), 2), table.unknownId)
  assert.strictEqual(native.scanBody(b('{"__proto__":1}'), 2) & table.protoFlag, table.protoFlag)
})

test('regression: a repeated key is judged by the value JSON.parse keeps (last wins)', () => {
  // Was: the streaming check counted `{"a":1,"a":1}` as two properties for minProperties,
  // so a body JavaScript sees as { a: 1 } passed `minProperties: 2`.
  const two = createParser({ schema: { type: 'object', minProperties: 2 } })
  assert.ok(two.parse(b('{"a":1,"a":1}')) instanceof ValidationError)
  assert.deepStrictEqual(two.parse(b('{"a":1,"b":1}')).body, { a: 1, b: 1 })
  // The classic bypass: the check must not see "user" while the app gets "admin".
  const role = createParser({ schema: { type: 'object', properties: { role: { enum: ['user'] } } } })
  assert.ok(role.parse(b('{"role":"user","role":"admin"}')) instanceof ValidationError)
  assert.deepStrictEqual(role.parse(b('{"role":"admin","role":"user"}')).body, { role: 'user' })
})

test("regression: under protoAction 'remove' the schema judges the object left after removal", () => {
  // Was: Rust judged the body with its __proto__ key, then JavaScript removed the key, so
  // `{"a":1,"__proto__":{}}` passed minProperties: 2 with one property left.
  const two = createParser({ protoAction: 'remove', schema: { type: 'object', minProperties: 2 } })
  assert.ok(two.parse(b('{"a":1,"__proto__":{}}')) instanceof ValidationError)
  const closed = createParser({
    protoAction: 'remove',
    schema: { type: 'object', properties: { a: {} }, additionalProperties: false },
  })
  assert.deepStrictEqual(closed.parse(b('{"a":1,"__proto__":{"x":1}}')).body, { a: 1 })
  assert.strictEqual(Object.getPrototypeOf(closed.parse(b('{"a":1,"__proto__":{"x":1}}')).body).x, undefined)
})

test("regression: protoAction 'error' refuses a prototype key a repeated key replaces, with a schema too", () => {
  // Was: without a schema this body got 400, with one it passed (the schema check kept
  // only the last value of "a", and took the key flag from it).
  const body = b('{"a":{"__proto__":{"x":1}},"a":2}')
  for (const schema of [
    undefined,
    { properties: { a: { const: 2 } } },
    { anyOf: [{ properties: { a: { const: 2 } } }] },
  ]) {
    const out = createParser({ schema }).parse(body)
    assert.ok(out instanceof Error && out.status === 400, JSON.stringify(schema))
    assert.match(out.message, /prototype/)
  }
})

test('regression: integers beyond 2^53 are judged as the double JSON.parse makes', () => {
  // Was: Rust kept 9007199254740993 exact, so it was unique next to 9007199254740992,
  // while the app's array holds the same number twice.
  const unique = createParser({ schema: { type: 'array', uniqueItems: true } })
  assert.ok(unique.parse(b('[9007199254740992,9007199254740993]')) instanceof ValidationError)
  const not = createParser({ schema: { type: 'array', items: { not: { const: 9007199254740992 } } } })
  assert.ok(not.parse(b('[9007199254740993]')) instanceof ValidationError)
})

test('the two readers agree on the named hard cases, under every protoAction, with and without a schema', () => {
  const seen = new Map()
  for (const buf of NAMED) {
    for (const protoAction of PROTO_ACTIONS) {
      const js = jsRead(buf, protoAction)
      const schemas = [undefined]
      if (js.ok && !REFUSALS.some(([, m]) => m(buf, js.raw)) && depthOf(js.value) < 30) {
        schemas.push(describe(js.value, false), describe(js.value, true))
      }
      schemas.push({ type: 'object', properties: { role: { enum: ['user'] } } }, { minProperties: 2 })
      for (const schema of schemas) {
        const what = agree(buf, protoAction, schema)
        seen.set(what, (seen.get(what) || 0) + 1)
      }
    }
  }
  // Every refusal class is reached, so none of them is dead code in this suite.
  for (const [name] of REFUSALS) assert.ok(seen.has(`refused: ${name}`), `never reached: ${name}`)
  assert.ok(seen.get('both accept') > 50)
})

const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1.5',
  '9007199254740993',
  '1e308',
  '1e309',
  '-1e400',
  '5e-324',
  '0.1',
  '1E2',
]
const STRINGS = ['"a"', '"\\u0000"', '"\\ud800"', '"\\ud83d\\ude00"', '"é"', '"\\""', '"\\udc00x"', '""']
const KEYS = ['a', 'b', 'a', '__proto__', 'constructor', 'prototype', '\\u0000k', 'role', '\\u005f_proto__']
const NOISE = [0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xef, 0xbb, 0xbf, 0x2c, 0x7d, 0x5d, 0x22]

function randomDoc(rnd, depth) {
  const pick = (a) => a[Math.floor(rnd() * a.length)]
  const r = rnd()
  if (depth > 4 || r < 0.35) return pick([...NUMBERS, ...STRINGS, 'true', 'false', 'null'])
  const n = Math.floor(rnd() * 4)
  const parts = []
  if (r < 0.6) {
    for (let i = 0; i < n; i++) parts.push(randomDoc(rnd, depth + 1))
    return `[${parts.join(',')}]`
  }
  for (let i = 0; i < n; i++) parts.push(`"${pick(KEYS)}":${randomDoc(rnd, depth + 1)}`)
  return `{${parts.join(',')}}`
}

test('the two readers agree on seeded random bodies (duplicates, escapes, numbers, bad bytes)', () => {
  const rnd = prng(0x15a1)
  const seen = new Map()
  for (let i = 0; i < 4000; i++) {
    let buf = b(randomDoc(rnd, 0))
    if (rnd() < 0.2) {
      const at = Math.floor(rnd() * (buf.length + 1))
      const noise = Buffer.from([NOISE[Math.floor(rnd() * NOISE.length)]])
      buf = Buffer.concat([buf.subarray(0, at), noise, buf.subarray(at)])
    }
    if (rnd() < 0.05) buf = Buffer.concat([BOM, buf])
    const protoAction = PROTO_ACTIONS[i % 3]
    const js = jsRead(buf, protoAction)
    let schema
    if (js.ok && !REFUSALS.some(([, m]) => m(buf, js.raw)) && rnd() < 0.7)
      schema = describe(js.value, rnd() < 0.3)
    const what = agree(buf, protoAction, schema)
    seen.set(what, (seen.get(what) || 0) + 1)
  }
  assert.ok(seen.get('both accept') > 800, JSON.stringify([...seen]))
  assert.ok(seen.get('both refuse') > 200, JSON.stringify([...seen]))
})
