'use strict'
// Every subpath loads both ways (require and import) with the same names, as the contract says.
const test = require('node:test')
const assert = require('node:assert')
const pkg = require('../package.json')

const subpaths = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'rampart' : `rampart/${key.slice(2)}`))

const defaultFunctions = {
  'rampart/sanitize': 'sanitizeHtml',
  'rampart/rate-limit': 'rateLimit',
  'rampart/headers': 'secureHeaders',
  'rampart/cors': 'cors',
}

for (const name of subpaths) {
  test(`${name}: import gives the same named exports as require`, async () => {
    const cjs = require(name)
    const esm = await import(name)
    const cjsNames = Object.keys(cjs).sort()
    const esmNames = Object.keys(esm)
      .filter((k) => k !== 'default')
      .sort()
    assert.ok(cjsNames.length > 0, `${name} exports nothing`)
    assert.deepStrictEqual(esmNames, cjsNames)
    assert.strictEqual(esm.default, cjs)
  })
}

for (const [name, fn] of Object.entries(defaultFunctions)) {
  test(`${name}: require() returns ${fn} itself, with the named exports as properties`, () => {
    const mod = require(name)
    assert.strictEqual(typeof mod, 'function')
    assert.strictEqual(mod[fn], mod)
  })
}

// rampart/audit is a tool for CI, not middleware: it stays off the root.
const OFF_ROOT = ['rampart', 'rampart/audit']

test('rampart: every middleware subpath export is also on the root, plus fortify', () => {
  const root = require('rampart')
  assert.ok(!('audit' in root))
  for (const name of subpaths.filter((n) => !OFF_ROOT.includes(n))) {
    for (const key of Object.keys(require(name)))
      assert.ok(key in root, `${key} of ${name} is missing from rampart`)
  }
  assert.strictEqual(typeof root.fortify, 'function')
})
