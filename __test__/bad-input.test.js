'use strict'
// Bad input across the native boundary, as a table: every exported function and middleware
// of every subpath gets wrong types, huge strings, lone UTF-16 surrogates, Buffers where
// strings go, frozen and Proxy objects and circular values. Each call must either work or
// throw an Error of the documented class (TypeError for a wrong argument, the module's own
// error classes otherwise), quickly and with no Rust internals in the message. Middleware
// must end in next() / next(err) with a 4xx status, or answer < 500: never throw, hang or
// leak internals.
const test = require('node:test')
const assert = require('node:assert')
const http = require('node:http')
const net = require('node:net')

const TRAP = new Error('proxy trap')
const INTERNALS = /panicked|unwrap\(\)|RUST_BACKTRACE|\.rs:\d+|napi_|called `Option/
const HUGE = 'x'.repeat(8 * 1024 * 1024) // data positions
const LARGE = 'x'.repeat(256 * 1024) // option positions (spread and checked at start-up)
const circular = () => {
  const o = { a: 1, list: [] }
  o.self = o
  o.list.push(o)
  return o
}
const deep = (n) => {
  let v = {}
  for (let i = 0; i < n; i++) v = { v }
  return v
}

// The values every argument position is tried with.
const BAD = {
  undefined: () => undefined,
  null: () => null,
  NaN: () => NaN,
  Infinity: () => -Infinity,
  negative: () => -1,
  bigint: () => 10n ** 30n,
  symbol: () => Symbol('s'),
  function: () => () => 'x',
  boolean: () => true,
  emptyString: () => '',
  hugeString: () => HUGE,
  loneHigh: () => '\ud800',
  loneLow: () => 'a\udc00b',
  nul: () => 'a\u0000b',
  buffer: () => Buffer.from('{"a":1}'),
  uint8: () => new Uint8Array([0xff, 0xfe, 0x00]),
  array: () => [1, 'two', null],
  frozen: () => Object.freeze({ a: Object.freeze(['x']) }),
  proxyTrap: () =>
    new Proxy(
      {},
      {
        get() {
          throw TRAP
        },
        ownKeys() {
          throw TRAP
        },
        getOwnPropertyDescriptor() {
          throw TRAP
        },
        has() {
          throw TRAP
        },
        getPrototypeOf() {
          throw TRAP
        },
      },
    ),
  proxyPlain: () => new Proxy({ a: 'b' }, {}),
  circular,
  deep: () => deep(5000),
  nullProto: () => Object.assign(Object.create(null), { a: 1 }),
  protoKey: () => JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}'),
  date: () => new Date(NaN),
  regexp: () => /x/,
  map: () => new Map([['a', 1]]),
  errorObject: () => Object.assign(new Error('inner'), { status: 'x', statusCode: -5 }),
  throwingToString: () => ({
    toString() {
      throw TRAP
    },
    toJSON() {
      throw TRAP
    },
  }),
}

/** Subpaths and what each export may throw for a bad argument. */
const subpaths = {
  validate: require('../lib/validate'),
  'rate-limit': require('../lib/rate-limit'),
  headers: require('../lib/headers'),
  cors: require('../lib/cors'),
  errors: require('../lib/errors'),
  sanitize: require('../lib/sanitize'),
  jwt: require('../lib/jwt'),
  root: require('../lib/index'),
}
const landed = (name) => Object.keys(subpaths[name]).length > 0 || typeof subpaths[name] === 'function'
const { ValidationError } = subpaths.validate
const silent = { error() {}, warn() {}, info() {} }

// Exports that are classes or values rather than plain functions are listed with how to call them.
const calls = {
  'validate.compile': (v) => subpaths.validate.compile(v),
  'validate.compile(options)': (v) => subpaths.validate.compile({ type: 'object' }, v),
  'validate.compile()(data)': (v) => {
    const check = subpaths.validate.compile({
      type: 'object',
      properties: { a: { type: 'string', pattern: '^x', maxLength: 5 } },
    })
    const ok = check(v)
    assert.strictEqual(typeof ok, 'boolean', 'a compiled validator returns a boolean')
    if (!ok) assert.ok(Array.isArray(check.errors), 'errors set after a failure')
  },
  'validate.compile(useDefaults)(data)': (v) =>
    subpaths.validate.compile(
      { type: 'object', properties: { d: { default: 1 } } },
      { useDefaults: true },
    )(v),
  'validate.validate': (v) => subpaths.validate.validate(v),
  'validate.validate(options)': (v) => subpaths.validate.validate({ body: { type: 'object' } }, v),
  'validate.json': (v) => subpaths.validate.json(v),
  'validate.ValidationError': (v) => new ValidationError(Array.isArray(v) ? v : [], v),
  'rate-limit.rateLimit': (v) => subpaths['rate-limit'](v),
  'rate-limit.rateLimit(limit)': (v) => subpaths['rate-limit']({ limit: v, validate: false, logger: silent }),
  'rate-limit.MemoryStore': (v) => new subpaths['rate-limit'].MemoryStore(v),
  'rate-limit.MemoryStore.increment': async (v) => {
    const store = new subpaths['rate-limit'].MemoryStore()
    store.init({ windowMs: 1000 })
    await store.increment(v)
  },
  'rate-limit.RedisStore': (v) => new subpaths['rate-limit'].RedisStore(v),
  'rate-limit.ipKeyGenerator': (v) => subpaths['rate-limit'].ipKeyGenerator(v),
  'rate-limit.ipKeyGenerator(subnet)': (v) => subpaths['rate-limit'].ipKeyGenerator('2001:db8::1', v),
  'cors.cors': (v) => subpaths.cors(v),
  'cors.cors(origin)': (v) => subpaths.cors({ origin: v }),
  'errors.errorHandler': (v) => subpaths.errors.errorHandler(v),
  'errors.notFound': (v) => subpaths.errors.notFound(v),
  'errors.HttpError': (v) => new subpaths.errors.HttpError(v, v),
  'root.fortify': (v) => subpaths.root.fortify(v),
}
const isString = (v, what) => assert.strictEqual(typeof v, 'string', `${what} returns a string`)
if (landed('sanitize')) {
  const sz = subpaths.sanitize
  Object.assign(calls, {
    'sanitize.sanitizeHtml(data)': (v) => isString(sz.sanitizeHtml(v), 'sanitizeHtml'),
    'sanitize.sanitizeHtml(options)': (v) =>
      isString(sz.sanitizeHtml('<b onclick=x>hi</b>', v), 'sanitizeHtml'),
    'sanitize.createSanitizer': (v) => sz.createSanitizer(v),
    'sanitize.createSanitizer()(data)': (v) =>
      isString(sz.createSanitizer({ allowedTags: ['a'] })(v), 'a sanitizer'),
    'sanitize.escapeHtml': (v) => isString(sz.escapeHtml(v), 'escapeHtml'),
    'sanitize.sanitize': (v) => sz.sanitize(v),
  })
}
const JWT_KEY = 'k'.repeat(64)
if (landed('jwt')) {
  const jwt = subpaths.jwt
  const token = jwt.sign({ sub: 'u1', role: 'admin' }, JWT_KEY, { expiresIn: '1h' })
  Object.assign(calls, {
    'jwt.sign(payload)': (v) => jwt.sign(v, JWT_KEY),
    'jwt.sign(key)': (v) => jwt.sign({ sub: 'u1' }, v),
    'jwt.sign(options)': (v) => jwt.sign({ sub: 'u1' }, JWT_KEY, v),
    'jwt.verify(token)': (v) => jwt.verify(v, JWT_KEY),
    'jwt.verify(key)': (v) => jwt.verify(token, v),
    'jwt.verify(options)': (v) => jwt.verify(token, JWT_KEY, v),
    'jwt.verify(callback)': (v) =>
      new Promise((resolve, reject) => jwt.verify(v, JWT_KEY, {}, (err) => (err ? reject(err) : resolve()))),
    'jwt.decode(token)': (v) => jwt.decode(v),
    'jwt.decode(options)': (v) => jwt.decode(token, v),
    'jwt.createSigner': (v) => jwt.createSigner(v),
    'jwt.createVerifier': (v) => jwt.createVerifier(v),
    'jwt.createVerifier()(token)': (v) => jwt.createVerifier({ key: JWT_KEY, cache: 10 })(v),
    'jwt.jwtAuth': (v) => jwt.jwtAuth(v),
    'jwt.authorize': (v) => jwt.authorize(v),
  })
}
for (const name of Object.keys(subpaths.headers)) {
  if (typeof subpaths.headers[name] === 'function')
    calls[`headers.${name}`] = (v) => subpaths.headers[name](v)
}
// Which error classes each call may throw (a wrong argument is a TypeError everywhere; an
// invalid schema is an Error with code ERR_INVALID_SCHEMA; express-rate-limit's start-up
// checks throw its ValidationError; RangeError for out-of-range numbers).
// Calls made per request (data in, not options): a TypeError or the module's own class only.
// Calls made at start-up (options in) may also throw a plain Error saying what to change,
// as helmet and cors do and as the contract says ("fails loudly at start-up").
const RUNTIME = new Set([
  'jwt.verify(token)',
  'jwt.verify(callback)',
  'jwt.decode(token)',
  'jwt.createVerifier()(token)',
  'sanitize.sanitizeHtml(data)',
  'sanitize.createSanitizer()(data)',
  'sanitize.escapeHtml',
  'validate.compile()(data)',
  'validate.compile(useDefaults)(data)',
  'rate-limit.MemoryStore.increment',
  'rate-limit.ipKeyGenerator',
])
const ALLOWED = [TypeError, RangeError, ValidationError]
if (landed('jwt')) ALLOWED.push(subpaths.jwt.JsonWebTokenError)
const allowed = (name, err) => {
  if (ALLOWED.some((C) => err instanceof C)) return true
  if (!RUNTIME.has(name) && err.constructor === Error && err.message.length > 10) return true
  if (name.startsWith('validate.compile') && err.code === 'ERR_INVALID_SCHEMA') return true
  if (name.startsWith('rate-limit') && /^ERR_ERL_/.test(err.code || '')) return true
  if (name.startsWith('rate-limit') && err.name === 'ValidationError') return true
  return false
}

test('bad input: every export rejects wrong arguments with its documented error class', async (t) => {
  const problems = []
  const slowest = { name: '', ms: 0 }
  let count = 0
  for (const [name, call] of Object.entries(calls)) {
    for (const [label, make] of Object.entries(BAD)) {
      count++
      const started = Date.now()
      const value = label === 'hugeString' && !RUNTIME.has(name) ? LARGE : make()
      try {
        await call(value)
      } catch (err) {
        if (err === TRAP) continue
        if (err && err.code === 'ERR_ASSERTION') {
          problems.push(`${name} <- ${label}: ${err.message}`)
          continue
        }
        if (!(err instanceof Error)) problems.push(`${name} <- ${label}: threw a non-Error ${String(err)}`)
        else if (!allowed(name, err))
          problems.push(`${name} <- ${label}: ${err.name}: ${err.message.slice(0, 200)}`)
        else if (INTERNALS.test(err.message)) problems.push(`${name} <- ${label}: internals: ${err.message}`)
      }
      const ms = Date.now() - started
      if (ms > 10_000) problems.push(`${name} <- ${label}: took ${ms} ms`)
      else if (ms > slowest.ms) Object.assign(slowest, { name: `${name} <- ${label}`, ms })
    }
  }
  t.diagnostic(`${count} calls; slowest ${slowest.name} (${slowest.ms} ms)`)
  assert.deepStrictEqual(problems, [], `${problems.length} of ${count} calls misbehaved`)
})

// ---- middleware: a real node:http request and response, with hostile fields --------------

/** Runs `mw` on a request built by `shape`; resolves with what happened. */
function runMiddleware(mw, shape, { body, errorArg } = {}) {
  return new Promise((resolve) => {
    const socket = new net.Socket()
    const req = new http.IncomingMessage(socket)
    req.method = 'POST'
    req.url = '/x?a=1'
    req.headers = { host: 'localhost', 'content-type': 'application/json' }
    if (body !== undefined) {
      req.headers['content-length'] = String(Buffer.byteLength(body))
      req.push(body)
      req.push(null)
    } else {
      req.headers['content-length'] = '0'
      req.push(null)
    }
    shape(req)
    const res = new http.ServerResponse(req)
    let settled = false
    const finish = (what) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...what, res })
    }
    const end = res.end.bind(res)
    res.end = (...args) => {
      const chunk = args[0]
      finish({ ended: true, status: res.statusCode, body: chunk ? String(chunk) : '' })
      return end(...args)
    }
    const timer = setTimeout(() => finish({ hung: true }), 10_000)
    try {
      const next = (err) => finish({ next: true, err })
      if (errorArg !== undefined) mw(errorArg.value, req, res, next)
      else mw(req, res, next)
    } catch (err) {
      finish({ threw: err })
    }
  })
}

const middlewares = {
  ...(landed('jwt') && {
    'jwt.jwtAuth': subpaths.jwt.jwtAuth({ secret: JWT_KEY, algorithms: ['HS256'] }),
    'jwt.jwtAuth(optional,cookie)': subpaths.jwt.jwtAuth({
      secret: JWT_KEY,
      algorithms: ['HS256'],
      credentialsRequired: false,
      cookie: 'token',
    }),
    'jwt.authorize': subpaths.jwt.authorize(['admin']),
  }),
  ...(landed('sanitize') && {
    'sanitize.sanitize(text)': subpaths.sanitize.sanitize({ query: true, params: true }),
    'sanitize.sanitize(html)': subpaths.sanitize.sanitize({ mode: 'html', query: true }),
    'sanitize.sanitize(escape,fields)': subpaths.sanitize.sanitize({ mode: 'escape', fields: ['a', 'list'] }),
  }),
  'validate.validate': subpaths.validate.validate({
    body: { type: 'object', properties: { a: { type: 'string' } } },
    query: { type: 'object', properties: { a: { type: 'integer' } } },
    params: { type: 'object' },
    headers: { type: 'object' },
  }),
  'validate.json': subpaths.validate.json(),
  'validate.json(schema)': subpaths.validate.json({ schema: { type: 'object' } }),
  'rate-limit.rateLimit': subpaths['rate-limit']({ limit: 1e6, validate: false, logger: silent }),
  'headers.secureHeaders': subpaths.headers(),
  'cors.cors': subpaths.cors({ origin: 'https://app.example', credentials: true }),
  'root.fortify': subpaths.root.fortify({
    cors: { origin: 'https://app.example' },
    rateLimit: { limit: 1e6 },
  }),
}

// Ways a request can be hostile: each bad value placed in one field.
const placements = {
  body: (v) => (req) => {
    req.body = v
  },
  query: (v) => (req) => {
    Object.defineProperty(req, 'query', { value: v, writable: true, configurable: true })
  },
  params: (v) => (req) => {
    req.params = v
  },
  // node:http gives header values as strings (arrays for a few): only those go in headers.
  header: (v) => (req) => {
    if (typeof v !== 'string' && !Array.isArray(v)) return
    req.headers.origin = v
    req.headers.authorization = v
    req.headers.cookie = v
    req.headers['x-forwarded-for'] = v
    req.headers['x-request-id'] = v
  },
  bare: (v) => (req) => {
    req.ip = v
    req.method = v
    req.url = typeof v === 'string' ? v : '/'
    req.path = v
  },
}

function judge(name, label, r, problems) {
  if (r.hung) problems.push(`${name} <- ${label}: neither called next nor answered in 10 s`)
  else if (r.threw && r.threw !== TRAP)
    problems.push(`${name} <- ${label}: threw ${r.threw && r.threw.stack}`)
  else if (r.next && r.err && r.err !== TRAP) {
    const status = r.err.status || r.err.statusCode
    if (!(status >= 400 && status < 500)) {
      problems.push(`${name} <- ${label}: next(${r.err.name}: ${r.err.message}) without a 4xx status`)
    }
  } else if (r.ended && r.status >= 500) problems.push(`${name} <- ${label}: answered ${r.status}`)
  if (r.ended && INTERNALS.test(r.body)) problems.push(`${name} <- ${label}: internals in the response`)
}

test('bad input: middleware ends every hostile request in next() / next(4xx) or a < 500 answer', async () => {
  const problems = []
  let count = 0
  for (const [name, mw] of Object.entries(middlewares)) {
    for (const [where, place] of Object.entries(placements)) {
      for (const [label, make] of Object.entries(BAD)) {
        if (label === 'hugeString' && where !== 'body') continue // node caps headers long before
        count++
        judge(name, `${where}=${label}`, await runMiddleware(mw, place(make())), problems)
      }
    }
  }
  assert.deepStrictEqual(problems, [], `${problems.length} of ${count} requests misbehaved`)
})

test('bad input: json() bodies (raw bytes) never give a 5xx', async () => {
  const bodies = {
    loneSurrogateEscape: '{"a":"\\ud800"}',
    loneSurrogateRaw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    invalidUtf8: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    nul: '{"a":"\u0000"}',
    deep: '['.repeat(100000) + ']'.repeat(100000),
    proto: '{"__proto__":{"x":1}}',
    bigNumber: '{"a":1e400}',
    hugeKey: `{"${'k'.repeat(90000)}":1}`,
    empty: '',
    bom: '\ufeff{}',
    truncated: '{"a":',
    manyKeys: `{${Array.from({ length: 5000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
  }
  const problems = []
  for (const name of ['validate.json', 'validate.json(schema)', 'root.fortify']) {
    for (const [label, body] of Object.entries(bodies)) {
      judge(name, label, await runMiddleware(middlewares[name], () => {}, { body }), problems)
    }
  }
  assert.deepStrictEqual(problems, [])
})

test('bad input: errorHandler renders any thrown value without internals', async () => {
  const handler = subpaths.errors.errorHandler({ logger: silent })
  const problems = []
  for (const [label, make] of Object.entries(BAD)) {
    const r = await runMiddleware(handler, () => {}, { errorArg: { value: make() } })
    // A Proxy whose every trap throws rethrows its own error: the app's value, not ours.
    if (r.hung || (r.threw && r.threw !== TRAP)) problems.push(`${label}: ${r.hung ? 'hung' : r.threw}`)
    else if (r.ended && r.status >= 500 && /proxy trap|inner|at .*:\d+:\d+/.test(r.body)) {
      problems.push(`${label}: a 5xx shows the error: ${r.body}`)
    }
  }
  assert.deepStrictEqual(problems, [])
})

test('regression (found by the body fuzz target): json() parses integers beyond 2^53 as express.json() does', async () => {
  for (const body of [
    '{"c":123456789012345678901234567890}',
    '[9007199254740993,{"n":-18446744073709551616}]',
  ]) {
    let req
    const r = await runMiddleware(middlewares['validate.json'], (q) => (req = q), { body })
    assert.ok(r.next && !r.err, `${body}: ${r.err && r.err.message}`)
    assert.deepStrictEqual(req.body, JSON.parse(body))
  }
})

test('regression: json() names the cause when JSON.parse would accept what rampart refuses', async () => {
  const cases = {
    '{"a":1e400}': /number beyond the double range/,
    '{"a":"\\ud800"}': /lone surrogate/,
    [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('latin1')]: /UTF-8/,
  }
  for (const [text, message] of Object.entries(cases)) {
    const body = Buffer.from(text, 'latin1')
    const r = await runMiddleware(middlewares['validate.json'], () => {}, { body })
    assert.strictEqual(r.err && r.err.status, 400, text)
    assert.match(r.err.message, message, text)
  }
})
