'use strict'
// DPoP (RFC 9449) with tokens from a real authorization server (oidc-provider binds them to
// the client's key, cnf.jkt) and proofs made by jose with that client key. Attack tests: a
// replayed proof (also across two instances sharing Redis), a proof for another URL or
// method, a stolen token with the attacker's own proof, an ath mismatch, a symmetric alg, a
// private key in the jwk, a DPoP-bound token sent as Bearer, a stale iat. Also trust proxy
// for htu, and server nonces.
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const express = require('express')
const IORedis = require('ioredis')
const { serve } = require('./helpers/serve')
const { startIdp, proof, clientKey } = require('./helpers/jwt-idp')
const { jwtAuth } = require('../lib/jwt')
const { reachable } = require('./helpers/reachable')

const ath = (token) => crypto.createHash('sha256').update(token).digest('base64url')
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

function app(options, setup) {
  const a = express()
  if (setup) setup(a)
  const auth = jwtAuth(options)
  a.get('/api', auth, (req, res) => res.json({ user: req.user }))
  a.post('/api/items', auth, (req, res) => res.json({ ok: true }))
  a.use((err, req, res, _next) =>
    res.status(err.status || 500).json({ code: err.code, message: err.message }),
  )
  return a
}

let idp
let jose
let alice // the client the token is bound to
let token // DPoP-bound access token for alice
let srv
const opts = () => ({ issuer: idp.issuer, audience: idp.audience, profile: 'at+jwt', dpop: 'required' })

test.before(async () => {
  idp = await startIdp()
  jose = idp.jose
  alice = await clientKey(jose)
  token = (await idp.token({ dpopKey: alice })).access_token
  srv = await serve(app(opts()))
})
test.after(async () => {
  await srv.close()
  await idp.close()
})

async function call(url, { method = 'GET', scheme = 'DPoP', tok = token, dpop, headers = {} } = {}) {
  const h = { authorization: `${scheme} ${tok}`, ...headers }
  if (dpop !== undefined) h.dpop = dpop
  const res = await fetch(url, { method, headers: h })
  return { status: res.status, body: await res.json(), challenge: res.headers.get('www-authenticate'), res }
}

const good = (url, extra = {}, key = alice, tok = token) =>
  proof(jose, key, { htm: 'GET', htu: url, ath: ath(tok), ...extra })

test('a bound token with a fresh proof from its key passes', async () => {
  assert.match(token.split('.')[0], new RegExp(b64({ alg: 'ES256', typ: 'at+jwt' }).slice(0, 10)))
  const url = `${srv.url}/api`
  const r = await call(url, { dpop: await good(url) })
  assert.strictEqual(r.status, 200, JSON.stringify(r.body))
  assert.strictEqual(typeof r.body.user.cnf.jkt, 'string')
  // The query is not part of htu.
  const q = await call(`${url}?page=2`, { dpop: await good(url) })
  assert.strictEqual(q.status, 200)
})

test('attack: a replayed proof is refused (RFC 9449 error and challenge)', async () => {
  const url = `${srv.url}/api`
  const p = await good(url)
  assert.strictEqual((await call(url, { dpop: p })).status, 200)
  const again = await call(url, { dpop: p })
  assert.strictEqual(again.status, 401)
  assert.strictEqual(again.body.code, 'invalid_dpop_proof')
  assert.match(again.body.message, /replay/)
  assert.match(again.challenge, /^DPoP .*error="invalid_dpop_proof"/)
})

test('attack: a proof for another URL or another method is refused', async () => {
  const url = `${srv.url}/api`
  const otherUrl = await call(url, { dpop: await good(`${srv.url}/api/items`) })
  assert.strictEqual(otherUrl.status, 401)
  assert.match(otherUrl.body.message, /htu/)
  const otherHost = await call(url, { dpop: await good(url.replace('127.0.0.1', 'localhost')) })
  assert.strictEqual(otherHost.status, 401)
  const otherMethod = await call(`${srv.url}/api/items`, {
    method: 'POST',
    dpop: await good(`${srv.url}/api/items`),
  })
  assert.strictEqual(otherMethod.status, 401)
  assert.match(otherMethod.body.message, /htm/)
  const post = await call(`${srv.url}/api/items`, {
    method: 'POST',
    dpop: await good(`${srv.url}/api/items`, { htm: 'POST' }),
  })
  assert.strictEqual(post.status, 200)
})

test('attack: a stolen token with the attacker’s own valid proof is refused', async () => {
  const mallory = await clientKey(jose)
  const url = `${srv.url}/api`
  const r = await call(url, { dpop: await good(url, {}, mallory) })
  assert.strictEqual(r.status, 401)
  assert.strictEqual(r.body.code, 'invalid_token')
  assert.match(r.body.message, /bound to another key/)
  // Sent as a Bearer token instead, with or without a proof: refused too (RFC 9449 §7.2).
  const bearer = await call(url, { scheme: 'Bearer' })
  assert.strictEqual(bearer.status, 401)
  assert.match(bearer.body.message, /DPoP scheme/)
  const loose = await serve(app({ ...opts(), dpop: 'allowed' }))
  try {
    assert.strictEqual((await call(`${loose.url}/api`, { scheme: 'Bearer' })).status, 401)
  } finally {
    await loose.close()
  }
})

test('attack: a proof whose ath is another token’s hash is refused', async () => {
  const other = (await idp.token({ dpopKey: alice })).access_token
  const url = `${srv.url}/api`
  const r = await call(url, { dpop: await good(url, { ath: ath(other) }) })
  assert.strictEqual(r.status, 401)
  assert.match(r.body.message, /ath/)
  const none = await call(url, { dpop: await good(url, { ath: undefined }) })
  assert.strictEqual(none.status, 401)
})

// Proofs built by hand with node:crypto, for headers a careful library would not produce.
function handProof(header, claims, signer) {
  const input = `${b64(header)}.${b64(claims)}`
  return `${input}.${signer(input).toString('base64url')}`
}

test('attack: a symmetric alg (HS256 with an oct jwk) and a private jwk are refused', async () => {
  const url = `${srv.url}/api`
  const claims = {
    jti: crypto.randomUUID(),
    htm: 'GET',
    htu: url,
    iat: Math.floor(Date.now() / 1000),
    ath: ath(token),
  }
  const k = crypto.randomBytes(32)
  const hs = handProof(
    { typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: k.toString('base64url') } },
    claims,
    (i) => crypto.createHmac('sha256', k).update(i).digest(),
  )
  const r1 = await call(url, { dpop: hs })
  assert.strictEqual(r1.status, 401)
  assert.match(r1.body.message, /asymmetric/)
  const priv = await jose.exportJWK(alice.privateKey)
  const es = (header) =>
    handProof(header, { ...claims, jti: crypto.randomUUID() }, (i) =>
      crypto.sign('sha256', Buffer.from(i), {
        key: crypto.createPrivateKey({ key: priv, format: 'jwk' }),
        dsaEncoding: 'ieee-p1363',
      }),
    )
  const r2 = await call(url, { dpop: es({ typ: 'dpop+jwt', alg: 'ES256', jwk: priv }) })
  assert.strictEqual(r2.status, 401)
  assert.match(r2.body.message, /private key material/)
  // The same hand-made proof with the public jwk passes: the refusals above are for the header.
  const ok = await call(url, { dpop: es({ typ: 'dpop+jwt', alg: 'ES256', jwk: alice.publicJwk }) })
  assert.strictEqual(ok.status, 200, JSON.stringify(ok.body))
  const typ = await call(url, { dpop: es({ typ: 'JWT', alg: 'ES256', jwk: alice.publicJwk }) })
  assert.strictEqual(typ.status, 401)
  const none = await call(url, { dpop: es({ typ: 'dpop+jwt', alg: 'none', jwk: alice.publicJwk }) })
  assert.strictEqual(none.status, 401)
})

test('a proof outside the iat window, or no proof, is refused', async () => {
  const url = `${srv.url}/api`
  const old = await call(url, { dpop: await good(url, { iat: Math.floor(Date.now() / 1000) - 120 }) })
  assert.strictEqual(old.status, 401)
  assert.match(old.body.message, /iat/)
  const future = await call(url, { dpop: await good(url, { iat: Math.floor(Date.now() / 1000) + 120 }) })
  assert.strictEqual(future.status, 401)
  const missing = await call(url, {})
  assert.strictEqual(missing.status, 401)
  assert.strictEqual(missing.body.code, 'invalid_dpop_proof')
  // No credentials at all: the challenge names DPoP and its algorithms (RFC 9449 §7.1).
  const bare = await fetch(url)
  assert.strictEqual(bare.status, 401)
  assert.match(bare.headers.get('www-authenticate'), /^DPoP algs="ES256 /)
})

test('dpop required refuses an unbound bearer token; allowed lets it through', async (t) => {
  const bearer = (await idp.token()).access_token
  const strict = await call(`${srv.url}/api`, { scheme: 'Bearer', tok: bearer })
  assert.strictEqual(strict.status, 401)
  assert.match(strict.challenge, /^DPoP /)
  const loose = await serve(app({ ...opts(), dpop: 'allowed' }))
  t.after(loose.close)
  assert.strictEqual((await call(`${loose.url}/api`, { scheme: 'Bearer', tok: bearer })).status, 200)
  // An unbound token under the DPoP scheme is refused.
  const url = `${loose.url}/api`
  const r = await call(url, { tok: bearer, dpop: await good(url, {}, alice, bearer) })
  assert.strictEqual(r.status, 401)
  assert.match(r.body.message, /not DPoP-bound/)
})

test('htu behind a proxy: X-Forwarded-Proto/Host count only with trust proxy', async (t) => {
  const trusted = await serve(app(opts(), (a) => a.set('trust proxy', 'loopback')))
  const untrusted = await serve(app(opts()))
  t.after(trusted.close)
  t.after(untrusted.close)
  const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.test' }
  const public_ = 'https://api.example.test/api'
  assert.strictEqual((await call(`${trusted.url}/api`, { headers, dpop: await good(public_) })).status, 200)
  assert.strictEqual((await call(`${untrusted.url}/api`, { headers, dpop: await good(public_) })).status, 401)
  // Default port and host case are normalised.
  assert.strictEqual(
    (await call(`${trusted.url}/api`, { headers, dpop: await good('https://API.example.test:443/api') }))
      .status,
    200,
  )
})

test('server nonces: use_dpop_nonce with a DPoP-Nonce header, then the nonce is accepted', async (t) => {
  const s = await serve(app({ ...opts(), dpopNonce: true }))
  t.after(s.close)
  const url = `${s.url}/api`
  const first = await call(url, { dpop: await good(url) })
  assert.strictEqual(first.status, 401)
  assert.match(first.challenge, /error="use_dpop_nonce"/)
  const nonce = first.res.headers.get('dpop-nonce')
  assert.ok(nonce)
  assert.strictEqual((await call(url, { dpop: await good(url, { nonce }) })).status, 200)
  assert.strictEqual((await call(url, { dpop: await good(url, { nonce: 'made-up' }) })).status, 401)
})

test('Redis replay store: a proof used on one instance is refused on another', async (t) => {
  if (!(await reachable())) {
    if (process.env.CI === 'true') assert.fail('Redis is not reachable at 127.0.0.1:6379 (CI=true)')
    return t.skip('no Redis at 127.0.0.1:6379')
  }
  const redis = new IORedis(6379, '127.0.0.1')
  t.after(() => redis.quit())
  const prefix = `rampart-test:dpop:${process.pid}:${Date.now()}:`
  const behindProxy = (x) => x.set('trust proxy', 'loopback')
  const a = await serve(app({ ...opts(), dpopStore: { redis, prefix } }, behindProxy))
  const b = await serve(app({ ...opts(), dpopStore: { redis, prefix } }, behindProxy))
  t.after(a.close)
  t.after(b.close)
  // Both instances behind one public URL (a load balancer in front).
  const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.test' }
  const p = await good('https://api.example.test/api')
  assert.strictEqual((await call(`${a.url}/api`, { headers, dpop: p })).status, 200)
  const replay = await call(`${b.url}/api`, { headers, dpop: p })
  assert.strictEqual(replay.status, 401)
  assert.match(replay.body.message, /replay/)
  const keys = await redis.keys(`${prefix}*`)
  assert.strictEqual(keys.length, 1)
  assert.ok((await redis.ttl(keys[0])) > 0, 'the jti expires')
})

test('difference: express-oauth2-jwt-bearer accepts the same proof twice; rampart does not', async (t) => {
  const { auth } = require('express-oauth2-jwt-bearer')
  const peer = express()
  peer.get(
    '/api',
    auth({ issuerBaseURL: idp.issuer, audience: idp.audience, dpop: { enabled: true, required: true } }),
    (req, res) => res.json({}),
  )
  peer.use((err, req, res, _next) => res.status(err.status || 500).json({ message: err.message }))
  const p = await serve(peer)
  t.after(p.close)
  const peerUrl = `${p.url}/api`
  const proofForPeer = await good(peerUrl)
  assert.strictEqual((await call(peerUrl, { dpop: proofForPeer })).status, 200)
  assert.strictEqual(
    (await call(peerUrl, { dpop: proofForPeer })).status,
    200,
    'the peer keeps no replay store',
  )
  const url = `${srv.url}/api`
  const proofForRampart = await good(url)
  assert.strictEqual((await call(url, { dpop: proofForRampart })).status, 200)
  assert.strictEqual((await call(url, { dpop: proofForRampart })).status, 401)
})

test('regression: a token let through by onExpired still needs its DPoP proof', async (t) => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jkt = await jose.calculateJwkThumbprint(alice.publicJwk)
  const expired = require('../lib/jwt').sign(
    { sub: 'u', cnf: { jkt }, exp: Math.floor(Date.now() / 1000) - 10 },
    privateKey,
    { algorithm: 'ES256' },
  )
  const s = await serve(
    app({ secret: publicKey, algorithms: ['ES256'], dpop: 'required', onExpired: () => {} }),
  )
  t.after(s.close)
  const url = `${s.url}/api`
  const none = await call(url, { tok: expired })
  assert.strictEqual(none.status, 401)
  assert.strictEqual(none.body.code, 'invalid_dpop_proof')
  const mallory = await clientKey(jose)
  assert.strictEqual(
    (await call(url, { tok: expired, dpop: await good(url, {}, mallory, expired) })).status,
    401,
  )
  assert.strictEqual(
    (await call(url, { tok: expired, dpop: await good(url, {}, alice, expired) })).status,
    200,
  )
})

test('a replay store that cannot answer gives 503 with Retry-After, never an unchecked proof', async (t) => {
  const broken = { use: async () => Promise.reject(new Error('connection refused')) }
  const s = await serve(app({ ...opts(), dpopStore: broken }))
  t.after(s.close)
  const url = `${s.url}/api`
  const r = await call(url, { dpop: await good(url) })
  assert.strictEqual(r.status, 503)
  assert.strictEqual(r.res.headers.get('retry-after'), '1')
  const throwing = await serve(
    app({
      ...opts(),
      dpopStore: {
        use: () => {
          throw new Error('down')
        },
      },
    }),
  )
  t.after(throwing.close)
  const u2 = `${throwing.url}/api`
  assert.strictEqual((await call(u2, { dpop: await good(u2) })).status, 503)
  assert.throws(() => jwtAuth({ ...opts(), dpopStore: {} }), /dpopStore must be/)
  assert.throws(() => jwtAuth({ ...opts(), dpop: 'yes' }), /dpop must be/)
})
