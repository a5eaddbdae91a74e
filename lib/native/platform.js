'use strict'
// Which prebuilt binary fits this machine: the napi-rs platform name (`linux-x64-gnu`, ...),
// derived once. The loader, the build script and the packaging script all use this file, so
// the name a binary is built under is the name it is looked up by.
const fs = require('node:fs')

/** Rust target triple → napi-rs platform name, for every target rampart ships. */
const PLATFORMS = Object.freeze({
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc',
})

/**
 * `'glibc'`, `'musl'` or `null` (not Linux). Node's own report says which C library it was
 * built against; where that is unavailable, ldd names the system one.
 */
function detectLibc() {
  if (process.platform !== 'linux') return null
  try {
    if (process.report.getReport().header.glibcVersionRuntime) return 'glibc'
  } catch {
    // no report support: ldd decides
  }
  try {
    return /musl/.test(fs.readFileSync('/usr/bin/ldd', 'utf8')) ? 'musl' : 'glibc'
  } catch {
    return 'glibc'
  }
}

/** What this machine is: `{ platform, arch, libc, name }`; `name` is the napi-rs platform name. */
function detectPlatform() {
  const { platform, arch } = process
  const libc = detectLibc()
  let name = `${platform}-${arch}`
  if (platform === 'linux') name += libc === 'musl' ? '-musl' : '-gnu'
  else if (platform === 'win32') name += '-msvc'
  return { platform, arch, libc, name }
}

module.exports = { PLATFORMS, detectPlatform }
