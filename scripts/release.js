#!/usr/bin/env node
// Release tooling: the platform packages under npm/, kept in lock-step with the main package
// (the napi-rs layout; this does what `napi pre-publish` and `napi artifacts` do, with one list
// of targets: package.json's napi.targets). The release workflow and the consumer test run
// these same commands.
//
//   node scripts/release.js sync [VERSION]   write npm/<platform>/package.json for every target,
//                                            the main package's optionalDependencies and their
//                                            package-lock.json entries, and VERSION (default:
//                                            package.json's) into package.json, Cargo.toml and
//                                            every platform package
//   node scripts/release.js check            exit 1 when anything is out of step
//   node scripts/release.js artifacts DIR    move every rampart.<platform>.node found under DIR
//                                            into its npm/<platform>/ folder
//   node scripts/release.js pack OUT [--platform NAME --binary FILE]
//                                            pack the main package and every platform
//                                            package that holds its binary
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { PLATFORMS } = require('../lib/native/platform')

const root = path.join(__dirname, '..')
const npmDir = path.join(root, 'npm')
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'))
const writeJson = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)

/** Every shipped platform: `{ target, name, dir, pkg }` from package.json's napi.targets. */
function platforms(pkg = readJson(path.join(root, 'package.json'))) {
  return pkg.napi.targets.map((target) => {
    const name = PLATFORMS[target]
    if (!name) throw new Error(`napi.targets has ${target}, which lib/native/platform.js does not know`)
    return { target, name, dir: path.join(npmDir, name), pkg: `${pkg.napi.binaryName}-${name}` }
  })
}

/** The platform package's package.json, as napi-rs's template writes it. */
function platformManifest(main, { target, name, pkg }) {
  const [platform, cpu, abi] = name.split('-')
  const binary = `${main.napi.binaryName}.${name}.node`
  const manifest = {
    name: pkg,
    version: main.version,
    description: `The ${target} binary of ${main.name}'s native core.`,
    os: [platform],
    cpu: [cpu],
    main: binary,
    files: [binary],
    license: main.license,
    engines: main.engines,
    repository: main.repository,
  }
  if (platform === 'linux') manifest.libc = [abi === 'musl' ? 'musl' : 'glibc']
  return manifest
}

/** The main package's optionalDependencies: every platform package, at the main version. */
function optionalDependencies(main) {
  return Object.fromEntries(platforms(main).map((p) => [p.pkg, main.version]))
}

/**
 * package-lock.json entries for the platform packages, as npm writes them (keys in its order).
 * With them `npm ci` accepts the lock before the packages are published: it skips the ones for
 * other platforms by os/cpu/libc, and an optional one it cannot fetch.
 */
function lockEntries(main) {
  return Object.fromEntries(
    platforms(main).map((p) => {
      const { version, cpu, libc, os } = platformManifest(main, p)
      const entry = { version, cpu, ...(libc ? { libc } : {}), optional: true, os }
      return [`node_modules/${p.pkg}`, entry]
    }),
  )
}

function writeLockEntries(main) {
  const file = path.join(root, 'package-lock.json')
  const lock = readJson(file)
  Object.assign(lock.packages, lockEntries(main))
  writeJson(file, lock)
  // npm puts the root entry's fields and the packages in its own order.
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  })
}

function sync(version) {
  const mainFile = path.join(root, 'package.json')
  const main = readJson(mainFile)
  if (version) {
    main.version = version
    writeJson(mainFile, main)
    const cargo = path.join(root, 'Cargo.toml')
    fs.writeFileSync(
      cargo,
      fs.readFileSync(cargo, 'utf8').replace(/^version = ".*"$/m, `version = "${version}"`),
    )
    // Cargo.lock carries the crate's own version too; cargo rewrites it on the next build.
    execFileSync('cargo', ['update', '--workspace', '--offline'], { cwd: root, stdio: 'inherit' })
  }
  main.optionalDependencies = optionalDependencies(main)
  writeJson(mainFile, main)
  writeLockEntries(main)
  for (const p of platforms(main)) {
    fs.mkdirSync(p.dir, { recursive: true })
    writeJson(path.join(p.dir, 'package.json'), platformManifest(main, p))
    fs.writeFileSync(
      path.join(p.dir, 'README.md'),
      `# ${p.pkg}\n\nThe \`${p.target}\` binary of [${main.name}](https://www.npmjs.com/package/${main.name})'s native core. ` +
        `Install \`${main.name}\`, not this package: npm picks the binary for your machine.\n`,
    )
  }
}

/** Everything out of step, as sentences; empty when the release is consistent. */
function problems() {
  const main = readJson(path.join(root, 'package.json'))
  const found = []
  const cargoVersion = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)[1]
  if (cargoVersion !== main.version) found.push(`Cargo.toml is ${cargoVersion}, package.json ${main.version}`)
  const expected = platforms(main)
  for (const p of expected) {
    const file = path.join(p.dir, 'package.json')
    if (!fs.existsSync(file)) {
      found.push(`npm/${p.name}/package.json is missing`)
      continue
    }
    const have = readJson(file)
    const want = platformManifest(main, p)
    if (JSON.stringify(have) !== JSON.stringify(want))
      found.push(`npm/${p.name}/package.json differs from what \`release.js sync\` writes`)
  }
  if (JSON.stringify(main.optionalDependencies) !== JSON.stringify(optionalDependencies(main)))
    found.push('package.json optionalDependencies differ from what `release.js sync` writes')
  const lock = readJson(path.join(root, 'package-lock.json'))
  for (const [key, entry] of Object.entries(lockEntries(main)))
    if (JSON.stringify(lock.packages[key]) !== JSON.stringify(entry))
      found.push(`package-lock.json ${key} differs from what \`release.js sync\` writes`)
  const names = new Set(expected.map((p) => p.name))
  for (const dir of fs.readdirSync(npmDir))
    if (!names.has(dir)) found.push(`npm/${dir} is not in package.json's napi.targets`)
  return found
}

function artifacts(from) {
  const moved = []
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      const m = entry.name.match(/^[\w-]+\.([a-z0-9]+-[a-z0-9]+(?:-[a-z]+)?)\.node$/)
      if (entry.isFile() && m && fs.existsSync(path.join(npmDir, m[1]))) {
        fs.copyFileSync(file, path.join(npmDir, m[1], entry.name))
        moved.push(`${entry.name} -> npm/${m[1]}/`)
      }
    }
  }
  walk(path.resolve(from))
  return moved
}

/** `npm pack` of a folder into `out`; returns the tarball's path and its file list. */
function npmPack(dir, out) {
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )
  return { file: path.join(out, info.filename), files: info.files.map((f) => f.path) }
}

/**
 * Packs the release into `out`: the main package (without its `prepare` script: a registry
 * install never builds), and each platform package whose binary is present, or the one named
 * by `--platform` with `--binary` (the consumer test's case).
 */
function pack(out, { platform, binary } = {}) {
  out = path.resolve(out)
  fs.mkdirSync(out, { recursive: true })
  const main = readJson(path.join(root, 'package.json'))
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-pack-'))
  try {
    // The main package: npm's own file selection into a staging folder, then the manifest.
    const plain = npmPack(root, stage)
    execFileSync('tar', ['-xzf', plain.file, '-C', stage])
    const staged = path.join(stage, 'package')
    const manifest = readJson(path.join(staged, 'package.json'))
    delete manifest.scripts.prepare // a registry install never builds
    writeJson(path.join(staged, 'package.json'), manifest)
    const packed = { main: npmPack(staged, out), platforms: [] }
    for (const p of platforms(main)) {
      const binaryName = `${main.napi.binaryName}.${p.name}.node`
      let dir = p.dir
      if (p.name === platform) {
        dir = path.join(stage, p.name)
        fs.cpSync(p.dir, dir, { recursive: true })
        fs.copyFileSync(binary, path.join(dir, binaryName))
      } else if (platform || !fs.existsSync(path.join(dir, binaryName))) continue
      packed.platforms.push({ name: p.name, ...npmPack(dir, out) })
    }
    return packed
  } finally {
    fs.rmSync(stage, { recursive: true, force: true })
  }
}

module.exports = { platforms, problems, pack }

if (require.main === module) {
  const [command, arg, ...rest] = process.argv.slice(2)
  const flag = (name) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : undefined)
  if (command === 'sync') sync(arg)
  else if (command === 'check') {
    const found = problems()
    for (const line of found) console.error(`rampart release: ${line}`)
    process.exit(found.length ? 1 : 0)
  } else if (command === 'artifacts' && arg) console.log(artifacts(arg).join('\n'))
  else if (command === 'pack' && arg) {
    const packed = pack(arg, { platform: flag('--platform'), binary: flag('--binary') })
    for (const t of [packed.main, ...packed.platforms]) console.log(t.file)
  } else {
    console.error(
      'usage: node scripts/release.js sync [VERSION] | check | artifacts DIR | pack OUT [--platform NAME --binary FILE]',
    )
    process.exit(2)
  }
}
