'use strict'
// jwtAuth side by side with the real express-jwt: the same requests through two Express
// apps on 127.0.0.1, one per library, and the statuses, codes, request property and what
// isRevoked / onExpired were given compared. The one deliberate difference (claims after an
// expiry that onExpired let through) is asserted as such.
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const jsonwebtoken = require('jsonwebtoken')
const { expressjwt } = require('express-jwt')
const { jwtAuth } = require('../lib/jwt')
const { serve } = require('./helpers/serve')

const SECRET = 'side-by-side-secret-'.padEnd(40, 'z')
const now = () => Math.floor(Date.now() / 1000)

// An app around one middleware factory; `seen` collects what the callbacks were given.
async function appWith(t, factory, options, { capitalise = false } = {}) {
  const seen = { isRevoked: [], onExpired: [] }
  const o = { ...options }
  if (options.isRevoked) {
    o.isRevoked = async (req, token) => {
      seen.isRevoked.push(token)
      return options.isRevoked(req, token)
    }
  }
  if (options.onExpired) {
    o.onExpired = async (req, err) => {
      seen.onExpired.push({
        name: err.name,
        code: err.code,
        inner: err.inner && err.inner.name,
        at: err.inner?.expiredAt?.getTime(),
      })
      return options.onExpired(req, err)
    }
  }
  const app = express()
  if (capitalise) {
    // What lambda adapters hand over: a header object with `Authorization` capitalised.
    app.use((req, res, next) => {
      const value = req.headers.authorization
      delete req.headers.authorization
      if (value !== undefined) req.headers.Authorization = value
      next()
    })
  }
  app.get('/me', factory(o), (req, res) => res.json({ auth: req.auth ?? null }))
  app.use((err, req, res, _next) =>
    res.status(err.status || 500).json({
      name: err.name,
      code: err.code,
      message: err.message,
      inner: err.inner ? err.inner.name : null,
    }),
  )
  const { url, close } = await serve(app)
  t.after(close)
  return {
    seen,
    get: async (token, headers = {}) => {
      const res = await fetch(`${url}/me`, {
        headers: token === undefined ? headers : { authorization: `Bearer ${token}`, ...headers },
      })
      return { status: res.status, body: await res.json() }
    },
  }
}

// The same options through both libraries; returns both results for each token.
async function sideBySide(t, options, extra) {
  const base = { secret: SECRET, algorithms: ['HS256'], requestProperty: 'auth', ...options }
  const peer = await appWith(t, expressjwt, base, extra)
  const mine = await appWith(t, jwtAuth, base, extra)
  return {
    peer,
    mine,
    both: async (token, headers) => [await peer.get(token, headers), await mine.get(token, headers)],
  }
}

test('side by side: a capitalised Authorization header (lambda adapters) is read as express-jwt reads it', async (t) => {
  const { both } = await sideBySide(t, {}, { capitalise: true })
  const token = jsonwebtoken.sign({ sub: 'u1' }, SECRET)
  const [peer, mine] = await both(token)
  assert.strictEqual(peer.status, 200)
  assert.deepStrictEqual(mine, peer)
  for (const header of [`Basic ${token}`, `Bearer ${token} extra`, 'Bearer']) {
    const [p, m] = await both(undefined, { authorization: header })
    assert.strictEqual(m.status, p.status, header)
    assert.strictEqual(m.body.code, p.body.code, header)
  }
})

test('side by side: onExpired that returns lets the expired token through, with its verified payload', async (t) => {
  const { peer, mine, both } = await sideBySide(t, { onExpired: () => undefined })
  const exp = now() - 30
  const token = jsonwebtoken.sign({ sub: 'late', exp }, SECRET)
  const [p, m] = await both(token)
  assert.strictEqual(p.status, 200)
  assert.deepStrictEqual(m, p)
  assert.deepStrictEqual(mine.seen.onExpired, peer.seen.onExpired)
  assert.deepStrictEqual(mine.seen.onExpired, [
    { name: 'UnauthorizedError', code: 'invalid_token', inner: 'TokenExpiredError', at: exp * 1000 },
  ])
})

test('side by side: onExpired that throws refuses with what it threw', async (t) => {
  const { both } = await sideBySide(t, {
    onExpired: (req, err) => {
      const e = new Error('session ended, log in again')
      e.status = 419
      e.code = 'session_ended'
      if (err.code === 'invalid_token') throw e
    },
  })
  const token = jsonwebtoken.sign({ sub: 'late', exp: now() - 30 }, SECRET)
  const [p, m] = await both(token)
  assert.strictEqual(p.status, 419)
  assert.deepStrictEqual(m, p)
})

test('side by side: without onExpired an expired token is invalid_token with inner TokenExpiredError', async (t) => {
  const { both } = await sideBySide(t, {})
  const [p, m] = await both(jsonwebtoken.sign({ sub: 'late', exp: now() - 30 }, SECRET))
  assert.deepStrictEqual(m, p)
  assert.deepStrictEqual([m.status, m.body.code, m.body.inner], [401, 'invalid_token', 'TokenExpiredError'])
})

test('side by side: isRevoked runs after onExpired lets a token through, and gets the same token', async (t) => {
  const { peer, mine, both } = await sideBySide(t, {
    onExpired: () => undefined,
    isRevoked: (req, token) => token.payload.jti === 'gone',
  })
  const revoked = jsonwebtoken.sign({ jti: 'gone', exp: now() - 30 }, SECRET)
  const fine = jsonwebtoken.sign({ jti: 'kept', exp: now() - 30 }, SECRET, { keyid: 'k1' })
  const [p1, m1] = await both(revoked)
  assert.strictEqual(p1.status, 401)
  assert.deepStrictEqual(m1, p1)
  const [p2, m2] = await both(fine)
  assert.strictEqual(p2.status, 200)
  assert.deepStrictEqual(m2, p2)
  assert.deepStrictEqual(mine.seen.isRevoked, peer.seen.isRevoked)
  assert.strictEqual(mine.seen.isRevoked.length, 2)
})

test('difference: after onExpired returns, rampart still checks audience and issuer (express-jwt does not)', async (t) => {
  const { both } = await sideBySide(t, { onExpired: () => undefined, audience: 'api', issuer: 'https://idp' })
  const good = jsonwebtoken.sign({ aud: 'api', iss: 'https://idp', exp: now() - 30 }, SECRET)
  const [p, m] = await both(good)
  assert.strictEqual(p.status, 200)
  assert.deepStrictEqual(m, p)
  // jsonwebtoken stops at the expiry, so express-jwt never looks at aud: a token for
  // another service passes. rampart refuses it.
  const other = jsonwebtoken.sign({ aud: 'billing', iss: 'https://idp', exp: now() - 30 }, SECRET)
  const [p2, m2] = await both(other)
  assert.strictEqual(p2.status, 200, 'express-jwt lets it through')
  assert.deepStrictEqual(
    [m2.status, m2.body.code, m2.body.inner],
    [401, 'invalid_token', 'JsonWebTokenError'],
  )
  assert.match(m2.body.message, /audience invalid/)
})
