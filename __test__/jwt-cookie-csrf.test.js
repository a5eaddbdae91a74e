'use strict'
// jwtAuth({ cookie }) with no CSRF check in front of a state-changing route logs one
// warning (RAMPART_COOKIE_CSRF) naming the fix; with fetchMetadata() in front, none.
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const { serve } = require('./helpers/serve')
const { sign, jwtAuth } = require('../lib/jwt')
const { fetchMetadata } = require('../lib/csrf')

const SECRET = 'c'.repeat(48)

async function postTwice(guarded) {
  const app = express()
  if (guarded) app.use(fetchMetadata())
  app.post('/api', jwtAuth({ secret: SECRET, algorithms: ['HS256'], cookie: 'session' }), (req, res) =>
    res.json({}),
  )
  const srv = await serve(app)
  const seen = []
  const listener = (w) => w.code === 'RAMPART_COOKIE_CSRF' && seen.push(w)
  process.on('warning', listener)
  try {
    const headers = { cookie: `session=${sign({ sub: 'u' }, SECRET)}`, 'sec-fetch-site': 'same-origin' }
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${srv.url}/api`, { method: 'POST', headers })
      assert.strictEqual(res.status, 200)
    }
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('warning', listener)
    await srv.close()
  }
  return seen
}

test('cookie token on a POST with no CSRF check: exactly one warning naming fetchMetadata()', async () => {
  const seen = await postTwice(false)
  assert.strictEqual(seen.length, 1)
  assert.match(seen[0].message, /fetchMetadata\(\)/)
})

test('cookie token with fetchMetadata() in front: no warning', async () => {
  assert.strictEqual((await postTwice(true)).length, 0)
})
