'use strict'
// The loader's contract, in child processes with a fresh module cache: the pure-JS subpaths
// work with no addon at all; every native-backed function or middleware throws the loader's
// error when it is created (start-up), never later on a request; the error names the
// platform, the package looked for and the fix; a binary of another version is refused.
const test = require('node:test')
const assert = require('node:assert')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { detectPlatform } = require('../lib/native/platform')

const root = path.join(__dirname, '..')
const here = detectPlatform()

function run(code, env = {}, cwd = root) {
  const child = spawnSync(process.execPath, ['-e', code], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  })
  assert.strictEqual(child.status, 0, child.stderr)
  return JSON.parse(child.stdout.trim().split('\n').pop())
}

const MISSING = { RAMPART_NATIVE_PATH: path.join(os.tmpdir(), 'rampart-no-such-addon.node') }

// Each native-backed factory, as an app calls it at start-up.
const FACTORIES = {
  'jwt.sign': "require('./lib/jwt').sign({ a: 1 }, 'k'.repeat(32))",
  'jwt.verify': "require('./lib/jwt').verify('a.b.c', 'k'.repeat(32))",
  'jwt.createSigner': "require('./lib/jwt').createSigner({ key: 'k'.repeat(32) })",
  'jwt.createVerifier': "require('./lib/jwt').createVerifier({ key: 'k'.repeat(32) })",
  'jwt.jwtAuth (secret)': "require('./lib/jwt').jwtAuth({ secret: 'k'.repeat(32), algorithms: ['HS256'] })",
  'jwt.jwtAuth (secret function)':
    "require('./lib/jwt').jwtAuth({ secret: async () => 'k'.repeat(32), algorithms: ['HS256'] })",
  'validate.compile': "require('./lib/validate').compile({ type: 'object' })",
  'validate.validate': "require('./lib/validate').validate({ body: { type: 'object' } })",
  'validate.json': "require('./lib/validate').json()",
  'validate.json (schema)': "require('./lib/validate').json({ schema: { type: 'object' } })",
  'sanitize.sanitizeHtml': "require('./lib/sanitize')('<b>x</b>')",
  'sanitize.createSanitizer': "require('./lib/sanitize').createSanitizer({})",
  'sanitize.sanitize': "require('./lib/sanitize').sanitize()",
  'rate-limit.rateLimit': "require('./lib/rate-limit')({ windowMs: 1000, limit: 1 })",
  'rate-limit.MemoryStore': "new (require('./lib/rate-limit').MemoryStore)()",
  fortify: "require('./lib/index').fortify()",
}

test('with no addon, headers, cors, errors and the root load and work', () => {
  const out = run(
    `
    const http = require('node:http')
    const secureHeaders = require('./lib/headers')
    const cors = require('./lib/cors')
    const { errorHandler, HttpError, events } = require('./lib/errors')
    const root = require('./lib/index')
    const res = new http.ServerResponse(new http.IncomingMessage(null))
    const req = { method: 'GET', headers: { origin: 'https://a.example' }, url: '/' }
    secureHeaders()(req, res, () => {})
    cors({ origin: 'https://a.example' })(req, res, () => {})
    console.log(JSON.stringify({
      csp: res.getHeader('content-security-policy'),
      acao: res.getHeader('access-control-allow-origin'),
      errors: typeof errorHandler() === 'function' && new HttpError(404).status,
      events: typeof events.on,
      rootNames: Object.keys(root).length,
    }))`,
    MISSING,
  )
  assert.match(out.csp, /default-src 'self'/)
  assert.strictEqual(out.acao, 'https://a.example')
  assert.strictEqual(out.errors, 404)
  assert.strictEqual(out.events, 'function')
  assert.ok(out.rootNames > 20)
})

test('the pure-JS subpaths never load the addon', () => {
  const out = run(`
    require('./lib/headers'); require('./lib/cors'); require('./lib/errors'); require('./lib/events'); require('./lib/index')
    console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.endsWith('.node')).length))`)
  assert.strictEqual(out, 0)
})

for (const [name, code] of Object.entries(FACTORIES)) {
  test(`with no addon, ${name} throws the loader's error when created`, () => {
    const out = run(
      `let out
      try { ${code}; out = { threw: false } } catch (err) { out = { threw: true, name: err.name, code: err.code, message: err.message } }
      console.log(JSON.stringify(out))`,
      MISSING,
    )
    assert.strictEqual(out.threw, true, `${name} was created without the addon`)
    assert.strictEqual(out.name, 'NativeLoadError', out.message)
    assert.strictEqual(out.code, 'RAMPART_NATIVE_LOAD')
  })
}

test("the loader's error names the platform, arch, libc, the package, the cause and the fix", () => {
  const out = run(
    `try { require('./lib/jwt').createVerifier({ key: 'k'.repeat(32) }) } catch (err) { console.log(JSON.stringify(err.message)) }`,
    MISSING,
  )
  assert.match(out, new RegExp(`platform ${here.platform}, arch ${here.arch}`))
  if (here.libc) assert.match(out, new RegExp(`libc ${here.libc}`))
  assert.match(out, new RegExp(`rampart-${here.name}`))
  assert.match(out, /Cannot find module|ENOENT|no such file/i, 'the underlying require error')
  assert.match(out, /--omit=optional/)
  assert.match(out, /npx rampart-build/)
})

test('a binary of another version is refused when a native-backed function is created', () => {
  // A copy of the package whose JS says 9.9.9, with today's binary (which says the real version).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-mismatch-'))
  try {
    fs.cpSync(path.join(root, 'lib'), path.join(dir, 'lib'), { recursive: true })
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version: '9.9.9' }))
    const binary = `rampart.${here.name}.node`
    fs.copyFileSync(path.join(root, binary), path.join(dir, binary))
    const out = run(
      `try { require('./lib/jwt').createVerifier({ key: 'k'.repeat(32) }); console.log('{}') } catch (err) { console.log(JSON.stringify({ name: err.name, message: err.message })) }`,
      {},
      dir,
    )
    assert.strictEqual(out.name, 'NativeLoadError')
    assert.match(
      out.message,
      new RegExp(`is version ${pkg.version}, but the rampart JavaScript package is 9\\.9\\.9`),
    )
    assert.match(out.message, /npm install rampart@9\.9\.9/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
