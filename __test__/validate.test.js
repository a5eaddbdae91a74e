'use strict'
// compile(): ajv's contract (boolean result, .errors in ajv's shape), drafts, formats,
// references, the app's schema registry, and the mutating options checked against ajv
// itself on the same inputs.
const test = require('node:test')
const assert = require('node:assert')
const Ajv = require('ajv')
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')
const { compile, ValidationError } = require('../lib/validate')

const user = {
  type: 'object',
  required: ['username', 'email', 'password'],
  properties: {
    username: { type: 'string', pattern: '^[a-zA-Z0-9]+$', minLength: 3, maxLength: 30 },
    email: { type: 'string', format: 'email' },
    password: { type: 'string', pattern: '^[a-zA-Z0-9]{3,30}$' },
  },
  additionalProperties: false,
}

function ajvFor(options) {
  const ajv = new Ajv2020({ strict: false, ...options })
  addFormats(ajv)
  return ajv
}

test('returns a boolean and sets .errors to null or ajv-shaped errors', () => {
  const v = compile(user)
  assert.strictEqual(v({ username: 'john42', email: 'j@example.com', password: 'abc123' }), true)
  assert.strictEqual(v.errors, null)
  assert.strictEqual(v({ username: 'jo', email: 'j@example.com', password: 'abc123' }), false)
  assert.deepStrictEqual(v.errors, [
    {
      instancePath: '/username',
      schemaPath: '#/properties/username/minLength',
      keyword: 'minLength',
      params: { limit: 3 },
      message: 'must NOT have fewer than 3 characters',
    },
  ])
})

test('errors match ajv for common keywords (instancePath, schemaPath, keyword, params, message)', () => {
  const schema = {
    type: 'object',
    required: ['id'],
    properties: {
      id: { type: 'integer', minimum: 1 },
      name: { type: 'string', maxLength: 3 },
      kind: { enum: ['a', 'b'] },
      tag: { const: 'x' },
      email: { type: 'string', format: 'email' },
      list: { type: 'array', minItems: 2, uniqueItems: true },
      price: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 },
    },
    additionalProperties: false,
  }
  const ajv = ajvFor({ allErrors: true }).compile(schema)
  const ours = compile(schema, { allErrors: true })
  const cases = [
    {},
    { id: 0 },
    { id: 'x', name: 'long', kind: 'c', tag: 'y' },
    { id: 1, email: 'nope', list: [1] },
    { id: 1, list: [1, 2, 1], price: 0 },
    { id: 1, price: 0.3, extra: true, more: 1 },
  ]
  const key = (e) => `${e.instancePath} ${e.keyword}`
  for (const data of cases) {
    assert.strictEqual(ours(structuredClone(data)), ajv(structuredClone(data)), JSON.stringify(data))
    const expected = [...(ajv.errors || [])].sort((a, b) => key(a).localeCompare(key(b)))
    const got = [...(ours.errors || [])].sort((a, b) => key(a).localeCompare(key(b)))
    assert.deepStrictEqual(
      got.map((e) => ({ ...e })),
      expected.map(({ instancePath, schemaPath, keyword, params, message }) => ({
        instancePath,
        schemaPath,
        keyword,
        params,
        message,
      })),
      JSON.stringify(data),
    )
  }
})

test('allErrors: first error only by default, every error with allErrors', () => {
  const bad = { username: 'j', email: 'x', password: '!', admin: true }
  const one = compile(user)
  one(bad)
  assert.strictEqual(one.errors.length, 1)
  const all = compile(user, { allErrors: true })
  all(bad)
  assert.deepStrictEqual(all.errors.map((e) => e.keyword).sort(), [
    'additionalProperties',
    'format',
    'minLength',
    'pattern',
  ])
})

test('draft 2020-12 by default, draft-07 by $schema (or the draft option)', () => {
  const tuple = { items: [{ type: 'integer' }], additionalItems: false }
  // 2020-12: array-form items is not a keyword there, so the schema is refused.
  assert.throws(() => compile(tuple), /invalid schema/)
  const d7 = compile({ $schema: 'http://json-schema.org/draft-07/schema#', ...tuple })
  assert.strictEqual(d7([1]), true)
  assert.strictEqual(d7([1, 2]), false)
  assert.strictEqual(compile(tuple, { draft: '07' })([1, 2]), false)
  const prefix = compile({ prefixItems: [{ type: 'integer' }], items: false })
  assert.strictEqual(prefix([1]), true)
  assert.strictEqual(prefix([1, 2]), false)
})

test('every format the contract names is asserted', () => {
  const samples = {
    email: ['a@example.com', 'a@@example'],
    uri: ['https://example.com/a?b#c', '/relative'],
    'uri-reference': ['../a', 'http://exa mple.com'],
    date: ['2024-02-29', '2023-02-29'],
    time: ['12:30:00Z', '25:00:00Z'],
    'date-time': ['2024-01-01T12:00:00+01:00', '2024-01-01 12:00'],
    duration: ['P1DT2H', 'P1H'],
    uuid: ['2eb8aa08-aa98-11ea-b4aa-73b441d16380', '2eb8aa08aa98'],
    ipv4: ['192.168.0.1', '256.0.0.1'],
    ipv6: ['::1', '1:::2'],
    hostname: ['api.example.com', '-bad-.com'],
    regex: ['^a+$', '(unclosed'],
    'json-pointer': ['/a/b~0c', 'a/b'],
  }
  for (const draft of ['2020-12', '07']) {
    for (const [format, [good, bad]] of Object.entries(samples)) {
      const v = compile({ type: 'string', format }, { draft })
      assert.strictEqual(v(good), true, `${draft} ${format} ${good}`)
      assert.strictEqual(v(bad), false, `${draft} ${format} ${bad}`)
      assert.strictEqual(v.errors[0].keyword, 'format')
    }
  }
  assert.strictEqual(compile({ format: 'email' }, { validateFormats: false })('nope'), true)
})

test('local $ref, $defs, $anchor and $dynamicRef resolve', () => {
  const v = compile({
    $defs: { id: { $anchor: 'id', type: 'integer', minimum: 1 } },
    properties: { a: { $ref: '#/$defs/id' }, b: { $ref: '#id' } },
  })
  assert.strictEqual(v({ a: 1, b: 2 }), true)
  assert.strictEqual(v({ a: 0 }), false)
  assert.strictEqual(v({ b: 'x' }), false)
  const tree = compile({
    $id: 'https://example.com/strict-tree',
    $dynamicAnchor: 'node',
    $ref: 'https://example.com/tree',
    unevaluatedProperties: false,
    $defs: {
      tree: {
        $id: 'https://example.com/tree',
        $dynamicAnchor: 'node',
        type: 'object',
        properties: { data: true, children: { type: 'array', items: { $dynamicRef: '#node' } } },
      },
    },
  })
  assert.strictEqual(tree({ children: [{ data: 1 }] }), true)
  assert.strictEqual(tree({ children: [{ daat: 1 }] }), false)
})

test('options.schemas: a registry of app-added schemas; remote refs are never fetched', () => {
  const address = { $id: 'https://app.example/address.json', type: 'object', required: ['city'] }
  const v = compile(
    { properties: { home: { $ref: 'https://app.example/address.json' } } },
    { schemas: [address] },
  )
  assert.strictEqual(v({ home: { city: 'Oslo' } }), true)
  assert.strictEqual(v({ home: {} }), false)
  const byUri = compile({ $ref: 'urn:app:id' }, { schemas: { 'urn:app:id': { type: 'integer' } } })
  assert.strictEqual(byUri(3), true)
  assert.strictEqual(byUri('3'), false)
  assert.throws(
    () => compile({ $ref: 'https://example.com/remote.json' }),
    (err) => /not fetched/.test(err.message) && err.code === 'ERR_INVALID_SCHEMA',
  )
  assert.throws(() => compile({}, { schemas: [{ type: 'object' }] }), /needs an \$id/)
})

test('bad options and bad schemas fail at start-up with a clear error', () => {
  assert.throws(() => compile({}, { $data: true }), /\$data.*cannot be honoured/)
  assert.throws(() => compile({}, { loadSchema: () => {} }), /never fetched/)
  assert.throws(() => compile({}, { coerceTypes: 'yes' }), /coerceTypes/)
  assert.throws(() => compile({}, { removeAdditional: 'some' }), /removeAdditional/)
  assert.throws(() => compile({}, { nope: 1 }), /unknown option nope/)
  assert.throws(() => compile({ type: 'strin' }), /invalid schema/)
  assert.throws(() => compile({ pattern: '(' }), /invalid schema/)
  assert.throws(() => compile(42), /invalid schema|object or a boolean/)
})

test('values that are not JSON are reported, not thrown', () => {
  const v = compile({})
  assert.strictEqual(v(undefined), false)
  const cyclic = {}
  cyclic.self = cyclic
  assert.strictEqual(v(cyclic), false)
  assert.strictEqual(v.errors[0].keyword, 'type')
  assert.strictEqual(v(10n), false)
})

// The mutating options, checked against ajv on the same inputs: same result, same object.
const mutationCases = [
  {
    options: { useDefaults: true },
    schema: {
      type: 'object',
      properties: {
        page: { type: 'integer', default: 1 },
        sort: { type: 'string', default: 'asc' },
        filter: { type: 'object', properties: { on: { type: 'boolean', default: false } }, default: {} },
      },
    },
    data: [{}, { page: 3 }, { filter: {} }, { sort: null }],
  },
  {
    options: { useDefaults: true },
    schema: {
      type: 'array',
      prefixItems: [
        { type: 'integer', default: 1 },
        { type: 'string', default: 'x' },
      ],
    },
    data: [[], [5]],
  },
  {
    options: { useDefaults: true, draft: '07' },
    ajvDraft7: true,
    schema: {
      type: 'array',
      items: [
        { type: 'integer', default: 1 },
        { type: 'string', default: 'x' },
      ],
    },
    data: [[], [5]],
  },
  {
    options: { coerceTypes: true },
    schema: {
      type: 'object',
      properties: {
        n: { type: 'number' },
        i: { type: 'integer' },
        b: { type: 'boolean' },
        s: { type: 'string' },
        z: { type: 'null' },
        u: { type: ['integer', 'boolean'] },
      },
    },
    data: [
      { n: '1.5', i: '2', b: 'true', s: 12, z: '' },
      { n: 'x', i: '2.5', b: 'yes', s: true, z: 0 },
      { n: true, i: null, b: 0, s: null, z: false, u: 'false' },
      { n: ' 7 ', i: '', b: 1, u: '3' },
    ],
  },
  {
    options: { coerceTypes: 'array' },
    schema: {
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'integer' } }, one: { type: 'integer' } },
    },
    data: [{ tags: '3', one: ['4'] }, { tags: ['1', '2'], one: [1, 2] }, { tags: 5 }],
  },
  {
    options: { removeAdditional: true },
    schema: {
      type: 'object',
      properties: {
        a: { type: 'integer' },
        o: { type: 'object', properties: { x: {} }, additionalProperties: false },
      },
      additionalProperties: false,
    },
    data: [{ a: 1, b: 2, o: { x: 1, y: 2 } }],
  },
  {
    options: { removeAdditional: 'all' },
    schema: {
      type: 'object',
      properties: { a: { type: 'integer' } },
      patternProperties: { '^x-': { type: 'string' } },
      additionalProperties: true,
    },
    data: [{ a: 1, b: 2, 'x-id': 'k' }],
  },
  {
    options: { removeAdditional: 'failing' },
    schema: {
      type: 'object',
      properties: { a: { type: 'integer' } },
      additionalProperties: { type: 'string' },
    },
    data: [{ a: 1, keep: 'yes', drop: 3 }],
  },
  {
    options: { useDefaults: true, coerceTypes: true, removeAdditional: true },
    schema: {
      $defs: { limit: { type: 'integer', minimum: 1, default: 10 } },
      type: 'object',
      properties: { limit: { $ref: '#/$defs/limit' }, q: { type: 'string' } },
      allOf: [{ properties: { offset: { type: 'integer', default: 0 } } }],
      additionalProperties: false,
    },
    data: [{ q: 'x', junk: 1 }, { limit: '5', offset: '2' }, { limit: '0' }],
  },
]

test('useDefaults, coerceTypes and removeAdditional change the object as ajv does', () => {
  // allErrors on both sides: without it ajv stops mutating at its first error, midway.
  for (const { options, schema, data, ajvDraft7 } of mutationCases) {
    const ajvOptions = { ...options }
    delete ajvOptions.draft
    const ajv = (
      ajvDraft7
        ? new Ajv({ strict: false, ...ajvOptions, allErrors: true })
        : ajvFor({ ...ajvOptions, allErrors: true })
    ).compile(schema)
    const ours = compile(schema, { ...options, allErrors: true })
    for (const input of data) {
      const a = structuredClone(input)
      const b = structuredClone(input)
      const label = `${JSON.stringify(options)} ${JSON.stringify(input)}`
      assert.strictEqual(ours(b), ajv(a), label)
      assert.deepStrictEqual(b, a, label)
    }
  }
})

test('a primitive root is coerced before validation, as in ajv', () => {
  const v = compile({ type: 'integer', minimum: 2 }, { coerceTypes: true })
  assert.strictEqual(v('5'), true)
  assert.strictEqual(v('1'), false)
  assert.strictEqual(v('x'), false)
})

test('ValidationError carries status 400 and details', () => {
  const err = new ValidationError([
    { location: 'body', path: '/a', message: 'must be string', keyword: 'type' },
  ])
  assert.ok(err instanceof Error)
  assert.strictEqual(err.name, 'ValidationError')
  assert.strictEqual(err.status, 400)
  assert.strictEqual(err.statusCode, 400)
  assert.match(err.message, /body\/a must be string/)
})

test('the ESM entry exports the same functions', async () => {
  const esm = await import('../lib/esm/validate.mjs')
  const cjs = require('../lib/validate')
  assert.strictEqual(esm.compile, cjs.compile)
  assert.strictEqual(esm.validate, cjs.validate)
  assert.strictEqual(esm.json, cjs.json)
  assert.strictEqual(esm.ValidationError, cjs.ValidationError)
})

test('regression: NaN and Infinity fail as values JSON cannot hold (were judged as null)', () => {
  // JSON.stringify writes them as null, so -Infinity passed `type: ['number', 'null']` with
  // `minimum: 0`, where ajv (and the app) see a number below the minimum.
  const check = compile({ type: 'object', properties: { n: { type: ['number', 'null'], minimum: 0 } } })
  for (const n of [-Infinity, Infinity, NaN]) {
    assert.strictEqual(check({ n }), false, String(n))
    assert.strictEqual(check.errors[0].keyword, 'type')
  }
  assert.strictEqual(compile({ type: 'null' })(NaN), false)
  assert.strictEqual(check({ n: null }), true)
  assert.strictEqual(check({ n: 1 }), true)
})

test('ValidationError captures no stack (an expected 400, not a bug) and restores Error.stackTraceLimit', () => {
  const { ValidationError } = require('../lib/validate/errors')
  const before = Error.stackTraceLimit
  const err = new ValidationError([
    { location: 'body', path: '/a', message: 'must be string', keyword: 'type' },
  ])
  assert.strictEqual(err.stack, 'ValidationError: Validation failed: body/a must be string')
  assert.ok(err instanceof Error)
  assert.strictEqual(Error.stackTraceLimit, before)
  assert.ok(new Error('x').stack.split('\n').length > 1, 'other errors keep their stack')
})
