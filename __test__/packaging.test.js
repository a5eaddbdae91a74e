'use strict'
// The release layout stays in lock-step, and a clean install leaves the clone as it was.
const test = require('node:test')
const assert = require('node:assert')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { problems, platforms } = require('../scripts/release')
const { PLATFORMS } = require('../lib/native/platform')
const pkg = require('../package.json')

const root = path.join(__dirname, '..')

test('every napi target has its platform package under npm/, at the main version', () => {
  assert.deepStrictEqual(problems(), [])
  assert.deepStrictEqual(
    pkg.optionalDependencies,
    Object.fromEntries(platforms().map((p) => [p.pkg, pkg.version])),
    'the main package lists every platform package in optionalDependencies',
  )
  assert.deepStrictEqual(
    platforms().map((p) => p.pkg),
    [
      'rampart-linux-x64-gnu',
      'rampart-linux-x64-musl',
      'rampart-linux-arm64-gnu',
      'rampart-linux-arm64-musl',
      'rampart-darwin-x64',
      'rampart-darwin-arm64',
      'rampart-win32-x64-msvc',
    ],
  )
  for (const p of platforms()) {
    const manifest = JSON.parse(fs.readFileSync(path.join(p.dir, 'package.json'), 'utf8'))
    assert.strictEqual(manifest.version, pkg.version)
    assert.strictEqual(manifest.main, `rampart.${p.name}.node`)
  }
})

test('the loader knows every target the release builds, by the name the build gives it', () => {
  assert.deepStrictEqual(Object.keys(PLATFORMS).sort(), [...pkg.napi.targets].sort())
})

test('the release check catches a platform package out of step', () => {
  const file = path.join(root, 'npm', 'darwin-arm64', 'package.json')
  const original = fs.readFileSync(file, 'utf8')
  try {
    fs.writeFileSync(file, original.replace(`"version": "${pkg.version}"`, '"version": "0.0.0-stale"'))
    assert.deepStrictEqual(problems(), [
      'npm/darwin-arm64/package.json differs from what `release.js sync` writes',
    ])
  } finally {
    fs.writeFileSync(file, original)
  }
})

test('npm install leaves package-lock.json as committed', { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-lock-'))
  try {
    for (const f of ['package.json', 'package-lock.json'])
      fs.copyFileSync(path.join(root, f), path.join(dir, f))
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'ignore',
      timeout: 170_000,
    })
    const before = fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')
    const after = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')
    assert.ok(before === after, 'npm install rewrote package-lock.json: commit the lock npm writes')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
