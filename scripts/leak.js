#!/usr/bin/env node
// Leak check across the native boundary: loops over every native entry point through the
// JavaScript API (compile, validators, validate() and json() middleware, raw-body checks,
// MemoryStore in both algorithms and every store method, stores created and dropped,
// and — once they land — jwt and sanitize) while sampling RSS. RSS must stay flat: after
// a warm-up, the median of the last third of the samples may exceed that of the first
// third by at most LEAK_MAX_GROWTH_MB (default 12). `npm run leak` runs it for 10 minutes
// (LEAK_SECONDS); __test__/leak.test.js runs a 15-second version.
'use strict'
const v8 = require('node:v8')
const vm = require('node:vm')
const http = require('node:http')
const net = require('node:net')
const path = require('node:path')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')
const root = path.join(__dirname, '..')

function tryRequire(subpath) {
  const mod = require(path.join(root, 'lib', subpath))
  return mod && Object.keys(mod).length ? mod : null
}

/** One round over every entry point; each returns nothing and keeps nothing. */
function makeRound() {
  const { compile, validate, json } = require(path.join(root, 'lib', 'validate'))
  const { MemoryStore } = require(path.join(root, 'lib', 'rate-limit'))
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[a-z]+$' },
      age: { type: 'integer', minimum: 0 },
      email: { type: 'string', format: 'email' },
      tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    },
    required: ['name'],
    additionalProperties: false,
  }
  const check = compile(schema, { allErrors: true })
  const defaults = compile(
    { type: 'object', properties: { a: { type: 'integer', default: 1 } } },
    { useDefaults: true, coerceTypes: true, removeAdditional: true },
  )
  const mw = validate({ body: schema, query: { type: 'object', properties: { n: { type: 'integer' } } } })
  const parse = json({ schema })
  const parsePlain = json()
  const stores = [new MemoryStore({ maxKeys: 5000 }), new MemoryStore({ maxKeys: 5000 })]
  stores[0].init({ windowMs: 1000 })
  stores[1].init({ windowMs: 1000, algorithm: 'gcra', limit: 50 })
  const good = JSON.stringify({ name: 'abc', age: 3, email: 'a@b.co', tags: ['x'] })
  const bad = JSON.stringify({ name: 'ABC', age: -1, email: 'nope', tags: ['x', 'x'], extra: 1 })
  const extra = []
  const jwt = tryRequire('jwt')
  if (jwt && jwt.sign && jwt.verify) {
    const key = 'k'.repeat(64)
    const token = jwt.sign({ sub: 'u1', role: 'admin' }, key, { expiresIn: '1h' })
    extra.push(() => {
      jwt.verify(token, key)
      try {
        jwt.verify(token.slice(0, -2) + 'xx', key)
      } catch {
        // expected: a bad token or schema
      }
      try {
        jwt.verify('not.a.token', key)
      } catch {
        // expected: a bad token or schema
      }
      jwt.decode(token)
      jwt.sign({ sub: 'u2' }, key)
    })
    if (jwt.createVerifier) {
      const verifier = jwt.createVerifier({ key, cache: 100 })
      extra.push(() => verifier(token))
    }
  }
  const sanitize = tryRequire('sanitize')
  if (sanitize && sanitize.sanitizeHtml) {
    const dirty =
      '<p onclick="x()">hi <a href="javascript:alert(1)">x</a><script>alert(1)</script><img src=x onerror=y></p>'
    extra.push(() => {
      sanitize.sanitizeHtml(dirty)
      sanitize.sanitizeHtml(dirty, { allowedTags: ['a'], allowedAttributes: { a: ['href'] } })
      if (sanitize.escapeHtml) sanitize.escapeHtml(dirty)
    })
  }

  let n = 0
  return async function round() {
    n++
    check(JSON.parse(good))
    check(JSON.parse(bad))
    check({ name: '\ud800' })
    defaults({ a: '5', b: 2 })
    const fresh = compile({ type: 'array', items: { type: 'number', maximum: n % 100 } })
    fresh([1, 2, 3])
    try {
      compile({ type: 'nope' })
    } catch {
      // expected: a bad token or schema
    }
    await runMiddleware(mw, { body: JSON.parse(n % 2 ? good : bad), query: { n: String(n) } })
    await runMiddleware(parse, { raw: n % 2 ? good : bad })
    await runMiddleware(parsePlain, { raw: '{"__proto__":{"x":1},"a":[1,2,{"b":null}]}' })
    for (const store of stores) {
      const key = `k${n % 7000}`
      await store.increment(key)
      await store.get(key)
      await store.decrement(key)
      if (n % 50 === 0) await store.resetKey(key)
      if (n % 997 === 0) await store.resetAll()
    }
    if (n % 200 === 0) {
      const tmp = new MemoryStore({ maxKeys: 10 })
      tmp.init({ windowMs: 10 })
      await tmp.increment('x')
      if (tmp.shutdown) await tmp.shutdown()
    }
    for (const f of extra) f()
  }
}

function runMiddleware(mw, { body, query, raw }) {
  return new Promise((resolve) => {
    const req = new http.IncomingMessage(new net.Socket())
    req.method = 'POST'
    req.url = '/'
    req.headers = { 'content-type': 'application/json' }
    if (raw !== undefined) {
      req.headers['content-length'] = String(Buffer.byteLength(raw))
      req.push(raw)
    }
    req.push(null)
    if (body !== undefined) req.body = body
    if (query !== undefined)
      Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true })
    const res = new http.ServerResponse(req)
    mw(req, res, () => resolve())
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** Runs the loop for `seconds`; resolves with the RSS samples and the verdict. */
async function run({ seconds = 600, maxGrowthMb = 12, warmupSeconds, log = () => {} } = {}) {
  const round = makeRound()
  const warmUntil = Date.now() + (warmupSeconds ?? Math.min(5, seconds / 5)) * 1000
  // A turn of the event loop every 100 rounds, as a server has between requests: native
  // objects (compiled schemas, stores) are freed by finalizers that run on a later turn.
  const turn = () => new Promise((resolve) => setImmediate(resolve))
  while (Date.now() < warmUntil) {
    for (let i = 0; i < 100; i++) await round()
    await turn()
  }
  gc()
  const samples = []
  const started = Date.now()
  const end = started + seconds * 1000
  const every = Math.max(250, (seconds * 1000) / 60)
  let nextSample = started
  let rounds = 0
  while (Date.now() < end) {
    for (let i = 0; i < 100; i++) await round()
    await turn()
    rounds += 100
    if (Date.now() >= nextSample) {
      gc()
      const { rss, heapUsed } = process.memoryUsage()
      const mb = rss / 1048576
      samples.push(mb)
      const at = ((Date.now() - started) / 1000).toFixed(0)
      log(
        `${at} s: rss ${mb.toFixed(1)} MB, JS heap ${(heapUsed / 1048576).toFixed(1)} MB after ${rounds} rounds`,
      )
      nextSample += every
    }
  }
  const third = Math.max(1, Math.floor(samples.length / 3))
  const first = median(samples.slice(0, third))
  const last = median(samples.slice(-third))
  const growth = last - first
  return { rounds, samples, first, last, growth, ok: growth <= maxGrowthMb }
}

module.exports = { run }

if (require.main === module) {
  const seconds = Number(process.env.LEAK_SECONDS || 600)
  const maxGrowthMb = Number(process.env.LEAK_MAX_GROWTH_MB || 12)
  run({ seconds, maxGrowthMb, log: (line) => console.log(line) }).then((r) => {
    console.log(
      `leak: ${r.rounds} rounds in ${seconds} s; RSS median ${r.first.toFixed(1)} MB (first third) -> ` +
        `${r.last.toFixed(1)} MB (last third), growth ${r.growth.toFixed(1)} MB (limit ${maxGrowthMb}): ` +
        (r.ok ? 'flat' : 'GROWING'),
    )
    process.exit(r.ok ? 0 : 1)
  })
}
