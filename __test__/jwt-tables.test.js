'use strict'
// The values both languages must agree on have one source, src/jwt, exported through
// jwtTables(): status codes and messages, algorithm names and bit numbers, family masks,
// key kinds. These tests tie the Rust source, the exported table and what lib/jwt does
// with it, and check that lib/jwt reads the table lazily (never at require time).
const test = require('node:test')
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')
const { spawnSync } = require('node:child_process')
const native = require('../lib/native')
const { tables, statusMessage } = require('../lib/jwt/tables')
const jwt = require('../lib/jwt')

const root = path.join(__dirname, '..')
const read = (file) => fs.readFileSync(path.join(root, file), 'utf8')

/** `Name = N` variants of `enum name` in a Rust source file. */
function rustEnum(source, name) {
  const body = source.slice(source.indexOf(`pub enum ${name} {`))
  const block = body.slice(0, body.indexOf('\n}'))
  return [...block.matchAll(/^\s+(\w+) = (\d+),/gm)].map((m) => [m[1], Number(m[2])])
}

test('every status the Rust enum can return has its name and message in JS', () => {
  const variants = rustEnum(read('src/jwt/status.rs'), 'Status')
  assert.ok(variants.length >= 9, 'found the Status enum')
  const { STATUS, STATUS_MESSAGES } = tables()
  const exported = native.jwtTables().statuses
  assert.deepStrictEqual(
    exported.map((s) => s.code),
    variants.map(([, code]) => code),
    'jwtTables lists every variant, in order',
  )
  for (const { code, name, message } of exported) {
    assert.strictEqual(STATUS[name], code)
    assert.strictEqual(STATUS_MESSAGES[code], message)
    assert.strictEqual(statusMessage(code), message)
    assert.ok(message.length > 0)
  }
  // Every STATUS.X that lib/jwt names exists in the table.
  for (const file of fs.readdirSync(path.join(root, 'lib/jwt'))) {
    for (const [, name] of read(`lib/jwt/${file}`).matchAll(/STATUS\.([A-Z_]+)/g)) {
      assert.ok(STATUS[name] !== undefined, `${file} uses STATUS.${name}, which Rust does not export`)
    }
  }
})

test('algorithm names and bit numbers are the Rust enum; masks cover their families', () => {
  const variants = rustEnum(read('src/jwt/alg.rs'), 'Alg')
  const { ALGS, ALG_INDEX, HS, RS, PS } = tables()
  assert.deepStrictEqual(
    ALGS.map((name, i) => [name, i]),
    variants,
  )
  const mask = (names) => names.reduce((m, n) => m | (1 << ALG_INDEX[n]), 0)
  assert.strictEqual(HS, mask(['HS256', 'HS384', 'HS512']))
  assert.strictEqual(RS, mask(['RS256', 'RS384', 'RS512']))
  assert.strictEqual(PS, mask(['PS256', 'PS384', 'PS512']))
  assert.strictEqual(ALG_INDEX.none, undefined, 'none has no bit')
  // The native side reads the same numbers: a token signed with each HMAC algorithm is
  // accepted for exactly its own bit.
  const secret = 'k'.repeat(64)
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    const token = jwt.sign({ a: 1 }, secret, { algorithm: alg })
    for (const allowed of ['HS256', 'HS384', 'HS512']) {
      const ok = (() => {
        try {
          jwt.verify(token, secret, { algorithms: [allowed] })
          return true
        } catch {
          return false
        }
      })()
      assert.strictEqual(ok, allowed === alg, `${alg} token, algorithms [${allowed}]`)
    }
  }
})

test('key kinds: codes are the Rust enum, and each kind allows exactly its algorithms', () => {
  const variants = rustEnum(read('src/jwt/keys.rs'), 'KeyKind')
  const { KIND, ALG_INDEX, RS, PS } = tables()
  assert.deepStrictEqual(Object.values(KIND).sort(), variants.map(([, code]) => code).sort())
  const cases = [
    ['rsa', crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, RS | PS],
    ['ec-P-256', crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 1 << ALG_INDEX.ES256],
    ['ec-P-384', crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 1 << ALG_INDEX.ES384],
    ['ec-P-521', crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey, 1 << ALG_INDEX.ES512],
    ['ed25519', crypto.generateKeyPairSync('ed25519').publicKey, 1 << ALG_INDEX.EdDSA],
  ]
  for (const [kind, key, expected] of cases) {
    const der =
      kind === 'rsa'
        ? key.export({ type: 'pkcs1', format: 'der' })
        : key.export({ type: 'spki', format: 'der' })
    const [mask] = native.jwtVerifyKeyInfo(native.jwtVerifyKeyPublic(KIND[kind], der))
    assert.strictEqual(mask, expected, kind)
  }
})

test('lib/jwt reads no native property at require time; factories touch the addon when created', () => {
  const script = `
    const path = require('node:path')
    const file = require.resolve(${JSON.stringify(path.join(root, 'lib/native'))})
    const missing = new Proxy({}, { get() { throw new Error('addon missing') } })
    require.cache[file] = { id: file, filename: file, loaded: true, exports: missing }
    const jwt = require(${JSON.stringify(path.join(root, 'lib/jwt'))})
    const out = {}
    const attempt = (name, fn) => { try { fn(); out[name] = 'ok' } catch (e) { out[name] = e.message } }
    attempt('decode', () => jwt.decode('eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln'))
    attempt('createVerifier', () => jwt.createVerifier({ key: 'x'.repeat(32) }))
    attempt('createSigner', () => jwt.createSigner({ key: 'x'.repeat(32) }))
    attempt('jwtAuth', () => jwt.jwtAuth({ secret: 'x'.repeat(32), algorithms: ['HS256'] }))
    attempt('jwtAuth jwksUri', () => jwt.jwtAuth({ jwksUri: 'https://issuer.example/jwks.json' }))
    attempt('jwtAuth secret function', () => jwt.jwtAuth({ secret: async () => 'x'.repeat(32), algorithms: ['HS256'] }))
    attempt('jwtAuth issuer discovery', () => jwt.jwtAuth({ issuer: 'https://idp.example', audience: 'a', profile: 'at+jwt', dpop: 'required' }))
    attempt('RevocationList', () => new jwt.RevocationList().close())
    console.log(JSON.stringify(out))
  `
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 })
  assert.strictEqual(run.status, 0, run.stderr)
  assert.deepStrictEqual(JSON.parse(run.stdout), {
    decode: 'ok',
    createVerifier: 'addon missing',
    createSigner: 'addon missing',
    jwtAuth: 'addon missing',
    'jwtAuth jwksUri': 'addon missing',
    'jwtAuth secret function': 'addon missing',
    'jwtAuth issuer discovery': 'addon missing',
    RevocationList: 'ok',
  })
})
