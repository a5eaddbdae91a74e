'use strict'
// The example API built the common way, with the JavaScript libraries rampart replaces:
// helmet, cors, express-rate-limit, express.json(), express-jwt + jsonwebtoken, joi and
// sanitize-html. It is the "JS stack" of the end-to-end benchmark (`npm run bench:e2e`);
// examples/server.js is the same API on rampart.
//
//   GET  /               public
//   POST /login          {username, password} → {token} (HS256 JWT, 1 h)
//   GET  /api/profile    needs a JWT
//   GET  /admin/data     needs a JWT with role admin
//   POST /api/comments   needs a JWT; {text} validated, then sanitized
//
// Demo users: alice / alice-pass (role user), admin / admin-pass (role admin).
// Environment: PORT (3000), JWT_SECRET (random if unset), CORS_ORIGIN (http://localhost:3000),
// RATE_LIMIT_MAX (requests per minute per client, 100), LOGIN_RATE_LIMIT_MAX (per 15 min, 10).
const crypto = require('node:crypto')
const express = require('express')
const helmet = require('helmet')
const cors = require('cors')
const { rateLimit } = require('express-rate-limit')
const jwt = require('jsonwebtoken')
const { expressjwt } = require('express-jwt')
const Joi = require('joi')
const sanitizeHtml = require('sanitize-html')

const USERS = {
  alice: { password: 'alice-pass', role: 'user' },
  admin: { password: 'admin-pass', role: 'admin' },
}

const loginSchema = Joi.object({
  username: Joi.string().alphanum().min(3).max(30).required(),
  password: Joi.string().min(3).max(128).required(),
})
const commentSchema = Joi.object({ text: Joi.string().min(1).max(10000).required() })

function sameSecret(a, b) {
  const ha = crypto.createHash('sha256').update(String(a)).digest()
  const hb = crypto.createHash('sha256').update(String(b)).digest()
  return crypto.timingSafeEqual(ha, hb)
}

function httpError(status, message) {
  return Object.assign(new Error(message), { status })
}

function validateBody(schema) {
  return (req, _res, next) => {
    const { error, value } = schema.validate(req.body, { abortEarly: false })
    if (error) return next(httpError(400, error.details.map((d) => d.message).join('; ')))
    req.body = value
    next()
  }
}

function requireRole(role) {
  return (req, _res, next) =>
    req.auth && req.auth.role === role ? next() : next(httpError(403, 'forbidden'))
}

function createApp(options = {}) {
  const secret = options.secret || process.env.JWT_SECRET || crypto.randomBytes(32).toString('base64url')
  const app = express()
  app.disable('x-powered-by')
  app.use(helmet())
  app.use(cors({ origin: process.env.CORS_ORIGIN || 'http://localhost:3000' }))
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: Number(process.env.RATE_LIMIT_MAX) || 100,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
    }),
  )
  app.use(express.json({ limit: '100kb' }))

  const requireJwt = expressjwt({ secret, algorithms: ['HS256'] })
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: Number(process.env.LOGIN_RATE_LIMIT_MAX) || 10,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
  })

  app.get('/', (_req, res) => {
    res.json({
      name: 'example API (JS stack)',
      routes: ['POST /login', 'GET /api/profile', 'GET /admin/data', 'POST /api/comments'],
    })
  })

  app.post('/login', loginLimit, validateBody(loginSchema), (req, res, next) => {
    const user = USERS[req.body.username]
    if (!user || !sameSecret(user.password, req.body.password))
      return next(httpError(401, 'invalid credentials'))
    const token = jwt.sign({ sub: req.body.username, role: user.role }, secret, {
      algorithm: 'HS256',
      expiresIn: '1h',
    })
    res.json({ token })
  })

  app.get('/api/profile', requireJwt, (req, res) => {
    res.json({ user: { sub: req.auth.sub, role: req.auth.role } })
  })

  app.get('/admin/data', requireJwt, requireRole('admin'), (req, res) => {
    res.json({ data: [{ id: 1, name: 'quarterly report' }], requestedBy: req.auth.sub })
  })

  app.post('/api/comments', requireJwt, validateBody(commentSchema), (req, res) => {
    res.status(201).json({ comment: { author: req.auth.sub, html: sanitizeHtml(req.body.text) } })
  })

  app.use((_req, _res, next) => next(httpError(404, 'not found')))
  app.use((err, _req, res, _next) => {
    const status = err.status || err.statusCode || 500
    const message = status >= 500 ? 'internal server error' : err.message
    if (status === 401) res.set('WWW-Authenticate', 'Bearer')
    res.status(status).json({ error: message })
  })
  return app
}

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000
  const server = createApp().listen(port, '127.0.0.1', () => {
    console.log(`example API (JS stack) on http://127.0.0.1:${server.address().port}`)
  })
}

module.exports = { createApp }
