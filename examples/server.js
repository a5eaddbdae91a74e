'use strict'
// The example fortified API (`npm start`). It grows with each rampart capability.
const crypto = require('node:crypto')
const express = require('express')

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
