'use strict'
// Bare Express 5 with the example API's routes and trivial handlers: no security middleware at
// all. The baseline of the end-to-end benchmark (`npm run bench:e2e`). Never deploy this.
const express = require('express')

/** `options.first`: middleware to run before everything else (the benchmark's variants). */
function createApp(options = {}) {
  const app = express()
  for (const middleware of options.first || []) app.use(middleware)
  app.use(express.json())
  app.get('/', (_req, res) => {
    res.json({
      name: 'example API (bare)',
      routes: ['POST /login', 'GET /api/profile', 'GET /admin/data', 'POST /api/comments'],
    })
  })
  app.post('/login', (req, res) => {
    res.json({ token: `unsigned.${String((req.body && req.body.username) || 'anonymous')}` })
  })
  app.get('/api/profile', (_req, res) => {
    res.json({ user: { sub: 'admin', role: 'admin' } })
  })
  app.get('/admin/data', (_req, res) => {
    res.json({ data: [{ id: 1, name: 'quarterly report' }], requestedBy: 'admin' })
  })
  app.post('/api/comments', (req, res) => {
    res.status(201).json({ comment: { author: 'admin', html: String((req.body && req.body.text) || '') } })
  })
  return app
}

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000
  const server = createApp().listen(port, '127.0.0.1', () => {
    console.log(`example API (bare Express) on http://127.0.0.1:${server.address().port}`)
  })
}

module.exports = { createApp }
