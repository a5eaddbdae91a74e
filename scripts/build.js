#!/usr/bin/env node
// Builds the native addon from source into `rampart.<platform>.node` at the package root,
// where lib/native loads it first. Used by `npm install` in a clone ("prepare"), by users on
// a platform with no prebuilt binary (`npx rampart-build` in their app, which builds inside
// node_modules/rampart), and by the release workflow.
// Usage: node scripts/build.js [--debug | --profile NAME] [--target TRIPLE] [--features LIST] [--out DIR]
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { PLATFORMS, detectPlatform } = require('../lib/native/platform')

const root = path.join(__dirname, '..')
const args = process.argv.slice(2)
const option = (name) => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' })
if (cargo.error || cargo.status !== 0) {
  console.error(
    'rampart: building the native addon needs a Rust toolchain (cargo was not found on PATH); install it from https://rustup.rs and run this again.',
  )
  process.exit(1)
}

const profile = args.includes('--debug') ? 'debug' : option('--profile') || 'release'
const target = option('--target')
const features = option('--features')
const platformName = target ? PLATFORMS[target] : detectPlatform().name
if (!platformName) {
  console.error(`rampart: unknown target ${target}; known: ${Object.keys(PLATFORMS).join(', ')}`)
  process.exit(1)
}
const outDir = path.resolve(root, option('--out') || '.')
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.join(root, 'target')

const cargoArgs = ['build', '--lib', '--locked']
if (profile === 'release') cargoArgs.push('--release')
else if (profile !== 'debug') cargoArgs.push('--profile', profile)
if (target) cargoArgs.push('--target', target)
if (features) cargoArgs.push('--features', features)

const started = Date.now()
console.log(
  `rampart: building the native addon (cargo ${cargoArgs.join(' ')}); a cold release build takes several minutes`,
)
const build = spawnSync('cargo', cargoArgs, { cwd: root, stdio: 'inherit' })
if (build.status !== 0) {
  console.error('rampart: the native build failed (see the cargo output above).')
  process.exit(build.status || 1)
}

// cargo names the library by the OS's convention; Node loads it by any name ending in .node.
const os = platformName.split('-')[0]
const library = { win32: 'rampart.dll', darwin: 'librampart.dylib' }[os] || 'librampart.so'
const built = path.join(targetDir, ...(target ? [target] : []), profile, library)
fs.mkdirSync(outDir, { recursive: true })
const dest = path.join(outDir, `rampart.${platformName}.node`)
// Copy to a temporary name and rename, so a running process never sees half a file.
fs.copyFileSync(built, `${dest}.tmp`)
fs.renameSync(`${dest}.tmp`, dest)
console.log(`rampart: ${dest} built in ${((Date.now() - started) / 1000).toFixed(0)} s`)

// Built inside an app's node_modules: the cargo cache (about a gigabyte) is of no further use.
if (!process.env.CARGO_TARGET_DIR && root.split(path.sep).includes('node_modules')) {
  fs.rmSync(targetDir, { recursive: true, force: true })
}
