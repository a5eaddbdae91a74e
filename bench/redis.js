#!/usr/bin/env node
'use strict'
// `node bench/redis.js`: rampart's RedisStore against rate-limit-redis and
// rate-limiter-flexible on the same Redis: the single Redis at 127.0.0.1:6379 (REDIS_URL
// overrides) and a local 3-primary/3-replica cluster started for the run. All three use
// ioredis. Rounds are interleaved (the contender order rotates each round); medians of the
// rounds are reported.
//   - p50/p99 latency one decision adds (sequential calls, rotating keys)
//   - decisions/s with 64 in flight, and the Redis CPU they cost (INFO cpu of every primary)
//   - over-admission at a window boundary: a burst just before and just after the edge
// BENCH_REDIS_ROUNDS (5), BENCH_REDIS_CALLS (2000 sequential), BENCH_REDIS_LOAD_MS (1500),
// BENCH_REDIS_TARGETS ('single,cluster').
const IORedis = require('ioredis')
const { createClient, createCluster } = require('redis')
const { RedisStore: RateLimitRedis } = require('rate-limit-redis')
const { RateLimiterRedis } = require('rate-limiter-flexible')
const { RedisStore } = require('../lib/rate-limit')
const { startCluster, missingRedis } = require('../__test__/helpers/redis-cluster')
const { median, rotate, formatNumber } = require('./lib/stats')
const { describeMachine, machineLine } = require('./lib/machine')

const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback)
const ROUNDS = num('BENCH_REDIS_ROUNDS', 5)
const CALLS = num('BENCH_REDIS_CALLS', 2000)
const LOAD_MS = num('BENCH_REDIS_LOAD_MS', 1500)
const IN_FLIGHT = 64
const TARGETS = (process.env.BENCH_REDIS_TARGETS || 'single,cluster').split(',')
const RUN = `rampart-bench:${process.pid}:`
const BIG = 1e9 // limit for the cost runs: every decision is an admission

/** Each contender: make(conn, prefix, { limit, windowMs }) → decide(key) → Promise<admitted>.
 * conn: { io (ioredis Redis or Cluster), nr (node-redis client or cluster), cluster }. */
const CONTENDERS = {
  'rampart fixed-window, ioredis': (c, prefix, o) => rampart(c.io, prefix, o, 'fixed-window', 'js'),
  'rampart gcra, ioredis': (c, prefix, o) => rampart(c.io, prefix, o, 'gcra', 'js'),
  "rampart fixed-window clock:'redis', ioredis": (c, prefix, o) =>
    rampart(c.io, prefix, o, 'fixed-window', 'redis'),
  'rampart fixed-window, node-redis': (c, prefix, o) => rampart(c.nr, prefix, o, 'fixed-window', 'js'),
  'rate-limit-redis, ioredis': (c, prefix, o) =>
    rateLimitRedis(
      c.cluster
        ? { sendCommandCluster: ({ command }) => c.io.call(...command) }
        : { sendCommand: (...a) => c.io.call(...a) },
      prefix,
      o,
    ),
  'rate-limit-redis, node-redis': (c, prefix, o) =>
    rateLimitRedis(
      c.cluster
        ? { sendCommandCluster: ({ key, isReadOnly, command }) => c.nr.sendCommand(key, isReadOnly, command) }
        : { sendCommand: (...a) => c.nr.sendCommand(a) },
      prefix,
      o,
    ),
  'rate-limiter-flexible, ioredis': (c, prefix, o) => flexible({ storeClient: c.io }, prefix, o),
  'rate-limiter-flexible, node-redis': (c, prefix, o) =>
    flexible({ storeClient: c.nr, useRedisPackage: true }, prefix, o),
}

function rampart(client, prefix, { limit, windowMs }, algorithm, clock) {
  const store = new RedisStore({ client, prefix, clock })
  store.init({ limit, windowMs, algorithm })
  return async (key) => (await store.increment(key)).totalHits <= limit
}

function rateLimitRedis(send, prefix, { limit, windowMs }) {
  const store = new RateLimitRedis({ prefix, ...send })
  store.init({ windowMs })
  return async (key) => (await store.increment(key)).totalHits <= limit
}

function flexible(client, prefix, { limit, windowMs }) {
  const limiter = new RateLimiterRedis({
    ...client,
    keyPrefix: prefix,
    points: limit,
    duration: windowMs / 1000,
  })
  return (key) =>
    limiter.consume(key).then(
      () => true,
      (res) => {
        if (res instanceof Error) throw res
        return false // a refusal resolves as a RateLimiterRes
      },
    )
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

async function redisCpuSeconds(primaries) {
  let total = 0
  for (const node of primaries) {
    const info = await node.call('INFO', 'cpu')
    total += Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)[1])
  }
  return total
}

async function latency(decide, tag) {
  const times = []
  for (let i = 0; i < CALLS; i++) {
    const start = process.hrtime.bigint()
    if (!(await decide(`${tag}:${i % 1000}`))) throw new Error('a cost-run decision was refused')
    times.push(Number(process.hrtime.bigint() - start) / 1e3)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) }
}

async function throughput(decide, tag, primaries) {
  const cpuBefore = await redisCpuSeconds(primaries)
  const stopAt = Date.now() + LOAD_MS
  let done = 0
  const started = process.hrtime.bigint()
  let failed = null
  const worker = async (w) => {
    for (let i = w; Date.now() < stopAt && failed === null; i += IN_FLIGHT) {
      try {
        await decide(`${tag}:${i % 10000}`)
        done++
      } catch (error) {
        failed = error // every worker stops; no rejection is left unhandled
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)))
  if (failed) throw failed
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = (await redisCpuSeconds(primaries)) - cpuBefore
  return { perSecond: done / seconds, cpuPer10k: (cpu / done) * 10_000, perRedisCore: done / cpu }
}

/** A burst of `limit` just before a window edge and another just after: admitted / limit. */
async function boundary(make, conn, prefix) {
  const limit = 100
  const windowMs = 1000
  const decide = make(conn, prefix, { limit, windowMs })
  const burst = async (n) => {
    let ok = 0
    await Promise.all(Array.from({ length: 10 }, async (_, w) => {
      for (let i = w; i < n; i += 10) if (await decide('edge')) ok++
    })) // prettier-ignore
    return ok
  }
  const t0 = Date.now()
  let admitted = await burst(1) // opens the window
  await sleep(t0 + windowMs - 40 - Date.now())
  const before = Date.now()
  admitted += await burst(limit - 1)
  await sleep(t0 + windowMs + 10 - Date.now())
  admitted += await burst(limit)
  return { ratio: admitted / limit, spanMs: Date.now() - before }
}

async function cleanup(primaries) {
  for (const node of primaries) {
    let cursor = '0'
    do {
      const [next, keys] = await node.call('SCAN', cursor, 'MATCH', `*${RUN}*`, 'COUNT', '1000')
      cursor = next
      for (const k of keys) await node.call('DEL', k)
    } while (cursor !== '0')
  }
}

/** A contender's first decisions, bounded: its error message if it cannot work on `conn`. */
async function broken(conn, contender, name) {
  try {
    const decide = CONTENDERS[contender](conn, `${RUN}${name}:probe:${slug(contender)}:`, {
      limit: BIG,
      windowMs: 60_000,
    })
    for (let i = 0; i < 50; i++) {
      const timeout = sleep(2000).then(() => Promise.reject(new Error('no answer within 2 s')))
      await Promise.race([decide(`k${i}`), timeout])
    }
    return null
  } catch (error) {
    return String((error && error.message) || error)
      .split('\n')[0]
      .slice(0, 80)
  }
}

const slug = (text) => text.replace(/\W+/g, '-')

async function benchTarget(name, conn, primaries) {
  const failures = {}
  for (const contender of Object.keys(CONTENDERS)) {
    const why = await broken(conn, contender, name)
    if (why) failures[contender] = why
  }
  const working = Object.keys(CONTENDERS).filter((c) => !failures[c])
  const rows = Object.fromEntries(working.map((c) => [c, []]))
  // Warm-up, not recorded: JIT, connections and each node's script cache.
  for (const contender of working) {
    const decide = CONTENDERS[contender](conn, `${RUN}${name}:warm:${slug(contender)}:`, {
      limit: BIG,
      windowMs: 60_000,
    })
    await throughput(decide, 'warm', primaries).catch((error) => (failures[contender] = `warm-up: ${error}`))
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const contender of rotate(working, round)) {
      if (failures[contender]) continue
      try {
        const prefix = `${RUN}${name}:${slug(contender)}:${round}:`
        const decide = CONTENDERS[contender](conn, prefix, { limit: BIG, windowMs: 60_000 })
        await decide('warm-up')
        const lat = await latency(decide, 'lat')
        const load = await throughput(decide, 'load', primaries)
        const edge =
          contender.includes("clock:'redis'") || contender.includes('node-redis')
            ? { ratio: NaN, spanMs: NaN }
            : await boundary(CONTENDERS[contender], conn, `${prefix}edge:`)
        rows[contender].push({ ...lat, ...load, edge })
        process.stderr.write(
          `${name} round ${round + 1}/${ROUNDS} ${contender}: p50 ${lat.p50.toFixed(0)} µs, ${load.perSecond.toFixed(0)}/s\n`,
        )
      } catch (error) {
        failures[contender] = `round ${round + 1}: ${error}`
      }
    }
    await cleanup(primaries)
  }
  const out = []
  for (const contender of Object.keys(CONTENDERS)) {
    if (failures[contender] || rows[contender].length === 0) {
      out.push({ contender, failure: String(failures[contender]).split('\n')[0].slice(0, 80) })
      continue
    }
    const rs = rows[contender]
    const m = (f) => median(rs.map(f))
    out.push({
      contender,
      p50: m((r) => r.p50),
      p99: m((r) => r.p99),
      perSecond: m((r) => r.perSecond),
      cpuPer10k: m((r) => r.cpuPer10k),
      perRedisCore: m((r) => r.perRedisCore),
      edge: m((r) => r.edge.ratio),
      edgeSpan: m((r) => r.edge.spanMs),
    })
  }
  return out
}

function table(name, rows, primaryCount) {
  const lines = [
    `### ${name}`,
    '',
    '| contender | p50 µs | p99 µs | decisions/s (64 in flight) | Redis CPU ms / 10k | decisions / Redis CPU-second | admitted / limit at a window edge |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of rows) {
    if (r.failure) {
      lines.push(`| ${r.contender} | fails: ${r.failure.replace(/\|/g, '/')} | | | | | |`)
      continue
    }
    const edge = Number.isFinite(r.edge) ? `${r.edge.toFixed(2)}× (in ${Math.round(r.edgeSpan)} ms)` : 'n/a'
    lines.push(
      `| ${r.contender} | ${formatNumber(r.p50)} | ${formatNumber(r.p99)} | ${formatNumber(r.perSecond)} | ${formatNumber(r.cpuPer10k * 1000)} | ${formatNumber(r.perRedisCore)} | ${edge} |`,
    )
  }
  lines.push('', `Primaries: ${primaryCount}.`)
  return lines.join('\n')
}

async function main() {
  const out = [`Machine: ${machineLine(describeMachine())}. Rounds: ${ROUNDS}, medians.`, '']
  if (TARGETS.includes('single')) {
    const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
    const conn = { io: new IORedis(url), nr: createClient({ url }), cluster: false }
    await conn.nr.connect()
    try {
      out.push(table('single Redis', await benchTarget('single', conn, [conn.io]), 1), '')
    } finally {
      await conn.nr.disconnect()
      conn.io.disconnect()
    }
  }
  if (TARGETS.includes('cluster')) {
    const missing = missingRedis()
    if (missing) throw new Error(`cannot start a cluster: ${missing}`)
    const cluster = await startCluster()
    const conn = {
      io: new IORedis.Cluster(cluster.nodes),
      nr: createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) }),
      cluster: true,
    }
    conn.io.on('error', () => {})
    conn.nr.on('error', () => {})
    try {
      await new Promise((resolve, reject) => conn.io.once('ready', resolve).once('error', reject))
      await conn.nr.connect()
      const primaries = conn.io.nodes('master')
      out.push(
        table('local cluster (3 primaries, 3 replicas)', await benchTarget('cluster', conn, primaries), 3),
      )
    } finally {
      await conn.nr.disconnect()
      conn.io.disconnect()
      cluster.stop()
    }
  }
  console.log(out.join('\n'))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
