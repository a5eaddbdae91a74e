'use strict'
// The test-hooks addon (built by `npm test` with the cargo feature `test-hooks`): the shipped
// code plus the entry points only tests use — a deliberate panic, and the sanitizer's
// reference paths (html5ever for everything, ammonia alone). The addon under lib/ never has them.
const fs = require('node:fs')
const path = require('node:path')
const { detectPlatform } = require('../../lib/native/platform')

const file = path.join(__dirname, '..', '..', 'target', 'test-hooks', `rampart.${detectPlatform().name}.node`)
if (!fs.existsSync(file)) {
  throw new Error(
    `the test-hooks addon is missing at ${file}: run \`npm test\`, or \`node scripts/build.js --features test-hooks --out target/test-hooks\``,
  )
}
module.exports = require(file)
