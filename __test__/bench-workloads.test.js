'use strict'
// bench/workloads.js: the generated inputs have the shapes of the shared workloads, and the
// generated tokens verify with node:crypto against the generated keys.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { generateWorkloads, loadWorkloads, sharedWorkloadsDir } = require('../bench/workloads')

const sharedDir = path.join(
  process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared'),
  'workloads',
)
const haveShared = ['jwt', 'validation', 'html'].every((n) =>
  fs.existsSync(path.join(sharedDir, `${n}.json`)),
)
const sharedSkip = haveShared ? false : `shared workloads missing at ${sharedDir}`
if (!haveShared && process.env.CI === 'true') {
  test('shared workloads are present under CI', () => assert.fail(`missing: ${sharedDir}`))
}

const generated = generateWorkloads()

/** Every object key path of a value, with arrays reduced to their first element. */
function shape(value, prefix = '') {
  if (Array.isArray(value)) return value.length ? shape(value[0], `${prefix}[]`) : [`${prefix}[]`]
  if (value && typeof value === 'object') {
    return Object.keys(value)
      .sort()
      .flatMap((k) => [
        `${prefix}.${k}:${Array.isArray(value[k]) ? 'array' : typeof value[k]}`,
        ...shape(value[k], `${prefix}.${k}`),
      ])
  }
  return []
}

for (const name of ['jwt', 'validation', 'html']) {
  test(`generated ${name} workload has the shared shape`, { skip: sharedSkip }, () => {
    const shared = JSON.parse(fs.readFileSync(path.join(sharedDir, `${name}.json`), 'utf8'))
    assert.deepEqual(shape(generated[name]), shape(shared))
  })
}

test('generated sizes match the shared ones within tolerance', { skip: sharedSkip }, () => {
  const jwt = JSON.parse(fs.readFileSync(path.join(sharedDir, 'jwt.json'), 'utf8'))
  const html = JSON.parse(fs.readFileSync(path.join(sharedDir, 'html.json'), 'utf8'))
  const validation = JSON.parse(fs.readFileSync(path.join(sharedDir, 'validation.json'), 'utf8'))
  for (const k of ['small', 'medium', 'large']) {
    const ratio = generated.html.bytes[k] / html.bytes[k]
    assert.ok(ratio > 0.85 && ratio < 1.15, `html.${k}: ${generated.html.bytes[k]} B vs ${html.bytes[k]} B`)
    assert.equal(generated.html.bytes[k], Buffer.byteLength(generated.html[k]))
  }
  assert.equal(generated.jwt.hs256Distinct.length, jwt.hs256Distinct.length)
  for (const alg of Object.keys(jwt.tokens)) {
    const diff = Math.abs(generated.jwt.tokens[alg].length - jwt.tokens[alg].length)
    assert.ok(
      diff <= 4,
      `${alg} token length ${generated.jwt.tokens[alg].length} vs ${jwt.tokens[alg].length}`,
    )
  }
  assert.equal(generated.jwt.hs256.secretBytes, jwt.hs256.secretBytes)
  assert.equal(
    generated.validation.bodies.order.valid.items.length,
    validation.bodies.order.valid.items.length,
  )
  // the schemas are the contract of the workload: identical, not just alike
  assert.deepEqual(generated.validation.schemas, validation.schemas)
})

test('generated HTML carries the same kinds of hostile content', () => {
  const { small, medium, large } = generated.html
  for (const needle of ['<script', 'onerror=', 'javascript:', '<b>', '<i>'])
    assert.ok(small.includes(needle), needle)
  for (const needle of [
    '<h1>',
    '<h2>',
    '<ul>',
    '<ol>',
    '<table',
    'style=',
    '<svg',
    'onload=',
    '<iframe',
    '<form',
    '<object',
    '<embed',
    'data:text/html',
    '<img',
  ]) {
    assert.ok(medium.includes(needle), needle)
  }
  assert.match(medium, /href="JaVaScRiPt:/)
  assert.equal(large.split('<article').length - 1, 20)
  assert.match(large, /\(part 20\)/)
})

function verifyJws(token, check) {
  const [h, p, s] = token.split('.')
  const header = JSON.parse(Buffer.from(h, 'base64url'))
  assert.ok(
    check(header.alg, Buffer.from(`${h}.${p}`), Buffer.from(s, 'base64url')),
    `${header.alg} signature`,
  )
  return JSON.parse(Buffer.from(p, 'base64url'))
}

test('generated tokens verify with node:crypto and carry the expected claims', () => {
  const { jwt } = generated
  const secret = Buffer.from(jwt.hs256.secretB64u, 'base64url')
  assert.equal(secret.length, 32)
  const keyOf = (entry, usePem) =>
    usePem
      ? crypto.createPublicKey(entry.publicKeyPem)
      : crypto.createPublicKey({ key: entry.publicJwk, format: 'jwk' })
  for (const usePem of [true, false]) {
    const checks = {
      HS256: (alg, data, sig) =>
        alg === 'HS256' &&
        crypto.timingSafeEqual(crypto.createHmac('sha256', secret).update(data).digest(), sig),
      RS256: (alg, data, sig) =>
        alg === 'RS256' && crypto.verify('sha256', data, keyOf(jwt.rs256, usePem), sig),
      ES256: (alg, data, sig) =>
        alg === 'ES256' &&
        sig.length === 64 &&
        crypto.verify('sha256', data, { key: keyOf(jwt.es256, usePem), dsaEncoding: 'ieee-p1363' }, sig),
      EdDSA: (alg, data, sig) => alg === 'EdDSA' && crypto.verify(null, data, keyOf(jwt.eddsa, usePem), sig),
    }
    for (const [alg, check] of Object.entries(checks)) {
      const claims = verifyJws(jwt.tokens[alg], check)
      for (const k of ['sub', 'role', 'iss', 'aud', 'exp', 'iat'])
        assert.equal(claims[k], jwt.expected[k], `${alg} ${k}`)
    }
  }
  assert.equal(crypto.createPublicKey(jwt.rs256.publicKeyPem).asymmetricKeyDetails.modulusLength, 2048)
  assert.equal(crypto.createPublicKey(jwt.es256.publicKeyPem).asymmetricKeyDetails.namedCurve, 'prime256v1')
  assert.equal(
    crypto.createPrivateKey({ key: jwt.eddsa.privateJwk, format: 'jwk' }).asymmetricKeyType,
    'ed25519',
  )
  // a tampered token must not verify: the check above is real
  const t = jwt.tokens.HS256
  const tampered = `${t.slice(0, -2)}${t.endsWith('A') ? 'B' : 'A'}${t.slice(-1)}`
  assert.throws(() => verifyJws(tampered, checksHs(secret)))
})

function checksHs(secret) {
  return (alg, data, sig) => {
    const mac = crypto.createHmac('sha256', secret).update(data).digest()
    return mac.length === sig.length && crypto.timingSafeEqual(mac, sig)
  }
}

test('hs256Distinct: 10,000 valid tokens differing only in sub', () => {
  const { jwt } = generated
  const secret = Buffer.from(jwt.hs256.secretB64u, 'base64url')
  assert.equal(jwt.hs256Distinct.length, 10000)
  assert.equal(new Set(jwt.hs256Distinct).size, 10000)
  for (const i of [0, 1, 4999, 9999]) {
    const claims = verifyJws(jwt.hs256Distinct[i], checksHs(secret))
    assert.equal(claims.sub, `user-${String(i).padStart(5, '0')}`)
    assert.equal(claims.aud, jwt.expected.aud)
  }
})

test('generated validation bodies obey (or break) the schemas as named', () => {
  const { schemas, bodies } = generated.validation
  const user = schemas.user.properties
  const valid = bodies.user.valid
  assert.match(valid.username, new RegExp(user.username.pattern))
  assert.match(valid.password, new RegExp(user.password.pattern))
  assert.match(valid.email, /^[^@\s]+@[^@\s]+\.[^@\s]+$/)
  assert.doesNotMatch(bodies.user.invalid.badEmail.email, /^[^@\s]+@[^@\s]+\.[^@\s]+$/)
  assert.ok(bodies.user.invalid.shortUsername.username.length < user.username.minLength)
  assert.ok(Object.keys(bodies.user.invalid.extraProperty).some((k) => !(k in user)))
  const item = schemas.order.properties.items.items.properties
  const order = bodies.order.valid
  assert.equal(order.items.length, 100)
  for (const it of order.items) {
    assert.match(it.sku, new RegExp(item.sku.pattern))
    assert.ok(Number.isInteger(it.qty) && it.qty >= 1 && it.qty <= 100)
    assert.ok(it.price > 0)
  }
  assert.ok(order.note.length <= 2000)
})

test('loadWorkloads reads the shared files when present', { skip: sharedSkip }, () => {
  if (path.resolve(sharedWorkloadsDir()) !== path.resolve(sharedDir)) return
  const w = loadWorkloads()
  assert.equal(w.source, sharedWorkloadsDir())
  const shared = JSON.parse(fs.readFileSync(path.join(sharedDir, 'html.json'), 'utf8'))
  assert.equal(w.html.medium, shared.medium)
})
