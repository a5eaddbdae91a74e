#!/usr/bin/env node
// Builds the native addon from source (run by `npm install` through "prepare").
// Usage: node scripts/build.js [--debug | --profile NAME]
'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')
const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' })
if (cargo.error || cargo.status !== 0) {
  console.error(
    'rampart: building the native addon needs a Rust toolchain (cargo was not found on PATH); install it from https://rustup.rs and run `npm install` again.',
  )
  process.exit(1)
}

const args = process.argv.slice(2)
const profileAt = args.indexOf('--profile')
const profileArgs = args.includes('--debug')
  ? []
  : profileAt >= 0
    ? ['--profile', args[profileAt + 1]]
    : ['--release']

let cli
try {
  cli = path.join(path.dirname(require.resolve('@napi-rs/cli/package.json')), 'dist', 'cli.js')
} catch {
  console.error('rampart: @napi-rs/cli is missing; run `npm install` in the project folder first.')
  process.exit(1)
}

const started = Date.now()
console.log(
  `rampart: building the native addon (${profileArgs.join(' ') || 'debug'}); a cold release build takes several minutes`,
)
const build = spawnSync(
  process.execPath,
  [cli, 'build', '--platform', '--js', 'native.js', '--dts', 'native.d.ts', ...profileArgs],
  { cwd: root, stdio: 'inherit' },
)
if (build.status !== 0) {
  console.error('rampart: the native build failed (see the cargo output above).')
  process.exit(build.status || 1)
}
console.log(`rampart: native addon built in ${((Date.now() - started) / 1000).toFixed(0)} s`)
