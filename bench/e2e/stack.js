'use strict'
// Process management for the end-to-end benchmark and the soak test: start an example server in
// its own process, learn its port, log in, and stop it again.
const { spawn, spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const ROOT = path.join(__dirname, '..', '..')
const SERVE = path.join(__dirname, 'serve.js')
const NO_CREATE_APP = 64 // serve.js's exit code when the module has no createApp()

/** Settings that make every stack measurable under load: limits far above what a run sends. */
function benchEnv(extra = {}) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: process.env.JWT_SECRET || crypto.randomBytes(32).toString('base64url'),
    RATE_LIMIT_MAX: process.env.RATE_LIMIT_MAX || '1000000000',
    LOGIN_RATE_LIMIT_MAX: process.env.LOGIN_RATE_LIMIT_MAX || '1000000',
    ...extra,
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function waitForPort(port, deadline) {
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1')
      sock.once('connect', () => {
        sock.destroy()
        resolve(true)
      })
      sock.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nothing listens on port ${port}`)
}

/**
 * Starts `modulePath` in a child process. Modules that export createApp() go through serve.js
 * (port 0, reported on stdout); others run as the main script with a free PORT.
 * @returns {Promise<{name, pid, port, url, child, output: () => string, stop: () => Promise<void>}>}
 */
async function startStack(name, modulePath, options = {}) {
  const file = path.resolve(ROOT, modulePath)
  try {
    return await spawnServer(name, file, [SERVE, file], 0, options)
  } catch (err) {
    if (err.code !== NO_CREATE_APP) throw err
    const port = await freePort()
    return spawnServer(name, file, [file], port, options)
  }
}

async function spawnServer(name, file, args, port0, { env = {}, timeoutMs = 20000, cpus = null } = {}) {
  const viaServe = args[0] === SERVE
  // With a CPU plan, the server runs on its own cores (taskset execs node: same pid).
  const [cmd, argv] = cpus
    ? ['taskset', ['-c', cpus.join(','), process.execPath, ...args]]
    : [process.execPath, args]
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    env: benchEnv({ ...env, PORT: String(port0) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000)
  }
  child.stderr.on('data', keep)
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))

  let port
  try {
    port = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${timeoutMs} ms`)),
        timeoutMs,
      )
      let buffered = ''
      child.stdout.on('data', (chunk) => {
        keep(chunk)
        buffered += chunk
        const m = /E2E_LISTENING (\d+)/.exec(buffered)
        if (m && viaServe) {
          clearTimeout(timer)
          resolve(Number(m[1]))
        }
      })
      exited.then(({ code, signal }) => {
        clearTimeout(timer)
        const lines = output.trim().split('\n')
        const cause = lines.find((l) => /\b\w*Error\b/.test(l)) || lines[lines.length - 1] || 'no output'
        const err = new Error(
          `${name} exited (${signal || code}) before listening: ${cause.trim()}\n${output.trim()}`,
        )
        err.code = code
        reject(err)
      })
      if (!viaServe) {
        waitForPort(port0, Date.now() + timeoutMs).then(
          () => {
            clearTimeout(timer)
            resolve(port0)
          },
          () => {},
        )
      }
    })
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  // After start-up, drain stdout so a chatty server never blocks on a full pipe.
  child.stdout.on('data', () => {})

  return {
    name,
    module: path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file),
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}

/**
 * Which CPUs the servers and the load generator get, so they do not fight over the same
 * cores: the upper half for the server under test, the lower half for the load. null
 * (no pinning) with fewer than 2 CPUs, without taskset (util-linux), or with E2E_PIN=0.
 */
function cpuPlan(env = process.env) {
  if (env.E2E_PIN === '0') return null
  const count = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  if (count < 2) return null
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' })
  if (probe.status !== 0) return null
  const all = Array.from({ length: count }, (_, i) => i)
  const split = Math.floor(count / 2)
  return { load: all.slice(0, split), server: all.slice(split) }
}

/** Pins this process (every thread) to `cpus`; false when that is not possible. */
function pinSelf(cpus) {
  const run = spawnSync('taskset', ['-a', '-p', '-c', cpus.join(','), String(process.pid)], {
    stdio: 'ignore',
  })
  return run.status === 0
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (Linux; the
 * kernel counts in clock ticks of 10 ms). NaN where /proc is not available.
 */
function cpuTimeMs(pid) {
  try {
    const stat = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return NaN
  }
}

const DEFAULT_LOGINS = {
  admin: { username: 'admin', password: 'admin-pass' },
  user: { username: 'alice', password: 'alice-pass' },
}

/**
 * Logs in as `who` ('admin' or 'user'); E2E_LOGIN_ADMIN / E2E_LOGIN_USER (JSON bodies) override
 * the demo credentials. Returns the token, or null with the reason when the server refuses.
 */
async function login(stack, who) {
  const override = process.env[`E2E_LOGIN_${who.toUpperCase()}`]
  const body = override ? JSON.parse(override) : DEFAULT_LOGINS[who]
  try {
    const res = await fetch(`${stack.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) return { token: null, reason: `POST /login answered ${res.status}` }
    let data = {}
    try {
      data = JSON.parse(text)
    } catch {
      return { token: null, reason: 'POST /login did not answer JSON' }
    }
    const token = data.token || data.accessToken || data.access_token
    return token ? { token } : { token: null, reason: 'POST /login answered no token' }
  } catch (err) {
    return { token: null, reason: `POST /login failed: ${err.message}` }
  }
}

module.exports = { startStack, login, benchEnv, cpuTimeMs, cpuPlan, pinSelf, ROOT }
