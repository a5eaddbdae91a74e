'use strict'
// jwtAuth({ issuer }) against a real authorization server (oidc-provider, in-process on
// loopback http): OpenID discovery with iss pinned, RFC 9068 access tokens from a
// client_credentials grant (profile 'at+jwt', scopes into authorize()), an ID token refused
// as an access token, the IdP down at start-up (401 with a logged cause, then recovery), a
// metadata document naming another issuer, and key rotation seen without a restart.
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const { serve } = require('./helpers/serve')
const { startIdp } = require('./helpers/jwt-idp')
const { jwtAuth, authorize } = require('../lib/jwt')

function app(auth, ...more) {
  const a = express()
  a.get('/api', auth, ...more, (req, res) => res.json({ user: req.user }))
  a.use((err, req, res, _next) =>
    res.status(err.status || 500).json({ code: err.code, message: err.message }),
  )
  return a
}

async function get(url, token) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, body: await res.json() }
}

function warningsOf(code) {
  const seen = []
  const listener = (w) => w.code === code && seen.push(w)
  process.on('warning', listener)
  return { seen, stop: () => process.off('warning', listener) }
}

let idp
test.before(async () => {
  idp = await startIdp()
})
test.after(() => idp.close())

test('discovery: RFC 9068 access tokens from client_credentials, iss pinned, scopes into authorize()', async (t) => {
  const auth = jwtAuth({ issuer: idp.issuer, audience: idp.audience, profile: 'at+jwt' })
  const srv = await serve(app(auth, authorize('write')))
  t.after(srv.close)
  const read = await idp.token({ scope: 'read' })
  const both = await idp.token({ scope: 'read write' })
  const ok = await get(`${srv.url}/api`, both.access_token)
  assert.strictEqual(ok.status, 200)
  assert.strictEqual(ok.body.user.client_id, 'svc')
  assert.strictEqual(ok.body.user.iss, idp.issuer)
  assert.strictEqual((await get(`${srv.url}/api`, read.access_token)).status, 403)
  assert.strictEqual((await get(`${srv.url}/api`)).status, 401)
})

test('at+jwt: an ID token (typ JWT) signed by the same IdP key is refused as an access token', async (t) => {
  const auth = jwtAuth({ issuer: idp.issuer, audience: idp.audience, profile: 'at+jwt' })
  const srv = await serve(app(auth))
  t.after(srv.close)
  const { jose } = idp
  const key = await jose.importJWK(idp.keys()[0], 'ES256')
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    iss: idp.issuer,
    aud: idp.audience,
    sub: 'u1',
    client_id: 'svc',
    iat: now,
    exp: now + 60,
    jti: 'j1',
  }
  const sign = (typ) =>
    new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: idp.keys()[0].kid, ...(typ && { typ }) })
      .sign(key)
  const idToken = await get(`${srv.url}/api`, await sign('JWT'))
  assert.strictEqual(idToken.status, 401)
  assert.match(idToken.body.message, /typ invalid.*ID token/)
  assert.strictEqual((await get(`${srv.url}/api`, await sign(undefined))).status, 401)
  // The same claims as a typed access token pass (application/ prefix, any case).
  assert.strictEqual((await get(`${srv.url}/api`, await sign('application/AT+JWT'))).status, 200)
  // A claim RFC 9068 requires, missing.
  const noJti = await new jose.SignJWT({ ...claims, jti: undefined })
    .setProtectedHeader({ alg: 'ES256', kid: idp.keys()[0].kid, typ: 'at+jwt' })
    .sign(key)
  const missing = await get(`${srv.url}/api`, noJti)
  assert.strictEqual(missing.status, 401)
  assert.match(missing.body.message, /jti missing/)
})

test('typ option pins the typ of an app’s own tokens', async (t) => {
  const secret = 'x'.repeat(48)
  const jwt = require('../lib/jwt')
  const auth = jwtAuth({ secret, algorithms: ['HS256'], typ: 'JWT' })
  const srv = await serve(app(auth))
  t.after(srv.close)
  assert.strictEqual((await get(`${srv.url}/api`, jwt.sign({ sub: 'a' }, secret))).status, 200)
  const other = jwt.sign({ sub: 'a' }, secret, { header: { typ: 'at+jwt' } })
  assert.strictEqual((await get(`${srv.url}/api`, other)).status, 401)
})

test('the metadata must name the configured issuer exactly', async (t) => {
  // The same server under a spelling it does not use: discovery refuses its document.
  const auth = jwtAuth({ issuer: `${idp.issuer}/`, audience: idp.audience, jwksRequestsPerMinute: 100 })
  const srv = await serve(app(auth))
  t.after(srv.close)
  const w = warningsOf('RAMPART_OIDC_DISCOVERY')
  t.after(w.stop)
  const { access_token: token } = await idp.token()
  const res = await get(`${srv.url}/api`, token)
  assert.strictEqual(res.status, 401)
  assert.match(res.body.message, /names issuer .* not the configured/)
})

test('IdP down at start-up: 401 with the cause logged once, no crash; recovers when it returns', async (t) => {
  const down = await startIdp()
  const { access_token: token } = await down.token()
  await down.stop()
  const w = warningsOf('RAMPART_OIDC_DISCOVERY')
  t.after(w.stop)
  const auth = jwtAuth({
    issuer: down.issuer,
    audience: down.audience,
    profile: 'at+jwt',
    jwksRequestsPerMinute: 100,
  })
  const srv = await serve(app(auth))
  t.after(srv.close)
  for (let i = 0; i < 3; i++) {
    const res = await get(`${srv.url}/api`, token)
    assert.strictEqual(res.status, 401)
    assert.match(res.body.message, /could not discover the signing keys/)
  }
  await new Promise((resolve) => setImmediate(resolve))
  assert.strictEqual(w.seen.length, 1, 'one warning per outage')
  assert.match(w.seen[0].message, /discovery .* failed/)
  await down.start()
  t.after(down.close)
  assert.strictEqual((await get(`${srv.url}/api`, token)).status, 200)
})

test('key rotation at the IdP is picked up without a restart (unknown kid → bounded re-fetch)', async (t) => {
  const auth = jwtAuth({ issuer: idp.issuer, audience: idp.audience, profile: 'at+jwt' })
  const srv = await serve(app(auth))
  t.after(srv.close)
  const before = await idp.token()
  assert.strictEqual((await get(`${srv.url}/api`, before.access_token)).status, 200)
  idp.rotate('k2', { drop: true })
  const after = await idp.token()
  assert.strictEqual(idp.jose.decodeProtectedHeader(after.access_token).kid, 'k2')
  assert.strictEqual((await get(`${srv.url}/api`, after.access_token)).status, 200)
  // The old key left the published set; its token stays valid until the cache is refreshed,
  // and a token under a kid the IdP never had is refused.
  const forged = after.access_token.replace(
    /^[^.]+/,
    Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'nope' })).toString('base64url'),
  )
  assert.strictEqual((await get(`${srv.url}/api`, forged)).status, 401)
})

test('start-up errors: non-loopback http issuer, at+jwt without audience, bad typ', () => {
  assert.throws(() => jwtAuth({ issuer: 'http://idp.example.com' }), /issuer must use https/)
  assert.throws(() => jwtAuth({ issuer: 'https://idp.example.com', profile: 'at+jwt' }), /needs audience/)
  assert.throws(
    () => jwtAuth({ issuer: 'https://idp.example.com', audience: 'a', profile: 'id' }),
    /profile must be/,
  )
  assert.throws(() => jwtAuth({ issuer: 'https://idp.example.com', typ: [] }), /typ must be/)
  assert.doesNotThrow(() =>
    jwtAuth({ issuer: 'https://idp.example.com/realms/x', audience: 'api', profile: 'at+jwt' }),
  )
})

test('authorize() reads scopes from scp (an array)', async () => {
  const run = (user, scope) =>
    new Promise((resolve) =>
      authorize(scope)({ user, method: 'GET', url: '/' }, {}, (err) => resolve(err ? err.status : 200)),
    )
  assert.strictEqual(await run({ scp: ['read', 'write'] }, 'write'), 200)
  assert.strictEqual(await run({ scp: ['read'] }, 'write'), 403)
})

test('examples/server.js OIDC mode: OIDC_ISSUER and OIDC_AUDIENCE take the IdP’s access tokens', async (t) => {
  const saved = { ...process.env }
  Object.assign(process.env, { OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: idp.audience, QUIET: '1' })
  t.after(() => {
    for (const k of ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'QUIET'])
      if (saved[k] === undefined) delete process.env[k]
  })
  const { createApp } = require('../examples/server')
  const srv = await serve(createApp({ secret: 'e'.repeat(48) }))
  t.after(srv.close)
  const { access_token: token } = await idp.token()
  const res = await fetch(`${srv.url}/api/profile`, { headers: { authorization: `Bearer ${token}` } })
  assert.strictEqual(res.status, 200)
  assert.strictEqual((await res.json()).user.sub, 'svc')
  const res2 = await fetch(`${srv.url}/api/profile`, {
    headers: { authorization: `Bearer ${'x'.repeat(20)}.a.b` },
  })
  assert.strictEqual(res2.status, 401)
})

test('one fetch in flight for many waiting requests; unknown kids re-fetch at most N a minute', async (t) => {
  const auth = jwtAuth({
    issuer: idp.issuer,
    audience: idp.audience,
    profile: 'at+jwt',
    jwksRequestsPerMinute: 3,
  })
  const srv = await serve(app(auth))
  t.after(srv.close)
  const { access_token: token } = await idp.token()
  const meta = idp.hits('/.well-known/openid-configuration')
  const keys = idp.hits('/jwks')
  const results = await Promise.all(Array.from({ length: 10 }, () => get(`${srv.url}/api`, token)))
  assert.deepStrictEqual(
    results.map((r) => r.status),
    Array(10).fill(200),
  )
  assert.strictEqual(idp.hits('/.well-known/openid-configuration') - meta, 1)
  assert.strictEqual(idp.hits('/jwks') - keys, 1)
  // 20 tokens naming random kids: the budget (3 a minute, discovery included) holds.
  for (let i = 0; i < 20; i++) {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: `random-${i}` })).toString(
      'base64url',
    )
    assert.strictEqual((await get(`${srv.url}/api`, token.replace(/^[^.]+/, header))).status, 401)
  }
  const fetched = idp.hits('/.well-known/openid-configuration') - meta + idp.hits('/jwks') - keys
  assert.ok(fetched <= 3, `${fetched} fetches`)
})

test('attack: metadata that redirects, or names an http jwks_uri off loopback, is refused', async (t) => {
  const http = require('node:http')
  let mode = 'redirect'
  const evil = http.createServer((req, res) => {
    const issuer = `http://127.0.0.1:${evil.address().port}`
    if (mode === 'redirect') {
      res.writeHead(302, { location: `${idp.issuer}/.well-known/openid-configuration` })
      return res.end()
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ issuer, jwks_uri: 'http://keys.example.com/jwks' }))
  })
  await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => evil.close(resolve)))
  const issuer = `http://127.0.0.1:${evil.address().port}`
  const w = warningsOf('RAMPART_OIDC_DISCOVERY')
  t.after(w.stop)
  const { access_token: token } = await idp.token()
  const redirect = await serve(app(jwtAuth({ issuer, audience: idp.audience, jwksRequestsPerMinute: 100 })))
  t.after(redirect.close)
  const r1 = await get(`${redirect.url}/api`, token)
  assert.strictEqual(r1.status, 401)
  assert.match(r1.body.message, /could not discover/)
  mode = 'http-jwks'
  const plain = await serve(app(jwtAuth({ issuer, audience: idp.audience, jwksRequestsPerMinute: 100 })))
  t.after(plain.close)
  const r2 = await get(`${plain.url}/api`, token)
  assert.strictEqual(r2.status, 401)
  assert.match(r2.body.message, /jwks_uri must use https/)
})

test('metadata URLs: OpenID Connect appends, RFC 8414 inserts the well-known segment before the path', () => {
  const { metadataUrls } = require('../lib/jwt/discovery')
  assert.deepStrictEqual(metadataUrls(new URL('https://idp.example.com/realms/x')), [
    'https://idp.example.com/realms/x/.well-known/openid-configuration',
    'https://idp.example.com/.well-known/oauth-authorization-server/realms/x',
  ])
  assert.deepStrictEqual(metadataUrls(new URL('https://tenant.auth0.com/')), [
    'https://tenant.auth0.com/.well-known/openid-configuration',
    'https://tenant.auth0.com/.well-known/oauth-authorization-server',
  ])
})

test('RFC 8414 fallback: no openid-configuration (404), oauth-authorization-server is read', async (t) => {
  const http = require('node:http')
  const as = http.createServer((req, res) => {
    const issuer = `http://127.0.0.1:${as.address().port}/tenant`
    if (req.url !== '/.well-known/oauth-authorization-server/tenant') {
      res.statusCode = 404
      return res.end('{}')
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ issuer, jwks_uri: `${idp.issuer}/jwks` })) // the IdP's published keys
  })
  await new Promise((resolve) => as.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => as.close(resolve)))
  const issuer = `http://127.0.0.1:${as.address().port}/tenant`
  const srv = await serve(app(jwtAuth({ issuer, audience: idp.audience, profile: 'at+jwt' })))
  t.after(srv.close)
  const { jose } = idp
  const [jwk] = idp.keys()
  const now = Math.floor(Date.now() / 1000)
  const claims = { aud: idp.audience, sub: 'u', client_id: 'c', iat: now, exp: now + 60, jti: 'j' }
  const signed = (iss) =>
    jose
      .importJWK(jwk, 'ES256')
      .then((key) =>
        new jose.SignJWT({ ...claims, iss })
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: jwk.kid })
          .sign(key),
      )
  assert.strictEqual((await get(`${srv.url}/api`, await signed(issuer))).status, 200)
  assert.strictEqual((await get(`${srv.url}/api`, await signed(idp.issuer))).status, 401, 'iss pinned')
})
