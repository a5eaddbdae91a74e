'use strict'
// The two fast paths that rely on node/V8 internals (docs/fast-paths.md):
//   headerTable     validated headers stored straight into node's response header table
//   dictionaryMode  Express's req/res moved to V8 dictionary mode
// For each: it is ACTIVE on this node (or, where it cannot be, the plain path is engaged and
// the test says so); its opt-outs (environment variable, `fastPaths` option) engage the plain
// path; and the bytes on the wire are the same as through plain setHeader, for every header
// rampart writes or removes.
//
// Self-contained on purpose (express and rampart only): the same file runs on Node 22, 24, 26.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const express = require('express')
const { rawHead } = require('./helpers/raw-head')

const LIB = path.join(__dirname, '..', 'lib')
const rateLimit = require(path.join(LIB, 'rate-limit'))
const secureHeaders = require(path.join(LIB, 'headers'))
const cors = require(path.join(LIB, 'cors'))
const { fastPathStatus, parseFastPaths } = require(path.join(LIB, 'fast-paths'))
const { compileHeaders } = require(path.join(LIB, 'headers', 'set-headers'))

/** Runs `script` in a fresh node; returns its last stdout line as JSON. */
function child(script, { env = {}, flags = [] } = {}) {
  const run = spawnSync(process.execPath, [...flags, '-e', script], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, RAMPART_NO_HEADER_TABLE: '', RAMPART_NO_DICTIONARY_MODE: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout.trim().split('\n').pop())
}

test('status on this node: each path is active, or says why not', (t) => {
  const status = fastPathStatus()
  t.diagnostic(`node ${process.version}: ${JSON.stringify(status)}`)
  // On V8 the dictionary-mode step can always run; the header table depends on node's layout.
  // (The suite may itself run with an opt-out set: then the status must name it.)
  if (process.env.RAMPART_NO_DICTIONARY_MODE === '1') {
    assert.equal(status.dictionaryMode, 'disabled by RAMPART_NO_DICTIONARY_MODE')
  } else assert.equal(status.dictionaryMode, 'active')
  if (process.env.RAMPART_NO_HEADER_TABLE === '1') {
    assert.equal(status.headerTable, 'disabled by RAMPART_NO_HEADER_TABLE')
  } else assert.ok(['active', 'unavailable'].includes(status.headerTable), status.headerTable)
})

// Counts the setHeader calls made while rampart's middlewares write their headers. setHeader
// is wrapped BEFORE rampart loads, so rampart takes the wrapper for node's own: the header
// table path stays eligible, and any header that goes through setHeader is counted.
const COUNT_SETHEADER = (prelude) => `
  const http = require('node:http')
  ${prelude}
  const proto = http.OutgoingMessage.prototype
  const original = proto.setHeader
  let calls = 0
  proto.setHeader = function (...args) { calls++; return original.apply(this, args) }
  const lib = require('node:path').resolve('lib')
  const { fastPathStatus } = require(lib + '/fast-paths')
  const middlewares = [
    require(lib + '/headers')(),
    require(lib + '/cors')({ origin: 'https://app.example' }),
    require(lib + '/rate-limit')({ limit: 5, standardHeaders: 'draft-7', validate: false }),
  ]
  const req = new http.IncomingMessage(null)
  Object.assign(req, { method: 'GET', url: '/', ip: '10.0.0.1' })
  const res = new http.ServerResponse(req)
  calls = 0
  for (const m of middlewares) m(req, res, () => {})
  console.log(JSON.stringify({ status: fastPathStatus().headerTable, calls, headers: res.getHeaderNames().length }))
`

test('header table: active means rampart bypasses setHeader; otherwise setHeader is used', (t) => {
  const out = child(COUNT_SETHEADER(''))
  t.diagnostic(`header table ${out.status}, setHeader calls ${out.calls}`)
  assert.ok(out.headers >= 12, `headers written: ${out.headers}`)
  if (out.status === 'active') assert.equal(out.calls, 0, 'the table path was not taken')
  else assert.ok(out.calls >= out.headers, 'the fallback did not engage')
})

test('header table: RAMPART_NO_HEADER_TABLE=1 engages the setHeader path', () => {
  const out = child(COUNT_SETHEADER(''), { env: { RAMPART_NO_HEADER_TABLE: '1' } })
  assert.equal(out.status, 'disabled by RAMPART_NO_HEADER_TABLE')
  assert.ok(out.calls >= out.headers, `setHeader calls ${out.calls} for ${out.headers} headers`)
})

test('header table: on a node without the table layout, the fallback engages', () => {
  // Simulates a node that keeps its headers elsewhere: the probe finds no table symbol.
  const hide = `
    const symbols = Object.getOwnPropertySymbols
    Object.getOwnPropertySymbols = (o) => (o instanceof http.OutgoingMessage ? [] : symbols(o))
  `
  const out = child(COUNT_SETHEADER(hide))
  assert.equal(out.status, 'unavailable')
  assert.ok(out.calls >= out.headers, `setHeader calls ${out.calls} for ${out.headers} headers`)
})

test('header table: the fastPaths option engages setHeader for that middleware only', (t) => {
  // setHeader is wrapped before rampart loads (see COUNT_SETHEADER), then each middleware
  // writes onto its own response: the count shows which path it took.
  const script = `
    const http = require('node:http')
    const proto = http.OutgoingMessage.prototype
    const original = proto.setHeader
    let calls = 0
    proto.setHeader = function (...args) { calls++; return original.apply(this, args) }
    const lib = require('node:path').resolve('lib')
    const rateLimit = require(lib + '/rate-limit')
    const cors = require(lib + '/cors')
    const secureHeaders = require(lib + '/headers')
    const { fastPathStatus } = require(lib + '/fast-paths')
    const off = { headerTable: false }
    const limiter = (fastPaths) => rateLimit({ limit: 3, standardHeaders: 'draft-8', validate: false, fastPaths })
    const corsOf = (fastPaths) => cors({ origin: 'https://app.example', credentials: true, fastPaths })
    const out = { status: fastPathStatus().headerTable }
    for (const [name, middleware] of Object.entries({
      rateLimit: limiter(undefined), rateLimitOff: limiter(off), rateLimitFalse: limiter(false),
      cors: corsOf(undefined), corsOff: corsOf(off),
      secureHeaders: secureHeaders(), secureHeadersOff: secureHeaders({ fastPaths: off }),
    })) {
      const req = new http.IncomingMessage(null)
      Object.assign(req, { method: 'GET', url: '/', ip: '10.0.0.9', headers: {} })
      const res = new http.ServerResponse(req)
      calls = 0
      middleware(req, res, () => {})
      out[name] = { calls, headers: res.getHeaders() }
    }
    console.log(JSON.stringify(out))
  `
  const out = child(script)
  t.diagnostic(`header table ${out.status}`)
  for (const [on, offs] of [
    ['rateLimit', ['rateLimitOff', 'rateLimitFalse']],
    ['cors', ['corsOff']],
    ['secureHeaders', ['secureHeadersOff']],
  ]) {
    if (out.status === 'active') assert.equal(out[on].calls, 0, `${on}: table path by default`)
    for (const name of offs) {
      assert.ok(out[name].calls >= Object.keys(out[name].headers).length, `${name}: through setHeader`)
      assert.deepEqual(out[name].headers, out[on].headers, `${name}: same headers`)
    }
  }
  assert.throws(
    () => rateLimit({ fastPaths: { headerTabel: false } }),
    /unknown fastPaths entry "headerTabel"/,
  )
  assert.throws(() => cors({ origin: '*', fastPaths: 'no' }), /fastPaths must be/)
  assert.throws(() => secureHeaders({ fastPaths: 'no' }), /secureHeaders: fastPaths must be/)
  assert.throws(() => rateLimit({ fastPaths: { headerTable: 0 } }), /fastPaths.headerTable must be a boolean/)
  assert.deepEqual(parseFastPaths(false, 'x'), { headerTable: false, dictionaryMode: false })
  assert.deepEqual(parseFastPaths(undefined, 'x'), { headerTable: true, dictionaryMode: true })
  assert.deepEqual(parseFastPaths({ dictionaryMode: false }, 'x'), {
    headerTable: true,
    dictionaryMode: false,
  })
})

test('dictionary mode: active by default; RAMPART_NO_DICTIONARY_MODE=1 and fastPaths turn it off', (t) => {
  if (fastPathStatus().dictionaryMode === 'unavailable') return t.skip('not V8')
  // %HasFastProperties needs --allow-natives-syntax, so this runs in a child process.
  const script = `
    const http = require('node:http')
    const express = require('express')
    const lib = require('node:path').resolve('lib')
    const rateLimit = require(lib + '/rate-limit')
    const cors = require(lib + '/cors')
    const { fastPathStatus } = require(lib + '/fast-paths')
    const candidates = {
      rateLimit: rateLimit({ limit: 1000, validate: false }),
      cors: cors({ origin: 'https://app.example' }),
      rateLimitOff: rateLimit({ limit: 1000, validate: false, fastPaths: { dictionaryMode: false } }),
      corsOff: cors({ origin: 'https://app.example', fastPaths: false }),
      secureHeaders: require(lib + '/headers')(),
      secureHeadersOff: require(lib + '/headers')({ fastPaths: { dictionaryMode: false } }),
    }
    ;(async () => {
      const out = { status: fastPathStatus().dictionaryMode }
      for (const [name, middleware] of Object.entries(candidates)) {
        const app = express()
        let fast
        app.use(middleware)
        app.get('/', (req, res) => { fast = [%HasFastProperties(req), %HasFastProperties(res)]; res.end('ok') })
        const server = http.createServer(app)
        await new Promise((r) => server.listen(0, '127.0.0.1', r))
        const res = await fetch('http://127.0.0.1:' + server.address().port + '/')
        await res.text()
        server.close()
        out[name] = fast
      }
      console.log(JSON.stringify(out))
    })()
  `
  const on = child(script, { flags: ['--allow-natives-syntax'] })
  assert.equal(on.status, 'active')
  assert.deepEqual(on.rateLimit, [false, false], 'rateLimit: dictionary mode')
  assert.deepEqual(on.cors, [false, false], 'cors: dictionary mode')
  assert.deepEqual(on.rateLimitOff, [true, true], 'rateLimit with the option off')
  assert.deepEqual(on.corsOff, [true, true], 'cors with the option off')
  assert.deepEqual(on.secureHeaders, [false, false], 'secureHeaders: dictionary mode')
  assert.deepEqual(on.secureHeadersOff, [true, true], 'secureHeaders with the option off')
  const off = child(script, { flags: ['--allow-natives-syntax'], env: { RAMPART_NO_DICTIONARY_MODE: '1' } })
  assert.equal(off.status, 'disabled by RAMPART_NO_DICTIONARY_MODE')
  for (const name of ['rateLimit', 'cors', 'secureHeaders'])
    assert.deepEqual(off[name], [true, true], `${name} with the env var`)
})

// ---- Bytes on the wire: fast path against plain setHeader ----

/** An app with `make()`'s middlewares; `plain` wraps each res.setHeader so no fast path applies. */
async function server(make, plain) {
  const app = express()
  if (plain) {
    app.use((_req, res, next) => {
      const proto = http.OutgoingMessage.prototype
      res.setHeader = function (name, value) {
        return proto.setHeader.call(this, name, value)
      }
      res.removeHeader = function (name) {
        return proto.removeHeader.call(this, name)
      }
      next()
    })
  }
  for (const m of make()) app.use(m)
  app.all('/', (_req, res) => res.send('ok'))
  const s = http.createServer(app)
  await new Promise((r) => s.listen(0, '127.0.0.1', r))
  return s
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nConnection: close\r\n\r\n'
const PREFLIGHT =
  'OPTIONS / HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: PUT\r\n' +
  'Access-Control-Request-Headers: x-a\r\nConnection: close\r\n\r\n'

const STACKS = {
  'secureHeaders defaults (and X-Powered-By removed)': () => [secureHeaders()],
  'secureHeaders api preset': () => [secureHeaders({ preset: 'api' })],
  'cors fixed origin with credentials': () => [
    cors({ origin: 'https://app.example', credentials: true, exposedHeaders: ['X-Id'], maxAge: 60 }),
  ],
  'cors any origin': () => [cors({ origin: '*' })],
  'cors origin list, reflected headers': () => [cors({ origin: ['https://app.example', /\.test$/] })],
  'rate-limit legacy headers': () => [rateLimit({ limit: 2, validate: false })],
  'rate-limit draft-6': () => [
    rateLimit({ limit: 2, standardHeaders: 'draft-6', legacyHeaders: false, validate: false }),
  ],
  'rate-limit draft-7': () => [rateLimit({ limit: 2, standardHeaders: 'draft-7', validate: false })],
  'rate-limit draft-8': () => [rateLimit({ limit: 2, standardHeaders: 'draft-8', validate: false })],
  'rate-limit draft-8, two limiters': () => [
    rateLimit({ limit: 2, standardHeaders: 'draft-8', legacyHeaders: false, validate: false }),
    rateLimit({
      limit: 9,
      windowMs: 1000,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      validate: false,
    }),
  ],
  'everything together': () => [
    secureHeaders(),
    cors({ origin: 'https://app.example' }),
    rateLimit({ limit: 2, standardHeaders: 'draft-7', validate: false }),
  ],
}

test('wire bytes: every header rampart writes or removes is the same as through setHeader', async () => {
  const realNow = Date.now
  const frozen = Math.floor(realNow() / 1000) * 1000 + 100 // same second for every response
  Date.now = () => frozen
  try {
    for (const [name, make] of Object.entries(STACKS)) {
      const fast = await server(make, false)
      const plain = await server(make, true)
      try {
        // Three GETs (the third is blocked by the limit-2 limiters), then a preflight.
        for (const [i, request] of [GET, GET, GET, PREFLIGHT].entries()) {
          // node writes its own Date from its own clock: the one value not compared.
          const date = /\r\nDate: [^\r]*/g
          const a = (await rawHead(fast.address().port, request)).replace(date, '\r\nDate: -')
          const b = (await rawHead(plain.address().port, request)).replace(date, '\r\nDate: -')
          assert.equal(a, b, `${name}, request ${i + 1}`)
          if (name.startsWith('secureHeaders')) assert.ok(!/x-powered-by/i.test(a), 'X-Powered-By removed')
        }
      } finally {
        fast.close()
        plain.close()
      }
    }
  } finally {
    Date.now = realNow
  }
})

// ---- Header values: the direct path refuses exactly what setHeader refuses ----

/** Bounded fuzz input: single characters of every class, and short mixes of them. */
function fuzzValues() {
  const singles = []
  for (let c = 0; c < 0x100; c++) singles.push(String.fromCharCode(c))
  singles.push('\u0100', '\u2028', '\u00ff\u0100', '\ud800', '\ud83d\ude00', '\uffff')
  const values = ['', ' ', 'a b', 'ok']
  for (const ch of singles) values.push(ch, `a${ch}b`, `${ch}x`, `x${ch}`)
  let seed = 7
  for (let i = 0; i < 300; i++) {
    let v = ''
    for (let j = 0; j < 6; j++) {
      seed = (seed * 1103515245 + 12345) % 2147483648
      v += singles[seed % singles.length]
    }
    values.push(v)
  }
  return values
}

const refuses = (fn) => {
  try {
    fn()
    return false
  } catch {
    return true
  }
}
const freshResponse = () => new http.ServerResponse(new http.IncomingMessage(null))

test('header values: compileHeaders refuses exactly what setHeader refuses (names and values)', () => {
  const values = fuzzValues()
  for (const value of [...values, 5, ['a', 'b'], ['a\nb'], undefined, null]) {
    const node = refuses(() => freshResponse().setHeader('X-Fuzz', value))
    const ours = refuses(() => compileHeaders([['X-Fuzz', value]]))
    assert.equal(ours, node, `value ${JSON.stringify(value)}`)
    if (!ours) {
      const res = freshResponse()
      compileHeaders([['X-Fuzz', value]])(res)
      const expected = freshResponse()
      expected.setHeader('X-Fuzz', value)
      assert.deepEqual(res.getHeaders(), expected.getHeaders())
    }
  }
  for (const name of values) {
    const node = refuses(() => freshResponse().setHeader(name, 'v'))
    assert.equal(
      refuses(() => compileHeaders([[name, 'v']])),
      node,
      `name ${JSON.stringify(name)}`,
    )
    // removeHeader takes any string (a name no header can have is simply absent); rampart
    // refuses, at start-up, a removal of a name setHeader could never have set.
    assert.equal(
      refuses(() => compileHeaders([], [name])),
      node,
      `removal ${JSON.stringify(name)}`,
    )
  }
})

test('header values: rate-limit draft-8 names and limits take the direct path only when setHeader would', async (t) => {
  // Each value once through the default (direct) path and once with the table path off:
  // the same error or the same headers.
  const outcome = async (options) => {
    const limiter = rateLimit({ standardHeaders: 'draft-8', validate: false, ...options })
    const req = new http.IncomingMessage(null)
    Object.assign(req, { method: 'GET', url: '/', ip: '10.1.1.1', headers: {} })
    const res = freshResponse()
    let error
    await limiter(req, res, (e) => (error = e))
    return error ? `error ${error.code}` : JSON.stringify(res.getHeaders())
  }
  const inputs = fuzzValues().filter((_v, i) => i % 3 === 0)
  // One frozen clock: X-RateLimit-Reset and Date are whole seconds, and two runs that
  // straddle a second would differ for that reason alone.
  const realNow = Date.now
  const frozen = Math.floor(realNow() / 1000) * 1000 + 100
  Date.now = () => frozen
  t.after(() => (Date.now = realNow))
  for (const identifier of inputs) {
    const direct = await outcome({ identifier })
    const plain = await outcome({ identifier, fastPaths: { headerTable: false } })
    assert.equal(direct, plain, `identifier ${JSON.stringify(identifier)}`)
    const refused = refuses(() => freshResponse().setHeader('RateLimit', `"${identifier}"; r=1; t=60`))
    assert.equal(direct.startsWith('error'), refused, `identifier ${JSON.stringify(identifier)}`)
  }
  for (const limit of [0, -0, 1.5, 1e21, Infinity, -Infinity, NaN, 'x\r\nSet-Cookie: a=b', '7', null]) {
    const direct = await outcome({ limit: () => limit })
    const plain = await outcome({ limit: () => limit, fastPaths: { headerTable: false } })
    assert.equal(direct, plain, `limit ${String(limit)}`)
  }
})

test('header values: cors takes a fixed origin only if setHeader would take it', () => {
  for (const origin of fuzzValues().filter((v) => v.length > 0)) {
    const value = `https://a${origin}.example`
    if (refuses(() => freshResponse().setHeader('Access-Control-Allow-Origin', value))) {
      assert.ok(
        refuses(() => cors({ origin: value })),
        `cors accepted ${JSON.stringify(value)}`,
      )
    }
  }
})
