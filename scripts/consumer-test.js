#!/usr/bin/env node
// The consumer test: rampart as a user gets it. Packs the release, installs the tarballs into
// a fresh app outside the repository with npm's defaults and no Rust toolchain on PATH, then
// requires and imports every subpath and sends a small fortified app real HTTP. The node:test
// suite (__test__/consumer.test.js) drives these steps on every Node major; the release
// workflow runs this file as its Alpine smoke test of the musl build.
//
//   node scripts/consumer-test.js [--tarballs DIR] [--node BIN]
'use strict'
const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { detectPlatform } = require('../lib/native/platform')

const root = path.join(__dirname, '..')
const fixtures = path.join(root, '__test__', 'fixtures', 'consumer')

/** PATH with every folder that holds cargo or rustc taken out: the user has no Rust. */
function pathWithoutRust() {
  return process.env.PATH.split(path.delimiter)
    .filter((dir) => !['cargo', 'rustc'].some((bin) => fs.existsSync(path.join(dir, bin))))
    .join(path.delimiter)
}

/** The release tarballs for this machine: the main package and the host's platform package. */
function packRelease(out) {
  const { pack } = require('./release')
  const name = detectPlatform().name
  return pack(out, { platform: name, binary: path.join(root, `rampart.${name}.node`) })
}

function npm(args, cwd, env = {}) {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: pathWithoutRust(),
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  })
}

/** A fresh app in `dir` with the given packages installed by npm's defaults. */
function makeApp(dir, packages) {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }, null, 2),
  )
  for (const file of fs.readdirSync(fixtures))
    fs.copyFileSync(path.join(fixtures, file), path.join(dir, file))
  npm(['install', ...packages], dir)
  return dir
}

function runNode(node, file, cwd, env = {}) {
  return execFileSync(node, [file], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: pathWithoutRust(), ...env },
    timeout: 60_000,
  })
}

/** Starts the fixture server with `node`; resolves `{ url, node, stop }` once it listens. */
function startServer(node, cwd) {
  const child = spawn(node, ['server.cjs'], { cwd, env: { ...process.env, PATH: pathWithoutRust() } })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`the consumer app did not start in 20 s: ${stderr}`))
    }, 20_000)
    child.once('exit', (code) => reject(new Error(`the consumer app exited (${code}): ${stderr}`)))
    child.stdout.once('data', (line) => {
      clearTimeout(timer)
      const { port, node: version } = JSON.parse(String(line).split('\n')[0])
      resolve({ url: `http://127.0.0.1:${port}`, node: version, stop: () => child.kill() })
    })
  })
}

/** What the fortified app answers: the statuses and bodies the test asserts on. */
async function exerciseServer(url) {
  const { token } = await (await fetch(`${url}/token`)).json()
  const me = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })
  const noToken = await fetch(`${url}/me`)
  const badToken = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token.slice(0, -2)}xx` } })
  const post = (p, body) =>
    fetch(`${url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const created = await post('/items', { name: 'pen' })
  const invalid = await post('/items', { name: 'pen', admin: true })
  const html = await post('/html', {
    html: '<p onclick="x()">hi<script>alert(1)</script><a href="javascript:x">l</a></p>',
  })
  const limited = []
  for (let i = 0; i < 3; i++) limited.push((await fetch(`${url}/limited`)).status)
  return {
    me: { status: me.status, body: await me.json() },
    noToken: noToken.status,
    badToken: badToken.status,
    created: { status: created.status, body: await created.json() },
    invalid: { status: invalid.status, type: invalid.headers.get('content-type') },
    html: await html.text(),
    limited,
    headers: { csp: me.headers.get('content-security-policy'), poweredBy: me.headers.get('x-powered-by') },
  }
}

/** Every check the CLI makes, as failures (empty when the app works). */
async function checkApp(node, dir) {
  const failures = []
  const cjs = JSON.parse(runNode(node, 'exports.cjs', dir))
  const esm = JSON.parse(runNode(node, 'exports.mjs', dir))
  for (const name of Object.keys(cjs)) {
    const a = cjs[name].filter((k) => !(esm[name] || []).includes(k))
    const b = (esm[name] || []).filter((k) => !cjs[name].includes(k))
    if (a.length || b.length) failures.push(`${name}: only require() has [${a}], only import has [${b}]`)
  }
  for (const [name, keys] of Object.entries(cjs)) if (!keys.length) failures.push(`${name} exports nothing`)
  const server = await startServer(node, dir)
  try {
    const r = await exerciseServer(server.url)
    if (r.me.status !== 200 || r.me.body.sub !== 'alice') failures.push(`JWT route: ${r.me.status}`)
    if (r.noToken !== 401 || r.badToken !== 401)
      failures.push(`JWT route without a good token: ${r.noToken}, ${r.badToken}`)
    if (r.created.status !== 201) failures.push(`json({ schema }): ${r.created.status}`)
    if (r.invalid.status !== 400) failures.push(`json({ schema }) with a bad body: ${r.invalid.status}`)
    if (r.html !== '<p>hi<a>l</a></p>') failures.push(`sanitized HTML: ${r.html}`)
    if (r.limited.join() !== '200,200,429') failures.push(`rate limit: ${r.limited.join()}`)
    return { failures, cjs, result: r, node: server.node }
  } finally {
    server.stop()
  }
}

module.exports = {
  pathWithoutRust,
  packRelease,
  npm,
  makeApp,
  runNode,
  startServer,
  exerciseServer,
  checkApp,
}

if (require.main === module) {
  const args = process.argv.slice(2)
  const flag = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-consumer-'))
  ;(async () => {
    const tarballs = flag('--tarballs')
      ? fs
          .readdirSync(flag('--tarballs'))
          .filter((f) => f.endsWith('.tgz'))
          .map((f) => path.resolve(flag('--tarballs'), f))
      : (({ main, platforms }) => [main.file, ...platforms.map((p) => p.file)])(
          packRelease(path.join(work, 'dist')),
        )
    const dir = makeApp(path.join(work, 'app'), [...tarballs, 'express@5'])
    const { failures, node } = await checkApp(flag('--node') || process.execPath, dir)
    for (const f of failures) console.error(`consumer test: ${f}`)
    console.log(
      failures.length ? `consumer test failed on Node ${node}` : `consumer test passed on Node ${node}`,
    )
    process.exitCode = failures.length ? 1 : 0
  })()
    .catch((err) => {
      console.error(err)
      process.exitCode = 1
    })
    .finally(() => fs.rmSync(work, { recursive: true, force: true }))
}
