'use strict'
// Rate-limit keys: the JS string against the bytes the native store keys on. Two different
// JS keys must never share a counter, and equal keys always must, through every entry point
// (hit, get, decrement, resetKey). UTF-8 alone is not enough: every lone surrogate becomes
// U+FFFD, so '\ud800', '\udfff' and '\ufffd' would be one client.
const test = require('node:test')
const assert = require('node:assert')
const { MemoryStore } = require('../lib/rate-limit')
const rateLimit = require('../lib/rate-limit')

function store() {
  const s = new MemoryStore({ maxKeys: 100_000 })
  s.init({ windowMs: 60_000 })
  return s
}

/** Hits each key of `keys` (in order) on one store; returns the store. */
function hitAll(keys) {
  const s = store()
  const now = Date.now()
  for (const key of keys) s.hit(key, now, 1e9)
  return s
}

async function hitsOf(s, key) {
  const info = await s.get(key)
  return info === undefined ? 0 : info.totalHits
}

const PAIRS = [
  ['lone high surrogates', '\ud800', '\ud801'],
  ['lone low surrogates', '\udc00', '\udfff'],
  ['a lone surrogate and U+FFFD', '\ud800', '\ufffd'],
  ['a lone surrogate and its UTF-8 replacement bytes as text', 'ip-\ud83d', 'ip-\ufffd'],
  ['a reversed pair and a valid pair', '\ude00\ud83d', '\ud83d\ude00'],
  ['composed and decomposed é', '\u00e9', 'e\u0301'],
  ['NUL inside', 'a\u0000b', 'a\u0000c'],
  ['NUL and nothing', 'a\u0000', 'a'],
  ['a \\x01 key and the same key without it', '\u0001abc', 'abc'],
  ['long keys with a shared 64-byte prefix', `${'k'.repeat(64)}1`, `${'k'.repeat(64)}2`],
  ['long keys with a shared 127-byte prefix', `${'k'.repeat(127)}1`, `${'k'.repeat(127)}2`],
  ['a key at the inline-buffer edge and one byte longer', 'x'.repeat(127), 'x'.repeat(128)],
  ['multi-byte characters across the inline-buffer edge', `${'x'.repeat(126)}é1`, `${'x'.repeat(126)}é2`],
  ['long keys, lone surrogates at the end', `${'z'.repeat(70)}\ud800`, `${'z'.repeat(70)}\ud801`],
  ['long keys, lone surrogate past the buffer', `${'z'.repeat(200)}\ud800`, `${'z'.repeat(200)}\udbff`],
]

for (const [what, a, b] of PAIRS) {
  test(`different keys never share a counter: ${what}`, async () => {
    const s = hitAll([a, a, b])
    assert.strictEqual(await hitsOf(s, a), 2, 'first key')
    assert.strictEqual(await hitsOf(s, b), 1, 'second key')
    assert.strictEqual(s.size, 2)
  })
}

test('equal keys always share one counter, whatever string built them', async () => {
  const built = [
    ['abc', ['ab', 'c'].join('')],
    ['\ud800x', String.fromCharCode(0xd800) + 'x'],
    ['é'.normalize('NFC'), '\u00e9'],
    ['y'.repeat(300), 'y'.repeat(150) + 'y'.repeat(150)],
    ['\u0001', String.fromCharCode(1)],
  ]
  for (const [a, b] of built) {
    const s = hitAll([a, b])
    assert.strictEqual(await hitsOf(s, a), 2, JSON.stringify(a))
    assert.strictEqual(s.size, 1)
  }
})

test('hit, get, decrement and resetKey agree on every odd key', async () => {
  const odd = PAIRS.flatMap(([, a, b]) => [a, b]).concat(['', '\u0001', '\u0001w', '\ufffd'])
  for (const key of odd) {
    const s = hitAll([key, key, key])
    assert.strictEqual(await hitsOf(s, key), 3, `get ${JSON.stringify(key)}`)
    s.decrementSync(key, 1e9)
    assert.strictEqual(await hitsOf(s, key), 2, `decrement ${JSON.stringify(key)}`)
    await s.resetKey(key)
    assert.strictEqual(await hitsOf(s, key), 0, `resetKey ${JSON.stringify(key)}`)
  }
})

test('differential: random keys count exactly as a JS Map of the same strings would', async () => {
  // Small alphabet, so that collisions between different strings would show up often.
  const alphabet = [
    'a',
    'é',
    'e\u0301',
    '\ufffd',
    '\ud800',
    '\udc00',
    '\udbff',
    '\u0001',
    '\u0000',
    '😀',
    'w',
    'k',
  ]
  let seed = 12345
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  }
  const keys = []
  for (let i = 0; i < 3000; i++) {
    const length = random(3) === 0 ? 60 + random(40) : random(6)
    let key = ''
    for (let j = 0; j < length; j++) key += alphabet[random(alphabet.length)]
    keys.push(key)
  }
  // Every key is hit again now and then, so equal keys must add up.
  for (let i = 0; i < 1000; i++) keys.push(keys[random(keys.length)])
  const expected = new Map()
  for (const key of keys) expected.set(key, (expected.get(key) || 0) + 1)
  const s = hitAll(keys)
  assert.strictEqual(s.size, expected.size, 'one native counter per distinct JS string')
  for (const [key, count] of expected) {
    assert.strictEqual(await hitsOf(s, key), count, `count of ${JSON.stringify(key)}`)
  }
})

test('through the middleware: clients keyed by lone surrogates are limited separately', async () => {
  const limiter = rateLimit({
    limit: 1,
    keyGenerator: (req) => req.key,
    validate: false,
    legacyHeaders: false,
  })
  const res = () => ({ headersSent: false, setHeader() {}, getHeader() {}, status() {}, send() {} })
  const passed = []
  for (const key of ['\ud800', '\ud801', '\ufffd']) {
    await limiter({ key, headers: {} }, res(), () => passed.push(key))
  }
  assert.deepStrictEqual(passed, ['\ud800', '\ud801', '\ufffd'])
})
