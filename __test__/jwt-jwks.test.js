'use strict'
// jwtAuth({ jwksUri }) against a local JWKS server on 127.0.0.1 that rotates its keys:
// caching, re-fetch on an unknown kid, the re-fetch bound, and the https-only rule.
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const express = require('express')
const { sign, jwtAuth } = require('../lib/jwt')
const { checkJwksUri } = require('../lib/jwt/jwks')
const { serve } = require('./helpers/serve')

function newKey(kid, type = 'rsa') {
  const pair =
    type === 'rsa'
      ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
      : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig' },
  }
}

async function jwksServer(t) {
  const state = { keys: [], hits: 0 }
  const { url, close } = await serve((req, res) => {
    state.hits++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }))
  })
  t.after(close)
  state.uri = `${url}/.well-known/jwks.json`
  return state
}

async function app(t, options) {
  const a = express()
  a.get('/me', jwtAuth(options), (req, res) => res.json(req.user))
  a.use((err, req, res, _next) =>
    res.status(err.status || 500).json({ code: err.code, message: err.message }),
  )
  const { url, close } = await serve(a)
  t.after(close)
  return async (token) => {
    const res = await fetch(`${url}/me`, {
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: res.status, body: await res.json() }
  }
}

test('JWKS: keys are fetched once, cached, and rotated on an unknown kid', async (t) => {
  const jwks = await jwksServer(t)
  const k1 = newKey('k1')
  jwks.keys = [k1]
  const get = await app(t, { jwksUri: jwks.uri })
  const t1 = sign({ sub: 'one' }, k1.privateKey, { algorithm: 'RS256', keyid: 'k1' })
  assert.strictEqual((await get(t1)).body.sub, 'one')
  assert.strictEqual((await get(t1)).body.sub, 'one')
  assert.strictEqual(jwks.hits, 1, 'the key set was fetched once and cached')

  // The issuer rotates: k2 (an EC key) joins, k1 leaves.
  const k2 = newKey('k2', 'ec')
  jwks.keys = [k2]
  const t2 = sign({ sub: 'two' }, k2.privateKey, { algorithm: 'ES256', keyid: 'k2' })
  assert.strictEqual((await get(t2)).body.sub, 'two')
  assert.strictEqual(jwks.hits, 2, 'an unknown kid caused one re-fetch')
  const again = await get(t1)
  assert.strictEqual(again.status, 401, 'k1 left the set after rotation')
  assert.strictEqual(again.body.code, 'invalid_token')
})

test('JWKS: re-fetches are bounded (10 a minute by default) against random kids', async (t) => {
  const jwks = await jwksServer(t)
  const k = newKey('real')
  jwks.keys = [k]
  const get = await app(t, { jwksUri: jwks.uri })
  for (let i = 0; i < 25; i++) {
    const forged = sign({ i }, k.privateKey, { algorithm: 'RS256', keyid: `random-${i}` })
    const r = await get(forged)
    assert.strictEqual(r.status, 401)
    assert.match(r.body.message, /no signing key with kid/)
  }
  assert.ok(jwks.hits <= 10, `fetched ${jwks.hits} times for 25 unknown kids`)
  const good = sign({ ok: 1 }, k.privateKey, { algorithm: 'RS256', keyid: 'real' })
  assert.strictEqual((await get(good)).status, 200, 'known keys still verify from the cache')

  // A lower bound, as an option.
  const jwks2 = await jwksServer(t)
  jwks2.keys = [k]
  const get2 = await app(t, { jwksUri: jwks2.uri, jwksRequestsPerMinute: 2 })
  for (let i = 0; i < 6; i++) await get2(sign({}, k.privateKey, { algorithm: 'RS256', keyid: `x${i}` }))
  assert.strictEqual(jwks2.hits, 2)
})

test('JWKS: the key set decides the algorithm; HS256 tokens signed with a public key fail', async (t) => {
  const jwks = await jwksServer(t)
  const k = newKey('k')
  jwks.keys = [k]
  const get = await app(t, { jwksUri: jwks.uri })
  const pem = crypto.createPublicKey({ key: k.jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k' })).toString('base64url')}.${Buffer.from('{"admin":true}').toString('base64url')}`
  const forged = `${input}.${crypto.createHmac('sha256', pem).update(input).digest('base64url')}`
  const r = await get(forged)
  assert.strictEqual(r.status, 401)
  assert.strictEqual(r.body.message, 'invalid algorithm')
})

test('JWKS: a symmetric (oct) key published in the set is never used', async (t) => {
  const jwks = await jwksServer(t)
  const k = crypto.randomBytes(32)
  jwks.keys = [{ jwk: { kty: 'oct', k: k.toString('base64url'), kid: 'hs', alg: 'HS256' } }]
  const get = await app(t, { jwksUri: jwks.uri })
  const r = await get(sign({ admin: true }, k, { keyid: 'hs' }))
  assert.strictEqual(r.status, 401)
  assert.match(r.body.message, /no signing key with kid "hs"/)
})

test('JWKS: https only, plain http only to a loopback host', () => {
  assert.doesNotThrow(() => checkJwksUri('https://issuer.example.com/.well-known/jwks.json'))
  assert.doesNotThrow(() => checkJwksUri('http://127.0.0.1:8080/jwks'))
  assert.doesNotThrow(() => checkJwksUri('http://localhost/jwks'))
  assert.doesNotThrow(() => checkJwksUri('http://[::1]:9/jwks'))
  for (const bad of [
    'http://issuer.example.com/jwks',
    'http://10.0.0.1/jwks',
    'ftp://x/jwks',
    'file:///etc/passwd',
    'not a url',
    'http://127.0.0.1.evil.com/',
  ]) {
    assert.throws(() => checkJwksUri(bad), TypeError, bad)
    assert.throws(() => jwtAuth({ jwksUri: bad }), TypeError, bad)
  }
})

test('JWKS: an unreachable endpoint gives invalid_token, not a crash', async (t) => {
  const get = await app(t, { jwksUri: 'http://127.0.0.1:9/jwks.json', jwksTimeout: 2000 })
  const k = newKey('k', 'ec')
  const r = await get(sign({}, k.privateKey, { algorithm: 'ES256', keyid: 'k' }))
  assert.strictEqual(r.status, 401)
  assert.strictEqual(r.body.code, 'invalid_token')
  assert.match(r.body.message, /could not fetch the signing keys/)
})

// A JWKS endpoint that streams `total` bytes slowly, in `chunk`-byte writes every `everyMs`,
// and records how much it had sent when the client went away.
async function slowJwksServer(t, { total, chunk, everyMs, contentLength = false }) {
  const state = { sent: 0, closedAt: null, finished: false }
  const { url, close } = await serve((req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(contentLength ? { 'content-length': total } : {}),
    })
    res.write('{"keys":[],"pad":"')
    state.sent = 18
    const timer = setInterval(() => {
      if (state.sent + chunk >= total) {
        clearInterval(timer)
        state.finished = true
        res.end('x'.repeat(Math.max(0, total - state.sent - 2)) + '"}')
        return
      }
      res.write('x'.repeat(chunk))
      state.sent += chunk
    }, everyMs)
    res.on('close', () => {
      clearInterval(timer)
      if (state.closedAt === null) state.closedAt = state.sent
    })
  })
  t.after(close)
  return { state, uri: `${url}/jwks.json` }
}

test('JWKS: the 1 MiB cap is enforced while streaming: the request is aborted as soon as it passes', async (t) => {
  // 4 MiB at 128 KiB every 25 ms would take ~0.8 s to send in full.
  const total = 4 << 20
  const { state, uri } = await slowJwksServer(t, { total, chunk: 128 << 10, everyMs: 25 })
  const get = await app(t, { jwksUri: uri, jwksTimeout: 10000 })
  const k = newKey('k', 'ec')
  const started = Date.now()
  const r = await get(sign({}, k.privateKey, { algorithm: 'ES256', keyid: 'k' }))
  assert.strictEqual(r.status, 401)
  assert.match(r.body.message, /larger than 1 MiB/)
  // The client went away just past the cap, long before the server was done.
  for (let i = 0; i < 100 && state.closedAt === null; i++) await new Promise((r) => setTimeout(r, 10))
  assert.ok(state.closedAt !== null, 'the server saw the connection close')
  assert.strictEqual(state.finished, false, 'the body was never sent in full')
  assert.ok(state.closedAt < (1 << 20) + (512 << 10), `aborted after ${state.closedAt} bytes`)
  assert.ok(Date.now() - started < 5000)
})

test('JWKS: a declared Content-Length over the cap is refused before the body is read', async (t) => {
  const { state, uri } = await slowJwksServer(t, {
    total: 2 << 20,
    chunk: 64 << 10,
    everyMs: 50,
    contentLength: true,
  })
  const get = await app(t, { jwksUri: uri, jwksTimeout: 10000 })
  const k = newKey('k', 'ec')
  const r = await get(sign({}, k.privateKey, { algorithm: 'ES256', keyid: 'k' }))
  assert.strictEqual(r.status, 401)
  assert.match(r.body.message, /larger than 1 MiB/)
  for (let i = 0; i < 100 && state.closedAt === null; i++) await new Promise((r) => setTimeout(r, 10))
  assert.ok(state.closedAt !== null && state.closedAt < 256 << 10, `aborted after ${state.closedAt} bytes`)
})
