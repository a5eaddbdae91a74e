'use strict'
// The end-to-end pieces: examples/js-stack.js and examples/bare.js behave as the example API,
// bench/e2e/run.js measures stacks and writes its report, bench/soak.js passes a clean server and
// fails a leaking one. Loads are tiny here; the real runs are npm run bench:e2e and npm run soak.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { startStack, login } = require('../bench/e2e/stack')
const { parseWrkOutput, wrkScript, luaString, hasCommand } = require('../bench/e2e/loadgen')

const ROOT = path.join(__dirname, '..')

function runNode(script, env, timeoutMs = 90000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, script)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

async function call(stack, method, p, { token, body } = {}) {
  const headers = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(stack.url + p, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  return { status: res.status, headers: res.headers, json }
}

test('examples/js-stack.js: auth, RBAC, validation, sanitizing and headers', async () => {
  const stack = await startStack('js-stack', 'examples/js-stack.js')
  try {
    const home = await call(stack, 'GET', '/')
    assert.equal(home.status, 200)
    assert.equal(home.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(home.headers.get('x-powered-by'), null)
    assert.ok(home.headers.get('content-security-policy'))

    const admin = await login(stack, 'admin')
    const user = await login(stack, 'user')
    assert.ok(admin.token && user.token)
    const wrong = await call(stack, 'POST', '/login', { body: { username: 'admin', password: 'nope-nope' } })
    assert.equal(wrong.status, 401)
    assert.equal((await call(stack, 'POST', '/login', { body: { username: 'a' } })).status, 400)

    assert.equal((await call(stack, 'GET', '/api/profile')).status, 401)
    const forged = `${admin.token.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`
    assert.equal((await call(stack, 'GET', '/api/profile', { token: forged })).status, 401)
    const none = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')
    const unsigned = `${none}.${admin.token.split('.')[1]}.`
    assert.equal((await call(stack, 'GET', '/api/profile', { token: unsigned })).status, 401)
    const profile = await call(stack, 'GET', '/api/profile', { token: user.token })
    assert.deepEqual(profile.json, { user: { sub: 'alice', role: 'user' } })

    assert.equal((await call(stack, 'GET', '/admin/data', { token: user.token })).status, 403)
    assert.equal((await call(stack, 'GET', '/admin/data', { token: admin.token })).status, 200)

    const dirty =
      '<p>hi <b>there</b></p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    const comment = await call(stack, 'POST', '/api/comments', { token: user.token, body: { text: dirty } })
    assert.equal(comment.status, 201)
    assert.match(comment.json.comment.html, /<b>there<\/b>/)
    assert.doesNotMatch(comment.json.comment.html, /script|onerror|javascript:/i)
    assert.equal(
      (await call(stack, 'POST', '/api/comments', { token: user.token, body: { text: 42 } })).status,
      400,
    )
    assert.equal((await call(stack, 'POST', '/api/comments', { body: { text: 'hi' } })).status, 401)
  } finally {
    await stack.stop()
  }
})

test('examples/js-stack.js: the rate limit answers 429 when RATE_LIMIT_MAX is low', async () => {
  const stack = await startStack('js-stack', 'examples/js-stack.js', { env: { RATE_LIMIT_MAX: '3' } })
  try {
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await call(stack, 'GET', '/')).status)
    assert.deepEqual(statuses, [200, 200, 200, 429, 429])
  } finally {
    await stack.stop()
  }
})

test('examples/bare.js answers every route with 2xx and no security at all', async () => {
  const stack = await startStack('bare', 'examples/bare.js')
  try {
    const { token } = await login(stack, 'admin')
    assert.ok(token)
    assert.equal((await call(stack, 'GET', '/')).status, 200)
    assert.equal((await call(stack, 'GET', '/api/profile')).status, 200)
    assert.equal((await call(stack, 'GET', '/admin/data')).status, 200)
    assert.equal((await call(stack, 'POST', '/api/comments', { body: { text: '<b>x</b>' } })).status, 201)
  } finally {
    await stack.stop()
  }
})

test('startStack runs a module without createApp() as the main script with PORT', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-e2e-'))
  const file = path.join(dir, 'main-only.js')
  fs.writeFileSync(
    file,
    "require('node:http').createServer((q, s) => s.end('main')).listen(Number(process.env.PORT), '127.0.0.1')\n",
  )
  const stack = await startStack('main-only', file)
  try {
    assert.equal(await (await fetch(stack.url)).text(), 'main')
  } finally {
    await stack.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('startStack reports why a server died before listening', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-e2e-'))
  const file = path.join(dir, 'crash.js')
  fs.writeFileSync(file, "exports.createApp = () => { throw new TypeError('JWT_SECRET is too short') }\n")
  await assert.rejects(
    startStack('crash', file),
    /exited \(1\) before listening: .*TypeError: JWT_SECRET is too short/,
  )
  fs.rmSync(dir, { recursive: true, force: true })
})

test('bench/e2e/run.js measures the stacks and writes E2E.md and e2e.svg', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-e2e-out-'))
  const r = await runNode('bench/e2e/run.js', {
    E2E_LOADGEN: 'autocannon',
    E2E_PIN: '0',
    E2E_STACKS: 'bare,js-stack',
    E2E_DURATION: '0.3',
    E2E_ROUNDS: '1',
    E2E_WARMUP: '0',
    E2E_CONNECTIONS: '4',
    E2E_OUT_DIR: out,
  })
  assert.equal(r.status, 0, r.stderr + r.stdout)
  assert.match(r.stdout, /round 1\/1 GET \/api\/profile \(JWT\) js-stack: [\d,]+ req\/s/)
  const md = fs.readFileSync(path.join(out, 'E2E.md'), 'utf8')
  for (const route of ['GET / (public)', 'GET /api/profile (JWT)', 'POST /api/comments', 'GET /admin/data']) {
    assert.ok(md.includes(route), route)
  }
  // No bare-dict in this run, so its column stays empty.
  assert.match(
    md,
    /\| js-stack \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+× \| {2}\| [\d,.]+ \| [\d.]+× \| 0 \| 0 \|/,
  )
  assert.match(
    fs.readFileSync(path.join(out, 'e2e.svg'), 'utf8'),
    /^<svg[^>]*>[\s\S]*js-stack[\s\S]*<\/svg>\n$/,
  )
  fs.rmSync(out, { recursive: true, force: true })
})

test('wrk output and scripts: parsed and written exactly', () => {
  const sample = [
    'Running 5s test @ http://127.0.0.1:3000/',
    '  1 threads and 50 connections',
    '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
    '    Latency     4.12ms    1.01ms  31.20ms   90.00%',
    '  Latency Distribution',
    '     50%    3.90ms',
    '     75%    4.20ms',
    '     90%    5.00ms',
    '     99%  850.00us',
    '  60000 requests in 5.00s, 60.00MB read',
    '  Socket errors: connect 0, read 2, write 1, timeout 3',
    '  Non-2xx or 3xx responses: 7',
    'Requests/sec:  12000.50',
    'Transfer/sec:     12.00MB',
  ].join('\n')
  assert.deepEqual(parseWrkOutput(sample), {
    reqPerSec: 12000.5,
    p50: 3.9,
    p99: 0.85,
    requests: 60000,
    non2xx: 7,
    errors: 6,
  })
  const clean = parseWrkOutput(sample.replace(/ {2}Socket errors.*\n/, '').replace(/ {2}Non-2xx.*\n/, ''))
  assert.equal(clean.errors, 0)
  assert.equal(clean.non2xx, 0)
  // A body that contains the plain closing bracket gets a longer one.
  assert.equal(luaString('a]]b'), '[=[a]]b]=]')
  assert.equal(
    wrkScript({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"t":"]]"}' }),
    'wrk.method = [[POST]]\nwrk.headers[ [[content-type]] ] = [[application/json]]\nwrk.body = [=[{"t":"]]"}]=]\n',
  )
})

test(
  'bench/e2e/run.js drives wrk with the servers pinned to their own CPU',
  {
    skip:
      hasCommand('wrk') && hasCommand('taskset')
        ? false
        : 'wrk or taskset is not installed (apt-get install wrk)',
  },
  async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-e2e-wrk-'))
    const r = await runNode('bench/e2e/run.js', {
      E2E_LOADGEN: 'wrk',
      E2E_STACKS: 'bare,rampart',
      E2E_DURATION: '1',
      E2E_ROUNDS: '1',
      E2E_WARMUP: '0',
      E2E_CONNECTIONS: '4',
      E2E_OUT_DIR: out,
    })
    assert.equal(r.status, 0, r.stderr + r.stdout)
    assert.match(r.stdout, /Load generator: wrk/)
    assert.match(
      r.stdout,
      /round 1\/1 POST \/api\/comments \(JWT, validate, sanitize\) rampart: [\d,]+ req\/s/,
    )
    const report = JSON.parse(fs.readFileSync(path.join(out, 'e2e.json'), 'utf8'))
    assert.equal(report.settings.loadGenerator, 'wrk')
    for (const route of report.routes) {
      for (const st of route.stacks) {
        assert.ok(st.reqPerSec > 0, `${route.name} ${st.name}`)
        assert.equal(st.non2xx + st.errors, 0, `${route.name} ${st.name}`)
      }
    }
    fs.rmSync(out, { recursive: true, force: true })
  },
)

// A server with the example API's contract that keeps 128 KiB per request forever.
const LEAKY = `'use strict'
const kept = []
function send(res, status, body) { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)) }
exports.createApp = () => (req, res) => {
  kept.push(Buffer.alloc(128 * 1024, kept.length & 255))
  let raw = ''
  req.on('data', (c) => (raw += c))
  req.on('end', () => {
    const auth = req.headers.authorization || ''
    const role = auth === 'Bearer admin.t.s' ? 'admin' : auth === 'Bearer user.t.s' ? 'user' : null
    if (req.url === '/') return send(res, 200, {})
    if (req.url === '/login') return send(res, 200, { token: JSON.parse(raw).username === 'admin' ? 'admin.t.s' : 'user.t.s' })
    if (!role) return send(res, 401, {})
    if (req.url === '/admin/data') return send(res, role === 'admin' ? 200 : 403, {})
    if (req.url === '/api/comments') return send(res, typeof JSON.parse(raw).text === 'string' ? 201 : 400, {})
    send(res, 200, {})
  })
}
`

test('bench/soak.js passes a clean server and fails one that leaks', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-soak-'))
  const leaky = path.join(dir, 'leaky.js')
  fs.writeFileSync(leaky, LEAKY)
  const clean = await runNode('bench/soak.js', {
    SOAK_MODULE: 'examples/js-stack.js',
    SOAK_REQUESTS: '800',
    SOAK_CONNECTIONS: '4',
    SOAK_RSS_BOUND_MB: '256', // a JIT warming up in 800 requests is not a leak
    SOAK_OUT_DIR: path.join(dir, 'clean'),
  })
  assert.equal(clean.status, 0, clean.stderr + clean.stdout)
  const md = fs.readFileSync(path.join(dir, 'clean', 'SOAK.md'), 'utf8')
  assert.match(md, /\*\*Result: PASS\*\*/)
  assert.match(md, /\| GET \/admin\/data \(user role\) \| 403, 429 \| 403: \d+ \| 0 \|/)
  assert.match(md, /\| GET \/api\/profile, forged token \| 401, 429 \| 401: \d+ \| 0 \|/)

  const leak = await runNode('bench/soak.js', {
    SOAK_MODULE: leaky,
    SOAK_REQUESTS: '1600',
    SOAK_CONNECTIONS: '4',
    SOAK_RSS_BOUND_MB: '64',
    SOAK_OUT_DIR: path.join(dir, 'leaky'),
  })
  assert.equal(leak.status, 1, leak.stderr + leak.stdout)
  assert.match(leak.stdout, /FAIL: RSS grew [\d.]+ MiB after warm-up \(bound 64 MiB\)/)
  assert.match(fs.readFileSync(path.join(dir, 'leaky', 'SOAK.md'), 'utf8'), /\*\*Result: FAIL\*\*/)
  fs.rmSync(dir, { recursive: true, force: true })
})
