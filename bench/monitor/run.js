#!/usr/bin/env node
'use strict'
// `node bench/monitor/run.js`: what rampart/monitor costs on the request path (issue 21, item 5).
//
// 1. The tap line, in process: what a request pays for the one line a measurement point adds
//    (`if (taps.rateLimit) tap('rateLimit', req, used, limit, windowMs)`), with no monitor
//    (one property read) and with metrics() counting (a prom-client counter increment), less
//    an empty loop. Median ns per call over rounds.
// 2. End to end: the example API's GET / under load (wrk or autocannon, as bench:e2e), with
//    metrics off (twice: an A/A pair gives the noise floor) and on, servers and load pinned
//    to separate CPUs, interleaved rounds; median req/s and server CPU time per request. The
//    target: metrics on costs at most 2% of GET /.
//
// Environment: MONITOR_ROUNDS (5), MONITOR_DURATION (seconds per load run, 5),
// MONITOR_CONNECTIONS (50), MONITOR_CALLS (in-process calls per round, 300000), E2E_LOADGEN, E2E_PIN.
const path = require('node:path')
const { startStack, cpuPlan, pinSelf, cpuTimeMs } = require('../e2e/stack')
const { chooseLoadGenerator, loader } = require('../e2e/loadgen')
const { median, formatNumber } = require('../lib/stats')
const { numberEnv } = require('../lib/env')

const ROOT = path.join(__dirname, '..', '..')
const rounds = Math.round(numberEnv('MONITOR_ROUNDS', 5, 1))
const duration = numberEnv('MONITOR_DURATION', 5, 0.1)
const connections = Math.round(numberEnv('MONITOR_CONNECTIONS', 50, 1))
const calls = Math.round(numberEnv('MONITOR_CALLS', 300_000, 1000))

function inProcess() {
  const { taps, tap } = require(path.join(ROOT, 'lib', 'events'))
  const { metrics } = require(path.join(ROOT, 'lib', 'monitor'))
  const client = require('prom-client')
  const req = { ip: '10.0.0.1', headers: {}, method: 'GET', url: '/' }
  let used = 0
  // Each loop body is what one request adds: the line, with its arguments as rate-limit has them.
  const empty = () => {
    used++
  }
  const line = () => {
    used++
    if (taps.rateLimit) tap('rateLimit', req, used, 1e9, 60_000)
  }
  // A loop of its own per body (as bench/lib/measure.js), so no call site turns polymorphic.
  const timeOne = (fn) => {
    const loop = new Function('fn', 'n', 'for (let i = 0; i < n; i++) fn()')
    loop(fn, 10_000)
    const start = process.hrtime.bigint()
    loop(fn, calls)
    return Number(process.hrtime.bigint() - start) / calls
  }
  const results = { 'empty loop': [], 'tap line, no monitor': [], 'tap line, metrics on': [] }
  for (let r = 0; r < rounds; r++) {
    results['empty loop'].push(timeOne(empty))
    results['tap line, no monitor'].push(timeOne(line))
    const m = metrics({ registry: new client.Registry() })
    results['tap line, metrics on'].push(timeOne(line))
    m.stop()
  }
  return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]))
}

// Two servers with metrics off (an A/A pair: their gap is this machine's noise floor) and
// one with metrics on, interleaved with a rotating start. Throughput, and server CPU time per
// request (from /proc: less disturbed by other load on the machine than req/s).
const VARIANTS = [
  ['metrics off', '0'],
  ['metrics off (A/A)', '0'],
  ['metrics on', '1'],
]

async function endToEnd() {
  const kind = chooseLoadGenerator()
  const load = loader(kind)
  const cpus = cpuPlan()
  if (cpus) pinSelf(cpus.load)
  const module = path.join('bench', 'monitor', 'server.js')
  const stacks = {}
  const rps = {}
  const cpuUs = {}
  for (const [name, flag] of VARIANTS) {
    stacks[name] = await startStack(name, module, {
      env: { MONITOR_METRICS: flag },
      cpus: cpus && cpus.server,
    })
    rps[name] = []
    cpuUs[name] = []
  }
  const run = (name, seconds) =>
    load({
      url: `${stacks[name].url}/`,
      method: 'GET',
      headers: {},
      connections,
      duration: seconds,
      cpus: cpus && cpus.load,
    })
  try {
    for (const [name] of VARIANTS) await run(name, 1) // warm-up
    for (let r = 0; r < rounds; r++) {
      const names = VARIANTS.map(([n]) => n)
      for (const name of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) {
        const before = cpuTimeMs(stacks[name].pid)
        const result = await run(name, duration)
        const spent = cpuTimeMs(stacks[name].pid) - before
        if (result.non2xx || result.errors)
          throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`)
        rps[name].push(result.reqPerSec)
        cpuUs[name].push((spent * 1000) / result.requests)
      }
    }
  } finally {
    for (const s of Object.values(stacks)) await s.stop()
  }
  const med = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]))
  return { kind, pinned: Boolean(cpus), rps, cpuUs, medianRps: med(rps), medianCpuUs: med(cpuUs) }
}

async function main() {
  console.log(`rampart/monitor cost: ${rounds} rounds`)
  const micro = inProcess()
  console.log('\n1. the rate-limit tap line, in process (median ns per call)')
  for (const [k, v] of Object.entries(micro)) console.log(`   ${k.padEnd(24)} ${v.toFixed(1)} ns`)
  const lineCost = micro['tap line, no monitor'] - micro['empty loop']
  const metricsCost = micro['tap line, metrics on'] - micro['empty loop']
  console.log(
    `   the line with no monitor: ${lineCost.toFixed(1)} ns; with metrics on: ${metricsCost.toFixed(1)} ns`,
  )

  const e2e = await endToEnd()
  console.log(
    `\n2. example API, GET /, ${e2e.kind}, ${connections} connections, ${duration} s x ${rounds}${e2e.pinned ? ', pinned' : ''}`,
  )
  for (const [name] of VARIANTS) {
    const runs = e2e.rps[name].map((x) => Math.round(x)).join(', ')
    console.log(
      `   ${name.padEnd(18)} ${formatNumber(e2e.medianRps[name])} req/s, ${e2e.medianCpuUs[name].toFixed(1)} us CPU/request  (req/s runs: ${runs})`,
    )
  }
  const off = e2e.medianRps['metrics off']
  const pct = (a, b) => `${(((a - b) / b) * 100).toFixed(1)}%`
  console.log(
    `   noise floor (A/A): ${pct(e2e.medianRps['metrics off (A/A)'], off)} req/s, ${pct(e2e.medianCpuUs['metrics off (A/A)'], e2e.medianCpuUs['metrics off'])} CPU`,
  )
  console.log(
    `   metrics on vs off: ${pct(e2e.medianRps['metrics on'], off)} req/s, ${pct(e2e.medianCpuUs['metrics on'], e2e.medianCpuUs['metrics off'])} CPU`,
  )
  const perRequestNs = e2e.medianCpuUs['metrics off'] * 1000
  console.log(
    `   the tap with metrics on, per request: ${metricsCost.toFixed(1)} ns of ${formatNumber(perRequestNs)} ns CPU = ${((metricsCost / perRequestNs) * 100).toFixed(3)}% (target <= 2%)`,
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
