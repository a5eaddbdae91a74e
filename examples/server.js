'use strict'
// The example fortified API (`npm start`). It grows with each rampart capability.
const crypto = require('node:crypto')
const express = require('express')
const { sign, jwtAuth, authorize } = require('../lib/jwt')

let secret = process.env.JWT_SECRET
if (!secret) {
  secret = crypto.randomBytes(32).toString('base64url')
  process.env.JWT_SECRET = secret
  console.log('JWT_SECRET is not set: using a random secret for this run (tokens die with the process).')
}

function createApp() {
  const app = express()
  app.get('/', (_req, res) => {
    res.json({
      name: 'rampart example API',
      routes: ['POST /login', 'GET /api/profile', 'GET /admin/data', 'POST /api/comments'],
    })
  })
  // jwt: a demo login (any username; "admin" gets the admin role), then Bearer tokens.
  app.post('/login', express.json(), (req, res) => {
    const username = req.body && typeof req.body.username === 'string' ? req.body.username : 'guest'
    const role = username === 'admin' ? 'admin' : 'user'
    res.json({ token: sign({ sub: username, role }, process.env.JWT_SECRET, { expiresIn: '1h' }) })
  })
  const auth = jwtAuth() // reads JWT_SECRET; refuses a missing or weak one at start-up
  app.get('/api/profile', auth, (req, res) => res.json({ user: req.user }))
  app.get('/admin/data', auth, authorize('admin'), (_req, res) => res.json({ secret: 'admins only' }))
  return app
}

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000
  const server = createApp().listen(port, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${server.address().port}`
    console.log(`rampart example API on ${base}`)
    console.log(`  curl ${base}/`)
  })
}

module.exports = { createApp }
