'use strict'
// The load generators of the end-to-end benchmark, behind one function each:
//   autocannon (a devDependency; runs inside this process) and
//   wrk (Debian's `wrk` package, a C program; used when it is on PATH, or E2E_LOADGEN=wrk).
// autocannon is one JavaScript thread: on a small machine it saturates before a fast server
// does, and every stack then looks alike. wrk keeps the server the bottleneck.
// Both return { reqPerSec, p50, p99 (ms), requests, non2xx, errors }.
const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

function hasCommand(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  return found.status === 0 && found.stdout.trim() !== ''
}

/** 'wrk' or 'autocannon': E2E_LOADGEN if set, else wrk when it is installed. */
function chooseLoadGenerator(env = process.env) {
  const wanted = (env.E2E_LOADGEN || '').trim()
  if (wanted === 'wrk' || wanted === 'autocannon') {
    if (wanted === 'wrk' && !hasCommand('wrk')) {
      throw new Error('E2E_LOADGEN=wrk but wrk is not on PATH (Debian/Ubuntu: apt-get install wrk)')
    }
    return wanted
  }
  if (wanted) throw new Error(`E2E_LOADGEN must be wrk or autocannon, not ${JSON.stringify(wanted)}`)
  return hasCommand('wrk') ? 'wrk' : 'autocannon'
}

async function autocannonLoad({ url, method, headers, body, connections, duration }) {
  const autocannon = require('autocannon')
  const r = await autocannon({ url, method, headers, body, connections, duration })
  return {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  }
}

/** A Lua long-bracket string that cannot be closed by the text inside it. */
function luaString(text) {
  let level = ''
  while (text.includes(`]${level}]`)) level += '='
  return `[${level}[${text}]${level}]`
}

function wrkScript({ method, headers, body }) {
  const lines = [`wrk.method = ${luaString(method)}`]
  for (const [name, value] of Object.entries(headers)) {
    // The spaces matter: `t[[[x]]]` would read as a call with a long string.
    lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`)
  }
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`)
  return `${lines.join('\n')}\n`
}

/** wrk's "1.23ms" / "850.00us" / "1.02s" → milliseconds. */
function wrkDuration(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim())
  if (!m) return NaN
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]]
  return Math.round(Number(m[1]) * scale * 1000) / 1000
}

function parseWrkOutput(out) {
  const num = (re) => {
    const m = re.exec(out)
    return m ? Number(m[1]) : 0
  }
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  return {
    reqPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    p50: wrkDuration((/^\s+50%\s+(\S+)/m.exec(out) || [])[1] || ''),
    p99: wrkDuration((/^\s+99%\s+(\S+)/m.exec(out) || [])[1] || ''),
    requests: num(/^\s*(\d+) requests in/m),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/),
    errors: socket ? socket.slice(1).reduce((a, x) => a + Number(x), 0) : 0,
  }
}

async function wrkLoad({ url, method, headers, body, connections, duration, cpus }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-wrk-'))
  const script = path.join(dir, 'request.lua')
  fs.writeFileSync(script, wrkScript({ method, headers, body }))
  const threads = Math.max(1, Math.min(connections, cpus ? cpus.length : os.cpus().length))
  // wrk takes whole seconds.
  const seconds = Math.max(1, Math.round(duration))
  const args = [
    '-t',
    String(threads),
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '--latency',
    '-s',
    script,
    url,
  ]
  const [cmd, argv] = cpus ? ['taskset', ['-c', cpus.join(','), 'wrk', ...args]] : ['wrk', args]
  try {
    const out = await new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
      let text = ''
      child.stdout.on('data', (c) => (text += c))
      child.stderr.on('data', (c) => (text += c))
      child.once('error', reject)
      child.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`)),
      )
    })
    return parseWrkOutput(out)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function loader(kind) {
  return kind === 'wrk' ? wrkLoad : autocannonLoad
}

module.exports = { chooseLoadGenerator, loader, parseWrkOutput, wrkScript, luaString, hasCommand }
