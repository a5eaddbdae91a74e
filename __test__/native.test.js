'use strict'
const test = require('node:test')
const assert = require('node:assert')
const { spawnSync } = require('node:child_process')
const native = require('../lib/native')
const pkg = require('../package.json')

test('the addon loads and matches the package version', () => {
  assert.strictEqual(native.nativeVersion(), pkg.version)
})

test('a panic in native code becomes a JS Error and the process lives on', () => {
  assert.throws(
    () => native.panicForTest('deliberate'),
    (err) => err instanceof Error && /deliberate/.test(err.message),
  )
  // The same in a child process, to prove it exits normally rather than with SIGABRT.
  const child = spawnSync(
    process.execPath,
    ['-e', "try { require('./lib/native').panicForTest('x') } catch { console.log('alive') }"],
    {
      cwd: require('node:path').join(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, RUST_BACKTRACE: '0' },
    },
  )
  assert.strictEqual(child.signal, null)
  assert.strictEqual(child.status, 0)
  assert.match(child.stdout, /alive/)
})
