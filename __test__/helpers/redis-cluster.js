'use strict'
// Starts a throwaway Redis Cluster (3 primaries, 3 replicas) from the machine's
// redis-server: temp dirs, loopback ports, `redis-cli --cluster create`, bounded in time.
// stop() kills every node and removes the dirs; a detached watchdog does the same if this
// process dies without calling it (a test runner's timeout kill, a crash).
const { spawn, spawnSync, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

/** Why the cluster cannot run here, or null when redis-server and redis-cli are installed. */
function missingRedis() {
  for (const bin of ['redis-server', 'redis-cli']) {
    const found = spawnSync(bin, ['--version'], { encoding: 'utf8' })
    if (found.error || found.status !== 0) return `${bin} is not installed`
  }
  return null
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** `count` consecutive free ports whose cluster-bus ports (+10000) are free too. */
async function freePorts(count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30000 + Math.floor(Math.random() * 25000)
    let ok = true
    for (let i = 0; i < count && ok; i++)
      ok = (await portFree(base + i)) && (await portFree(base + i + 10000))
    if (ok) return Array.from({ length: count }, (_, i) => base + i)
  }
  throw new Error('redis-cluster: no free block of loopback ports found')
}

function cli(port, ...args) {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 5000,
  }).trim()
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` every 100 ms until it is true, failing after `ms`. */
async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`redis-cluster: ${what} within ${ms} ms`)
    await sleep(100)
  }
}

/**
 * Starts the cluster. Returns { nodes: [{ host, port }], primaries(), replicaOf(port),
 * kill(port), waitHealthy(ms), stop() }.
 */
async function startCluster({ nodeTimeoutMs = 1000, deadlineMs = 30_000 } = {}) {
  const started = Date.now()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-redis-cluster-'))
  const ports = await freePorts(6)
  const procs = new Map()
  const stop = () => {
    for (const p of procs.values()) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    procs.clear()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', stop)
  try {
    for (const port of ports) {
      const nodeDir = path.join(dir, String(port))
      fs.mkdirSync(nodeDir)
      // These options and nothing else: no persistence, loopback only, quick failure detection.
      const args = [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir,
        '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-replica-validity-factor', '0',
        '--appendonly', 'no', '--save', '', '--daemonize', 'no', '--loglevel', 'warning',
        '--logfile', path.join(nodeDir, 'redis.log'),
      ] // prettier-ignore
      procs.set(port, spawn('redis-server', args, { stdio: 'ignore' }))
    }
    // Watchdog: if this process dies without stop(), kill the nodes and remove the dirs.
    const pids = [...procs.values()].map((p) => p.pid).join(' ')
    const watchdog = spawn(
      'sh',
      [
        '-c',
        `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pids} 2>/dev/null; rm -rf '${dir}'`,
      ],
      { detached: true, stdio: 'ignore' },
    )
    watchdog.unref()
    const left = () => Math.max(1000, deadlineMs - (Date.now() - started))
    for (const port of ports)
      await waitFor(`node ${port} did not start`, left(), () => cli(port, 'PING') === 'PONG')
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: left() },
    )
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`)
    const cluster = {
      nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
      dir,
      /** Ports of the primaries that hold slots now, as each live node sees itself. */
      primaries: () =>
        ports.filter((p) => procs.has(p) && /^role:master/m.test(cli(p, 'INFO', 'replication'))),
      /** The port of the replica of primary `port`. */
      replicaOf: (port) =>
        ports.find(
          (p) =>
            procs.has(p) && new RegExp(`^master_port:${port}\\r?$`, 'm').test(cli(p, 'INFO', 'replication')),
        ),
      /** Kills one node as a crash would (SIGKILL). */
      kill: (port) => {
        const p = procs.get(port)
        procs.delete(port)
        if (p) p.kill('SIGKILL')
      },
      /** Every live node reports cluster_state:ok and every replica's link is up. */
      waitHealthy: (ms) =>
        waitFor('the cluster did not become healthy', ms, () =>
          [...procs.keys()].every((p) => {
            if (!/cluster_state:ok/.test(cli(p, 'CLUSTER', 'INFO'))) return false
            const info = cli(p, 'INFO', 'replication')
            return /^role:master/m.test(info) || /master_link_status:up/.test(info)
          }),
        ),
      stop,
    }
    await cluster.waitHealthy(left())
    return cluster
  } catch (error) {
    stop()
    throw error
  }
}

module.exports = { startCluster, missingRedis }
