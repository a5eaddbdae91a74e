'use strict'
// The example fortified API (`npm start`): the same API as examples/js-stack.js, on rampart.
//
//   GET  /               public
//   POST /login          {username, password} → {token} (HS256 JWT, 1 h); strictly rate-limited
//   GET  /api/profile    needs a JWT
//   GET  /admin/data     needs a JWT with role admin
//   POST /api/comments   needs a JWT; {text} validated, then sanitized (an HTML allowlist)
//   GET  /_rampart/      the live security page (rampart/monitor), admin role only; a browser
//                        sends the admin's token as the rampart_token cookie
//
// Demo users: alice / alice-pass (role user), admin / admin-pass (role admin).
// Environment: PORT (3000), JWT_SECRET (random if unset), CORS_ORIGIN (http://localhost:3000),
// RATE_LIMIT_MAX (requests per minute per client, 100), LOGIN_RATE_LIMIT_MAX (per 15 min, 10),
// QUIET (set to 1 to stop logging security events).
// OIDC mode (opt-in): OIDC_ISSUER (e.g. https://idp.example.com/realms/x) and OIDC_AUDIENCE
// make /api and /admin take RFC 9068 access tokens from that identity provider (its keys
// found by discovery) instead of /login's tokens; OIDC_DPOP=required|allowed adds DPoP.
const crypto = require('node:crypto')
const express = require('express')
const { fortify, errorHandler, notFound, HttpError, events } = require('rampart')
const { sign, jwtAuth, authorize } = require('rampart/jwt')
const { validate } = require('rampart/validate')
const { sanitize } = require('rampart/sanitize')
const rateLimit = require('rampart/rate-limit')
const { securityPage } = require('rampart/monitor')

// Tokens name their audience and issuer, and jwtAuth checks both (RFC 8725 §3.9).
const TOKEN_CLAIMS = { audience: 'rampart-example', issuer: 'rampart-example' }

const USERS = {
  alice: { password: 'alice-pass', role: 'user' },
  admin: { password: 'admin-pass', role: 'admin' },
}

const loginSchema = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', pattern: '^[a-zA-Z0-9]+$', minLength: 3, maxLength: 30 },
    password: { type: 'string', minLength: 3, maxLength: 128 },
  },
  additionalProperties: false,
}
const commentSchema = {
  type: 'object',
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1, maxLength: 10000 } },
  additionalProperties: false,
}

function sameSecret(a, b) {
  const ha = crypto.createHash('sha256').update(String(a)).digest()
  const hb = crypto.createHash('sha256').update(String(b)).digest()
  return crypto.timingSafeEqual(ha, hb)
}

function resolveSecret() {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET
  const secret = crypto.randomBytes(32).toString('base64url')
  process.env.JWT_SECRET = secret
  console.log('JWT_SECRET is not set: using a random secret for this run (tokens die with the process).')
  return secret
}

// The API's token check: this app's own HS256 tokens, or (OIDC_ISSUER set) access tokens
// from an identity provider, iss pinned, keys discovered, typ at+jwt required.
function apiAuth(secret) {
  const issuer = process.env.OIDC_ISSUER
  if (!issuer) return jwtAuth({ secret, algorithms: ['HS256'], ...TOKEN_CLAIMS })
  const dpop = process.env.OIDC_DPOP
  return jwtAuth({ issuer, audience: process.env.OIDC_AUDIENCE, profile: 'at+jwt', ...(dpop && { dpop }) })
}

function createApp(options = {}) {
  const secret = options.secret || resolveSecret()
  const app = express()
  app.set('trust proxy', false)
  // secureHeaders() removes X-Powered-By anyway; not setting it at all saves a header write.
  app.disable('x-powered-by')

  // Secure headers, CORS, a global rate limit and the safe JSON body parser, in that order.
  const protection = {
    cors: { origin: process.env.CORS_ORIGIN || 'http://localhost:3000' },
    rateLimit: { windowMs: 60_000, limit: Number(process.env.RATE_LIMIT_MAX) || 100 },
    json: { limit: '100kb' },
  }
  app.use(fortify(protection))

  const requireJwt = apiAuth(secret)
  // The live security page: admins only (a browser cannot send a Bearer header, hence the cookie).
  const pageAuth = [
    jwtAuth({ secret, algorithms: ['HS256'], ...TOKEN_CLAIMS, cookie: 'rampart_token' }),
    authorize('admin'),
  ]
  app.use('/_rampart', securityPage({ authorize: pageAuth, policy: protection }))
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: Number(process.env.LOGIN_RATE_LIMIT_MAX) || 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
  })

  app.get('/', (_req, res) => {
    res.json({
      name: 'rampart example API',
      routes: ['POST /login', 'GET /api/profile', 'GET /admin/data', 'POST /api/comments'],
    })
  })

  app.post('/login', loginLimit, validate({ body: loginSchema }), (req, res, next) => {
    const user = USERS[req.body.username]
    if (!user || !sameSecret(user.password, req.body.password)) {
      return next(new HttpError(401, 'invalid credentials'))
    }
    const token = sign({ sub: req.body.username, role: user.role }, secret, {
      expiresIn: '1h',
      ...TOKEN_CLAIMS,
    })
    res.json({ token })
  })

  app.get('/api/profile', requireJwt, (req, res) => {
    res.json({ user: { sub: req.user.sub, role: req.user.role } })
  })

  app.get('/admin/data', requireJwt, authorize('admin'), (req, res) => {
    res.json({ data: [{ id: 1, name: 'quarterly report' }], requestedBy: req.user.sub })
  })

  app.post(
    '/api/comments',
    requireJwt,
    validate({ body: commentSchema }),
    sanitize({ mode: 'html', fields: ['text'] }),
    (req, res) => {
      res.status(201).json({ comment: { author: req.user.sub, html: req.body.text } })
    },
  )

  app.use(notFound())
  app.use(errorHandler())
  return app
}

// Every security event (auth.failed, ratelimit.exceeded, ...) arrives on '*' too.
function logSecurityEvents() {
  events.on('*', (event) => console.log(`[security] ${JSON.stringify(event)}`))
}

if (require.main === module) {
  if (!process.env.QUIET && process.env.NODE_ENV !== 'production') logSecurityEvents()
  const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT)
  const server = createApp().listen(port, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${server.address().port}`
    console.log(`rampart example API on ${base}`)
    console.log('Try it:')
    console.log(`  curl ${base}/`)
    console.log(
      `  TOKEN=$(curl -s -X POST ${base}/login -H 'content-type: application/json' -d '{"username":"admin","password":"admin-pass"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')`,
    )
    console.log(`  curl ${base}/api/profile -H "authorization: Bearer $TOKEN"`)
    console.log(`  curl ${base}/admin/data -H "authorization: Bearer $TOKEN"`)
    console.log(
      `  curl -X POST ${base}/api/comments -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"text":"<b>hi</b><script>alert(1)</script>"}'`,
    )
  })
}

module.exports = { createApp }
