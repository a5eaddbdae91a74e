#!/usr/bin/env node
// `npm test`: every check the project has, in one command. Runs them all, then fails if any failed.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { detectPlatform } = require('../lib/native/platform')

const root = path.join(__dirname, '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const inCI = process.env.CI === 'true'
const sharedDir = process.env.RAMPART_SHARED_DIR || path.join(root, '..', 'shared')

if (inCI && !fs.existsSync(sharedDir)) {
  console.error(
    `rampart: CI=true but the shared workloads and conformance suites are missing at ${sharedDir}`,
  )
  process.exit(1)
}
const buildScript = path.join(__dirname, 'build.js')
const build = (args, why) => {
  console.log(`rampart: ${why}`)
  const run = spawnSync(process.execPath, [buildScript, ...args], { cwd: root, stdio: 'inherit' })
  if (run.status !== 0) process.exit(1)
}
if (!fs.existsSync(path.join(root, `rampart.${detectPlatform().name}.node`))) {
  build([], 'the native addon is not built yet; building it (release) first')
}
// The tests' own addon: the same code plus the entry points only tests use (test-hooks), in
// a folder of its own, so the addon the tests load through lib/ is the one that ships.
build(['--features', 'test-hooks', '--out', 'target/test-hooks'], 'building the test-hooks addon')

const steps = [
  ['cargo fmt --check', 'cargo', ['fmt', '--check']],
  ['cargo clippy', 'cargo', ['clippy', '--all-targets', '--all-features', '--', '-D', 'warnings']],
  ['cargo test', 'cargo', ['test']],
  ['eslint', bin('eslint'), ['.']],
  ['prettier --check', bin('prettier'), ['--check', '{lib,__test__,bench,examples,scripts}/**/*.{js,mjs}']],
  ['tsc (types)', bin('tsc'), ['--noEmit', '-p', '__test__/types']],
  ['node --test', process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=120000', '__test__/']],
]

const failed = []
for (const [label, cmd, args] of steps) {
  console.log(`\n=== ${label} ===`)
  const started = Date.now()
  const run = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  const secs = ((Date.now() - started) / 1000).toFixed(1)
  if (run.status !== 0) {
    failed.push(label)
    console.log(`=== ${label}: FAILED (${secs} s) ===`)
  } else {
    console.log(`=== ${label}: ok (${secs} s) ===`)
  }
}
if (failed.length) {
  console.error(`\nrampart: ${failed.length} check(s) failed: ${failed.join(', ')}`)
  process.exit(1)
}
console.log('\nrampart: every check passed')
