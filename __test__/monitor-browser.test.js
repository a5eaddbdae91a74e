'use strict'
/* global document, window */
// The live security page in a real browser: headless Chromium (Debian's chromium package)
// opens the example API's /_rampart/ as the admin, a scripted attack runs against the API,
// and the page's DOM must show it: the events, their totals, the top source, the login
// limiter, the headers the app sends. A hostile origin's text stays text. The screenshot
// goes to the test output (os.tmpdir()/rampart-monitor.png).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { serve } = require('./helpers/serve')

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const SECRET = 'browser-test-secret-that-is-32-bytes-or-more'
const SCREENSHOT = path.join(os.tmpdir(), 'rampart-monitor.png')
const HOSTILE = 'https://evil.example/<img src=x onerror="window.__xss=1">'

const missing = !fs.existsSync(CHROMIUM)
if (missing && process.env.CI === 'true') {
  test('chromium is installed (CI)', () => assert.fail(`${CHROMIUM} is missing: apt-get install -y chromium`))
}

const skip = missing && `${CHROMIUM} is missing (apt-get install -y chromium)`
// Decisions and pressure need lib/rate-limit.js to call the rateLimit tap (docs/monitor.md).
const rateLimitTapped = /tap\('rateLimit'/.test(
  fs.readFileSync(path.join(__dirname, '..', 'lib', 'rate-limit.js'), 'utf8'),
)

test('the security page shows a scripted attack as it happens', { skip, timeout: 90_000 }, async (t) => {
  const { chromium } = require('playwright-core')
  const { createApp } = require('../examples/server')
  const srv = await serve(createApp({ secret: SECRET }))
  // The page's event stream stays open: the browser closes first, then the connections go.
  t.after(() => {
    srv.server.closeAllConnections()
    return srv.close()
  })
  const api = client(srv.url)
  const adminToken = await api.login('admin', 'admin-pass')
  const userToken = await api.login('alice', 'alice-pass')
  assert.ok(adminToken && userToken)

  // The page refuses anyone but an admin (1 auth.failed and 2 auth.forbidden events, which
  // the page shows too: it counts from its creation, not from its first viewer).
  assert.equal((await fetch(`${srv.url}/_rampart/`)).status, 401)
  assert.equal((await api.get('/_rampart/', { authorization: `Bearer ${userToken}` })).status, 403)
  assert.equal((await api.get('/_rampart/', { cookie: `rampart_token=${userToken}` })).status, 403)

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 })
  try {
    await watchAttack(t, browser, srv.url, api, adminToken, userToken)
  } finally {
    await browser.close()
  }
})

function client(url) {
  const get = (p, headers = {}) => fetch(url + p, { headers })
  const post = (p, body, headers = {}) =>
    fetch(url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const login = async (username, password) =>
    (await (await post('/login', { username, password })).json()).token
  return { get, post, login }
}

/** Token guessing, a user at the admin route, a bad comment, an oversized body, a hostile
 * origin, and a login flood past the login limit (10 per 15 min). Returns the statuses. */
async function attack(api, userToken) {
  const user = { authorization: `Bearer ${userToken}` }
  const statuses = []
  for (let i = 0; i < 3; i++) {
    statuses.push((await api.get('/api/profile', { authorization: `Bearer forged.${i}.token` })).status)
  }
  statuses.push((await api.get('/admin/data', user)).status)
  statuses.push((await api.post('/api/comments', { text: 42 }, user)).status)
  statuses.push((await api.post('/api/comments', { text: 'x'.repeat(200_000) }, user)).status)
  statuses.push((await api.get('/', { origin: HOSTILE })).status)
  for (let i = 0; i < 10; i++)
    statuses.push((await api.post('/login', { username: 'admin', password: `guess-${i}` })).status)
  return statuses
}

async function watchAttack(t, browser, url, api, adminToken, userToken) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
  await context.addCookies([{ name: 'rampart_token', value: adminToken, url }])
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await page.goto(`${url}/_rampart`) // redirected to /_rampart/
  assert.equal(new URL(page.url()).pathname, '/_rampart/')
  await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 })

  const statuses = await attack(api, userToken)
  assert.deepEqual(statuses.slice(0, 7), [401, 401, 401, 403, 400, 413, 200])
  assert.deepEqual(statuses.slice(-2), [429, 429], 'the login limiter blocked the end of the flood')
  const blocked = statuses.filter((s) => s === 429).length

  // The DOM catches up: events are pushed at once, totals and tables on the next tick.
  await page.waitForFunction(
    (n) => {
      const count = (type) =>
        Number(document.querySelector(`#totals [data-type="${type}"] .count`)?.textContent || 0)
      return (
        count('auth.failed') === 4 &&
        count('ratelimit.exceeded') === n &&
        document.querySelectorAll('#limiters tbody tr').length > 0
      )
    },
    blocked,
    { timeout: 10_000 },
  )
  const rows = (type) => page.locator(`#latest tbody tr[data-type="${type}"]`).count()
  assert.equal(await rows('auth.failed'), 4)
  assert.equal(await rows('auth.forbidden'), 3)
  assert.equal(await rows('validation.failed'), 1)
  assert.equal(await rows('body.rejected'), 1)
  assert.equal(await rows('cors.rejected'), 1)
  assert.equal(await rows('ratelimit.exceeded'), blocked)

  const cells = await page
    .locator('#latest tbody tr[data-type="auth.failed"]')
    .first()
    .locator('td')
    .allTextContents()
  assert.equal(cells[3], 'GET')
  assert.equal(cells[4], '/api/profile')
  assert.equal(cells[5], '/api/profile', 'the route pattern')
  assert.match(cells[6], /^invalid_token/)

  // The top source is this test's loopback address, with every event counted.
  const top = await page.locator('#sources tbody tr').first().locator('td').allTextContents()
  assert.match(top[0], /127\.0\.0\.1|::1/)
  assert.equal(Number(top[1]), 10 + blocked)

  // The login limiter with its blocks; the app's headers and options in the policy.
  const limiter = await page
    .locator('#limiters tbody tr', { hasText: '10 per 900 s' })
    .locator('td')
    .allTextContents()
  assert.equal(Number(limiter[2]), blocked)
  if (rateLimitTapped) {
    // decisions seen while the page watched: the ten guesses; the flood went past the limit
    assert.equal(Number(limiter[1]), 10)
    const bar = page.locator('#limiters tbody tr', { hasText: '10 per 900 s' }).locator('.bar')
    const used = Number(/^(\d+)% of the limit used at peak/.exec(await bar.getAttribute('title'))[1])
    assert.ok(used > 100, `peak ${used}%`)
  }
  const headers = await page.locator('#policy-headers').textContent()
  assert.match(headers, /x-content-type-options/)
  assert.match(headers, /strict-transport-security/)
  assert.match(await page.locator('#policy-options').textContent(), /"origin": "http:\/\/localhost:3000"/)

  // The hostile origin is shown as text: no element made from it, no script run.
  const cors = await page.locator('#latest tbody tr[data-type="cors.rejected"] td').allTextContents()
  assert.ok(cors[6].includes('<img src=x onerror='), cors[6])
  assert.equal(await page.locator('#latest img, #latest [onerror]').count(), 0)
  assert.equal(await page.evaluate(() => window.__xss), undefined)
  assert.deepEqual(errors, [])

  await page.waitForTimeout(1100) // one more tick, so the chart has drawn the attack
  await page.screenshot({ path: SCREENSHOT, fullPage: true })
  assert.ok(fs.statSync(SCREENSHOT).size > 10_000)
  t.diagnostic(`screenshot: ${SCREENSHOT}`)
}
