'use strict'
// The example API (`npm start`) end to end over real HTTP: every rampart middleware together.
const test = require('node:test')
const assert = require('node:assert')
const { spawn } = require('node:child_process')
const path = require('node:path')
const { createApp } = require('../examples/server')
const { serve } = require('./helpers/serve')

const SECRET = 'an-example-secret-of-at-least-32-bytes!'

async function login(base, username, password) {
  return fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
}

test('the example API protects every route the way the README says', async (t) => {
  process.env.LOGIN_RATE_LIMIT_MAX = '4'
  const { url: base, close } = await serve(createApp({ secret: SECRET }))
  t.after(close)

  const home = await fetch(`${base}/`)
  assert.strictEqual(home.status, 200)
  assert.strictEqual(home.headers.get('x-content-type-options'), 'nosniff')
  assert.ok(home.headers.get('content-security-policy'))
  assert.strictEqual(home.headers.get('x-powered-by'), null)

  const adminLogin = await login(base, 'admin', 'admin-pass')
  assert.strictEqual(adminLogin.status, 200)
  const { token: adminToken } = await adminLogin.json()
  const { token: aliceToken } = await (await login(base, 'alice', 'alice-pass')).json()

  const wrong = await login(base, 'alice', 'nope-nope')
  assert.strictEqual(wrong.status, 401)

  const noToken = await fetch(`${base}/api/profile`)
  assert.strictEqual(noToken.status, 401)
  assert.match(noToken.headers.get('content-type'), /application\/problem\+json/)
  assert.strictEqual(noToken.headers.get('www-authenticate'), 'Bearer')

  const forged = await fetch(`${base}/api/profile`, {
    headers: { authorization: `Bearer ${adminToken.slice(0, -4)}AAAA` },
  })
  assert.strictEqual(forged.status, 401)
  assert.match(forged.headers.get('www-authenticate'), /invalid_token/)

  const profile = await fetch(`${base}/api/profile`, { headers: { authorization: `Bearer ${aliceToken}` } })
  assert.deepStrictEqual(await profile.json(), { user: { sub: 'alice', role: 'user' } })

  const forbidden = await fetch(`${base}/admin/data`, { headers: { authorization: `Bearer ${aliceToken}` } })
  assert.strictEqual(forbidden.status, 403)
  const admin = await fetch(`${base}/admin/data`, { headers: { authorization: `Bearer ${adminToken}` } })
  assert.strictEqual(admin.status, 200)

  const comment = await fetch(`${base}/api/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: '<b>hi</b><script>alert(1)</script><a href="javascript:x()">x</a>' }),
  })
  assert.strictEqual(comment.status, 201)
  const html = (await comment.json()).comment.html
  assert.match(html, /<b>hi<\/b>/)
  assert.doesNotMatch(html, /script|javascript:/i)

  const invalid = await fetch(`${base}/api/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 42 }),
  })
  assert.strictEqual(invalid.status, 400)

  const badJson = await fetch(`${base}/api/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
    body: '{"text": ',
  })
  assert.strictEqual(badJson.status, 400)

  // The login limit (4 per 15 minutes here) is used up by the three logins above and this one.
  await login(base, 'alice', 'alice-pass')
  const limited = await login(base, 'alice', 'alice-pass')
  assert.strictEqual(limited.status, 429)
  assert.ok(Number(limited.headers.get('retry-after')) > 0)
})

test('npm start answers GET / and prints how to try it', async (t) => {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'examples', 'server.js')], {
    env: { ...process.env, PORT: '0', JWT_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => child.kill())
  let output = ''
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 15_000)
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = output.match(/on (http:\/\/127\.0\.0\.1:\d+)/)
      // The last line it prints is the comment example.
      if (match && output.includes('/api/comments')) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  assert.match(output, /JWT_SECRET is not set/)
  assert.match(output, /curl /)
  const res = await fetch(`${base}/`)
  assert.strictEqual(res.status, 200)
  assert.strictEqual((await res.json()).name, 'rampart example API')
})
