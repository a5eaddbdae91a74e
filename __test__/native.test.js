'use strict'
const test = require('node:test')
const assert = require('node:assert')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const native = require('../lib/native')
const hooks = require('./helpers/test-hooks')
const pkg = require('../package.json')
const { normalize } = require('../lib/sanitize/options')

test('the addon loads and matches the package version', () => {
  assert.strictEqual(native.nativeVersion(), pkg.version)
  assert.strictEqual(hooks.nativeVersion(), pkg.version)
})

test('the shipped addon carries no test-only entry point', () => {
  assert.strictEqual(typeof hooks.panicForTest, 'function', 'the test-hooks build has them')
  for (const name of ['panicForTest']) assert.ok(!(name in native), `${name} is in the shipped addon`)
  const policy = new native.HtmlPolicy(JSON.stringify(normalize()))
  for (const name of ['cleanWithAmmonia', 'cleanWithHtml5Ever'])
    assert.strictEqual(policy[name], undefined, `HtmlPolicy.${name} is in the shipped addon`)
})

test('a panic in native code becomes a JS Error and the process lives on', () => {
  assert.throws(
    () => hooks.panicForTest('deliberate'),
    (err) => err instanceof Error && /deliberate/.test(err.message),
  )
  // The same in a child process, to prove it exits normally rather than with SIGABRT.
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      "try { require('./__test__/helpers/test-hooks').panicForTest('x') } catch { console.log('alive') }",
    ],
    { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, RUST_BACKTRACE: '0' } },
  )
  assert.strictEqual(child.signal, null)
  assert.strictEqual(child.status, 0)
  assert.match(child.stdout, /alive/)
})
