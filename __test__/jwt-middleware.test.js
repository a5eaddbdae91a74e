'use strict'
// jwtAuth and authorize over a real Express 5 app on 127.0.0.1: express-jwt's options,
// error codes and request property, cookies, isRevoked, async secrets, JWT_SECRET, events.
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const express = require('express')
const {
  sign,
  jwtAuth,
  authorize,
  UnauthorizedError,
  ForbiddenError,
  TokenExpiredError,
} = require('../lib/jwt')
const { events } = require('../lib/events')
const { serve: listen } = require('./helpers/serve')

const SECRET = crypto.randomBytes(32).toString('base64')

// An app with the middlewares under test and an error handler that shows what next(err) got.
async function serve(t, ...middlewares) {
  const app = express()
  app.get('/private', ...middlewares, (req, res) =>
    res.json({ user: req.user ?? null, auth: req.auth ?? null }),
  )
  app.use((err, req, res, _next) => {
    res.status(err.status || 500).json({
      name: err.name,
      code: err.code,
      message: err.message,
      inner: err.inner ? err.inner.name : undefined,
      innerUnauthorized: err instanceof UnauthorizedError,
      forbidden: err instanceof ForbiddenError,
      expired: err.inner instanceof TokenExpiredError,
    })
  })
  const { url: base, close } = await listen(app)
  t.after(close)
  return async (headers = {}, url = '/private') => {
    const res = await fetch(base + url, { headers })
    return { status: res.status, body: await res.json() }
  }
}

const bearer = (token) => ({ authorization: `Bearer ${token}` })

test('jwtAuth: a valid Bearer token sets req.user to its payload', async (t) => {
  const get = await serve(t, jwtAuth({ secret: SECRET, algorithms: ['HS256'] }))
  const { status, body } = await get(bearer(sign({ sub: 'u1' }, SECRET)))
  assert.strictEqual(status, 200)
  assert.strictEqual(body.user.sub, 'u1')
  const lower = await get({ authorization: `bearer ${sign({ sub: 'u2' }, SECRET)}` })
  assert.strictEqual(lower.body.user.sub, 'u2')
})

test('jwtAuth: express-jwt codes for every failure, status 401, inner the cause', async (t) => {
  const seen = []
  const listener = (e) => seen.push(e)
  events.on('auth.failed', listener)
  t.after(() => events.off('auth.failed', listener))
  const get = await serve(t, jwtAuth({ secret: SECRET }))
  const cases = [
    [{}, 'credentials_required', 'No authorization token was found'],
    [{ authorization: 'Basic abc' }, 'credentials_bad_scheme', 'Format is Authorization: Bearer [token]'],
    [{ authorization: 'Bearer' }, 'credentials_bad_format', 'Format is Authorization: Bearer [token]'],
    [{ authorization: 'Bearer a b' }, 'credentials_bad_format', 'Format is Authorization: Bearer [token]'],
    [bearer('not.a.token'), 'invalid_token', 'invalid token'],
    [bearer('garbage'), 'invalid_token', 'jwt malformed'],
    [bearer(sign({ a: 1 }, crypto.randomBytes(32))), 'invalid_token', 'invalid signature'],
  ]
  for (const [headers, code, message] of cases) {
    const { status, body } = await get(headers)
    assert.strictEqual(status, 401, code)
    assert.strictEqual(body.name, 'UnauthorizedError')
    assert.strictEqual(body.code, code)
    assert.strictEqual(body.message, message)
  }
  // An expired token is invalid_token (RFC 6750) with inner a TokenExpiredError.
  const expired = sign({ a: 1, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET)
  const { status, body } = await get(bearer(expired))
  assert.strictEqual(status, 401)
  assert.strictEqual(body.code, 'invalid_token')
  assert.strictEqual(body.message, 'jwt expired')
  assert.strictEqual(body.inner, 'TokenExpiredError')
  assert.strictEqual(body.expired, true)
  // Each failure reported auth.failed with the request's method and path.
  assert.strictEqual(seen.length, cases.length + 1)
  assert.ok(seen.every((e) => e.type === 'auth.failed' && e.method === 'GET' && e.path === '/private'))
  assert.match(seen[0].reason, /credentials_required/)
})

test('jwtAuth: credentialsRequired false, requestProperty, getToken, cookie', async (t) => {
  const optional = await serve(t, jwtAuth({ secret: SECRET, credentialsRequired: false }))
  assert.deepStrictEqual((await optional({})).body, { user: null, auth: null })
  assert.strictEqual((await optional({ authorization: 'Basic x' })).status, 200)
  assert.strictEqual((await optional(bearer('bad'))).status, 401, 'a bad token still fails')

  const prop = await serve(t, jwtAuth({ secret: SECRET, requestProperty: 'auth' }))
  assert.strictEqual((await prop(bearer(sign({ sub: 'p' }, SECRET)))).body.auth.sub, 'p')

  const viaQuery = await serve(
    t,
    jwtAuth({ secret: SECRET, getToken: (req) => new URL(req.url, 'http://x').searchParams.get('token') }),
  )
  assert.strictEqual((await viaQuery({}, `/private?token=${sign({ sub: 'q' }, SECRET)}`)).body.user.sub, 'q')
  const asyncGet = await serve(
    t,
    jwtAuth({ secret: SECRET, getToken: async (req) => req.headers['x-token'] }),
  )
  assert.strictEqual((await asyncGet({ 'x-token': sign({ sub: 'a' }, SECRET) })).body.user.sub, 'a')

  const cookie = await serve(t, jwtAuth({ secret: SECRET, cookie: 'session' }))
  const token = sign({ sub: 'c' }, SECRET)
  assert.strictEqual((await cookie({ cookie: `theme=dark; session=${token}; x=1` })).body.user.sub, 'c')
  assert.strictEqual((await cookie({ cookie: 'theme=dark' })).body.code, 'credentials_required')
  assert.strictEqual((await cookie(bearer(token))).body.user.sub, 'c', 'the header still works')
})

test('jwtAuth: isRevoked (sync and async) gives revoked_token', async (t) => {
  const revoked = new Set(['bad-jti'])
  const get = await serve(
    t,
    jwtAuth({ secret: SECRET, isRevoked: async (req, token) => revoked.has(token.payload.jti) }),
  )
  const ok = await get(bearer(sign({ jti: 'good' }, SECRET)))
  assert.strictEqual(ok.status, 200)
  const no = await get(bearer(sign({ jti: 'bad-jti' }, SECRET)))
  assert.strictEqual(no.status, 401)
  assert.strictEqual(no.body.code, 'revoked_token')
  assert.strictEqual(no.body.message, 'The token has been revoked.')
  const sync = await serve(
    t,
    jwtAuth({ secret: SECRET, isRevoked: (req, token) => token.header.alg === 'HS256' }),
  )
  assert.strictEqual((await sync(bearer(sign({}, SECRET)))).body.code, 'revoked_token')
})

test('jwtAuth: secret as async (req, token) => key; audience/issuer checks', async (t) => {
  const tenants = { a: crypto.randomBytes(32), b: crypto.generateKeyPairSync('ed25519') }
  const get = await serve(
    t,
    jwtAuth({
      secret: async (req, token) => (token.payload.tenant === 'a' ? tenants.a : tenants.b.publicKey),
      audience: 'api',
      issuer: 'https://issuer',
    }),
  )
  const claims = { aud: 'api', iss: 'https://issuer' }
  assert.strictEqual((await get(bearer(sign({ ...claims, tenant: 'a' }, tenants.a)))).status, 200)
  assert.strictEqual((await get(bearer(sign({ ...claims, tenant: 'b' }, tenants.b.privateKey)))).status, 200)
  const wrongAud = await get(bearer(sign({ ...claims, aud: 'other', tenant: 'a' }, tenants.a)))
  assert.strictEqual(wrongAud.body.code, 'invalid_token')
  assert.strictEqual(wrongAud.body.message, 'jwt audience invalid. expected: api')
  // The key function cannot make rampart accept a token of another algorithm family.
  const crossed = await get(bearer(sign({ ...claims, tenant: 'b' }, tenants.a)))
  assert.strictEqual(crossed.body.message, 'invalid algorithm')
  const failing = await serve(
    t,
    jwtAuth({
      secret: async () => {
        throw new Error('key store down')
      },
    }),
  )
  const down = await failing(bearer(sign({}, SECRET)))
  assert.strictEqual(down.body.code, 'invalid_token')
})

test('jwtAuth: onExpired may let an expired token through, as express-jwt', async (t) => {
  const get = await serve(t, jwtAuth({ secret: SECRET, onExpired: async () => {} }))
  const expired = sign({ sub: 'late', exp: Math.floor(Date.now() / 1000) - 5 }, SECRET)
  assert.strictEqual((await get(bearer(expired))).body.user.sub, 'late')
})

test('jwtAuth: reads JWT_SECRET when no secret is given, and refuses a missing or weak one', async (t) => {
  const saved = process.env.JWT_SECRET
  t.after(() => {
    if (saved === undefined) delete process.env.JWT_SECRET
    else process.env.JWT_SECRET = saved
  })
  delete process.env.JWT_SECRET
  assert.throws(() => jwtAuth({}), /JWT_SECRET/)
  assert.throws(() => jwtAuth(), /JWT_SECRET/)
  process.env.JWT_SECRET = 'changeme'
  assert.throws(() => jwtAuth({}), /JWT_SECRET: the HMAC secret is 8 bytes/)
  process.env.JWT_SECRET = SECRET
  const get = await serve(t, jwtAuth())
  assert.strictEqual((await get(bearer(sign({ sub: 'env' }, SECRET)))).body.user.sub, 'env')
})

test('jwtAuth: refuses at start-up what it cannot honour', () => {
  assert.throws(() => jwtAuth({ secret: 'short' }), /HMAC secret is 5 bytes/)
  assert.throws(() => jwtAuth({ secret: SECRET, algorithms: 'HS256' }), /must be an array/)
  assert.throws(() => jwtAuth({ secret: SECRET, algorithms: ['RS256'] }), /none of the algorithms/)
  assert.throws(() => jwtAuth({ secret: SECRET, frobnicate: true }), /unknown option "frobnicate"/)
  assert.throws(() => jwtAuth({ secret: SECRET, isRevoked: true }), /isRevoked must be a function/)
  const weakRsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 })
  assert.throws(() => jwtAuth({ secret: weakRsa.publicKey }), /RSA key is 1024 bits/)
  assert.doesNotThrow(() => jwtAuth({ secret: weakRsa.publicKey, allowInsecureKeySizes: true }))
})

test('jwtAuth: lets CORS preflights through and works with plain node:http', async () => {
  const mw = jwtAuth({ secret: SECRET })
  let called = 0
  mw(
    { method: 'OPTIONS', headers: { 'access-control-request-headers': 'content-type, Authorization' } },
    {},
    (err) => {
      assert.strictEqual(err, undefined)
      called++
    },
  )
  assert.strictEqual(called, 1)
  // A bare request object: no ip, method or path.
  const req = { headers: bearer(sign({ sub: 'bare' }, SECRET)) }
  await new Promise((resolve) => mw(req, {}, resolve))
  assert.strictEqual(req.user.sub, 'bare')
  const bad = {}
  const err = await new Promise((resolve) => mw(bad, {}, resolve))
  assert.strictEqual(err.code, 'credentials_required')
})

test('jwtAuth().unless skips the listed paths', async (t) => {
  const get = await serve(t, jwtAuth({ secret: SECRET }).unless({ path: ['/private'] }))
  assert.strictEqual((await get({})).status, 200)
})

test('authorize: roles from role/roles/scope or a named claim; 401 without a user, 403 refused', async (t) => {
  const forbidden = []
  const listener = (e) => forbidden.push(e)
  events.on('auth.forbidden', listener)
  t.after(() => events.off('auth.forbidden', listener))
  const auth = jwtAuth({ secret: SECRET })
  const admin = await serve(t, auth, authorize('admin'))
  assert.strictEqual((await admin(bearer(sign({ role: 'admin' }, SECRET)))).status, 200)
  assert.strictEqual((await admin(bearer(sign({ roles: ['x', 'admin'] }, SECRET)))).status, 200)
  assert.strictEqual((await admin(bearer(sign({ scope: 'read admin' }, SECRET)))).status, 200)
  const refused = await admin(bearer(sign({ role: 'user', scope: 'read' }, SECRET)))
  assert.strictEqual(refused.status, 403)
  assert.strictEqual(refused.body.name, 'ForbiddenError')
  assert.strictEqual(refused.body.forbidden, true)
  assert.strictEqual(forbidden.length, 1)
  assert.strictEqual(forbidden[0].type, 'auth.forbidden')

  const anyOf = await serve(t, auth, authorize(['editor', 'admin']))
  assert.strictEqual((await anyOf(bearer(sign({ role: 'editor' }, SECRET)))).status, 200)
  const allOf = await serve(t, auth, authorize(['read', 'write'], { all: true }))
  assert.strictEqual((await allOf(bearer(sign({ scope: 'read' }, SECRET)))).status, 403)
  assert.strictEqual((await allOf(bearer(sign({ scope: 'write read' }, SECRET)))).status, 200)
  const claim = await serve(t, auth, authorize('billing', { claim: 'realm_access.roles' }))
  assert.strictEqual(
    (await claim(bearer(sign({ realm_access: { roles: ['billing'] } }, SECRET)))).status,
    200,
  )
  assert.strictEqual((await claim(bearer(sign({ role: 'billing' }, SECRET)))).status, 403)

  // No user at all (authorize without jwtAuth) → 401.
  const noUser = await serve(t, authorize('admin'))
  const r = await noUser({})
  assert.strictEqual(r.status, 401)
  assert.strictEqual(r.body.name, 'UnauthorizedError')
  assert.throws(() => authorize([]), /authorize/)
  assert.throws(() => authorize(42), /authorize/)
})

test('authorize: a predicate for object-level checks (BOLA), sync or async', async (t) => {
  const app = express()
  const owners = { 1: 'alice', 2: 'bob' }
  app.get(
    '/docs/:id',
    jwtAuth({ secret: SECRET }),
    authorize(async (user, req) => owners[req.params.id] === user.sub),
    (req, res) => res.json({ id: req.params.id }),
  )
  app.get(
    '/sync/:id',
    jwtAuth({ secret: SECRET }),
    authorize((user, req) => owners[req.params.id] === user.sub),
    (req, res) => res.json({}),
  )
  app.get(
    '/boom',
    jwtAuth({ secret: SECRET }),
    authorize(() => {
      throw new Error('boom')
    }),
    (req, res) => res.json({}),
  )
  app.use((err, req, res, _next) => res.status(err.status || 500).json({ name: err.name }))
  const { url: base, close } = await listen(app)
  t.after(close)
  const alice = bearer(sign({ sub: 'alice' }, SECRET))
  assert.strictEqual((await fetch(`${base}/docs/1`, { headers: alice })).status, 200)
  const other = await fetch(`${base}/docs/2`, { headers: alice })
  assert.strictEqual(other.status, 403)
  assert.strictEqual((await other.json()).name, 'ForbiddenError')
  assert.strictEqual((await fetch(`${base}/sync/1`, { headers: alice })).status, 200)
  assert.strictEqual((await fetch(`${base}/sync/2`, { headers: alice })).status, 403)
  assert.strictEqual((await fetch(`${base}/boom`, { headers: alice })).status, 500)
})
