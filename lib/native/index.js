'use strict'
// The one place that loads the compiled addon. It looks, in order, at RAMPART_NATIVE_PATH,
// a binary built inside this package (a clone, or `npx rampart-build`), and the prebuilt
// platform package from optionalDependencies. The addon's version must equal the JS
// package's. When nothing loads, every property read throws the loader's error: the pure-JS
// subpaths never touch it, and every native-backed function or middleware reads what it
// needs when it is created, so the error surfaces at start-up, never on a request.
const fs = require('node:fs')
const path = require('node:path')
const { detectPlatform } = require('./platform')

const root = path.join(__dirname, '..', '..')
const { version } = require('../../package.json')

class NativeLoadError extends Error {
  constructor(message, cause) {
    super(message, { cause })
    this.name = 'NativeLoadError'
    this.code = 'RAMPART_NATIVE_LOAD'
  }
}

function describe(err) {
  return String((err && err.message) || err).split('\n')[0]
}

function load() {
  const where = detectPlatform()
  const packageName = `rampart-${where.name}`
  const localFile = path.join(root, `rampart.${where.name}.node`)
  const tried = []
  const candidates = process.env.RAMPART_NATIVE_PATH
    ? [['RAMPART_NATIVE_PATH', path.resolve(process.env.RAMPART_NATIVE_PATH)]]
    : [
        ['a local build', fs.existsSync(localFile) ? localFile : null],
        ['the platform package', packageName],
      ]
  for (const [label, id] of candidates) {
    if (!id) continue
    let addon
    try {
      addon = require(id)
    } catch (err) {
      tried.push(`${label} (${id}): ${describe(err)}`)
      continue
    }
    const built = typeof addon.nativeVersion === 'function' ? addon.nativeVersion() : 'unknown'
    if (built !== version) {
      throw new NativeLoadError(
        `rampart: the native addon loaded from ${label} (${id}) is version ${built}, but the rampart JavaScript package is ${version}. ` +
          `Both must come from one release: reinstall with \`npm install rampart@${version}\` (which installs ${packageName}@${version}), ` +
          'or rebuild the addon from source with `npx rampart-build`.',
      )
    }
    return addon
  }
  const libc = where.libc ? `, libc ${where.libc}` : ''
  throw new NativeLoadError(
    `rampart: no native addon for this machine (platform ${where.platform}, arch ${where.arch}${libc}). ` +
      `It looked for the package ${packageName}` +
      (process.env.RAMPART_NATIVE_PATH ? ' as RAMPART_NATIVE_PATH says' : '') +
      ` and found: ${tried.length ? tried.join('; ') : `no local build at ${localFile}, and no ${packageName}`}. ` +
      `To fix it: reinstall without \`--omit=optional\` / \`--no-optional\` so npm installs ${packageName}; ` +
      'or, where no prebuilt binary exists for this platform, install a Rust toolchain (https://rustup.rs) and run `npx rampart-build` in your app to build it from source. ' +
      'rampart/headers, rampart/cors and rampart/errors work without the addon.',
  )
}

// Loaded on the first property read, not at require: `require('rampart')` costs no dlopen, and
// an app that uses only the pure-JS parts never loads the addon. The first read copies the
// addon's functions onto `native` itself, so every later read is a plain own-property read.
const native = {}
let failure = null
Object.setPrototypeOf(
  native,
  new Proxy(Object.create(null), {
    get(_, name) {
      // Promise resolution and util.inspect probe these; they must not load or throw.
      if (name === 'then' || typeof name === 'symbol') return undefined
      if (!failure) {
        try {
          const addon = load()
          Object.setPrototypeOf(native, Object.prototype)
          for (const key of Object.getOwnPropertyNames(addon)) native[key] = addon[key]
          return native[name]
        } catch (err) {
          failure = err instanceof NativeLoadError ? err : new NativeLoadError(describe(err), err)
        }
      }
      throw failure
    },
  }),
)

module.exports = native
