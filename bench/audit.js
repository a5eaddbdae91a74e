#!/usr/bin/env node
'use strict'
// `node bench/audit.js`: the two speed figures of rampart audit.
//  1. A full audit of the example API (examples/server.js, in-process on loopback):
//     wall time, median of 5 runs. Target: under 30 s.
//  2. The HS256 wordlist check: the Rust cracker (all threads, and one thread) against the
//     same loop over crypto.createHmac in Node, on the same candidates with no hit (the
//     worst case: every candidate is tried). Target: at least 20x.
// Build the addon optimised first (`npm run build:fast` or `npm run build`).
// Writes bench/audit.json.
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { audit } = require('../lib/audit')
const native = require('../lib/native')
const { shippedWordlist } = require('../lib/audit/crack')
const { hs256 } = require('../lib/audit/token')

process.env.QUIET = '1'
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function fullAudit() {
  const { createApp } = require('../examples/server')
  const config = require('../__test__/fixtures/example-audit.json')
  const times = []
  let result
  for (let i = 0; i < 5; i++) {
    const secret = crypto.randomBytes(32).toString('base64url')
    const start = process.hrtime.bigint()
    result = await audit({ app: createApp({ secret }), config: { ...config, jwt: { secret } } })
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return { medianMs: Math.round(median(times)), requests: result.requests, findings: result.findings.length }
}

function crack() {
  // The shipped list, repeated with a numeric suffix to ~200k candidates.
  const words = shippedWordlist().toString('utf8').split('\n').filter(Boolean)
  const candidates = []
  for (let round = 0; candidates.length < 200_000; round++)
    for (const w of words) candidates.push(`${w}${round}`)
  const list = Buffer.from(`${candidates.join('\n')}\n`)
  const token = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'bench', iat: 1 }, crypto.randomBytes(32))
  const [h, p, s] = token.split('.')
  const input = Buffer.from(`${h}.${p}`)
  const sig = Buffer.from(s, 'base64url')

  // One timed pass: candidates per second of wall time and of process CPU time (every
  // candidate tried, none may match). CPU time is what a busy machine does not distort:
  // it counts only the time the contender ran, on every thread it used.
  const pass = (fn) => {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    const hit = fn()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const used = process.cpuUsage(cpu)
    if (hit !== -1) throw new Error('a candidate matched a random secret')
    return { wall: candidates.length / seconds, cpu: candidates.length / ((used.user + used.system) / 1e6) }
  }
  const threads = os.availableParallelism?.() || os.cpus().length
  const contenders = {
    rustAll: () => native.auditCrackHs256(input, sig, list, threads),
    rustOne: () => native.auditCrackHs256(input, sig, list, 1),
    nodeLoop: () => {
      for (let i = 0; i < candidates.length; i++) {
        if (crypto.createHmac('sha256', candidates[i]).update(input).digest().equals(sig)) return i
      }
      return -1
    },
  }
  // Interleaved rounds, so that a busy machine slows every contender alike; medians.
  const runs = { rustAll: [], rustOne: [], nodeLoop: [] }
  for (let round = 0; round < 5; round++)
    for (const [name, fn] of Object.entries(contenders)) runs[name].push(pass(fn))
  const rate = (name, kind) => Math.round(median(runs[name].map((r) => r[kind])))
  const nodePerSecond = rate('nodeLoop', 'wall')
  const nodeCpu = rate('nodeLoop', 'cpu')
  return {
    candidates: candidates.length,
    threads,
    rustPerSecond: rate('rustAll', 'wall'),
    rustOneThreadPerSecond: rate('rustOne', 'wall'),
    nodeCreateHmacPerSecond: nodePerSecond,
    speedup: Number((rate('rustAll', 'wall') / nodePerSecond).toFixed(1)),
    speedupOneThread: Number((rate('rustOne', 'wall') / nodePerSecond).toFixed(1)),
    // Per CPU-second, one thread each: the figure that does not depend on the load.
    rustOneThreadPerCpuSecond: rate('rustOne', 'cpu'),
    nodeCreateHmacPerCpuSecond: nodeCpu,
    speedupPerCpuSecond: Number((rate('rustOne', 'cpu') / nodeCpu).toFixed(1)),
  }
}

async function main() {
  const machine = `${os.cpus()[0].model}, ${os.availableParallelism?.() || os.cpus().length} threads, Node ${process.version}`
  const audited = await fullAudit()
  console.log(
    `full audit of examples/server.js: ${audited.medianMs} ms (median of 5), ${audited.requests} requests, target < 30000 ms: ${audited.medianMs < 30_000 ? 'met' : 'MISSED'}`,
  )
  const c = crack()
  console.log(`HS256 wordlist (${c.candidates} candidates, no hit):`)
  console.log(`  rust, ${c.threads} threads: ${c.rustPerSecond.toLocaleString('en')} /s`)
  console.log(`  rust, 1 thread:  ${c.rustOneThreadPerSecond.toLocaleString('en')} /s`)
  console.log(`  node createHmac: ${c.nodeCreateHmacPerSecond.toLocaleString('en')} /s`)
  console.log(
    `  speedup (wall): ${c.speedup}x (1 thread: ${c.speedupOneThread}x), target >= 20x: ${c.speedup >= 20 ? 'met' : 'MISSED'}`,
  )
  console.log(
    `  per CPU-second, one thread: rust ${c.rustOneThreadPerCpuSecond.toLocaleString('en')}, node ${c.nodeCreateHmacPerCpuSecond.toLocaleString('en')}: ${c.speedupPerCpuSecond}x`,
  )
  console.log(
    `  load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${c.threads} threads`,
  )
  const out = { date: new Date().toISOString(), machine, fullAudit: audited, hs256: c }
  fs.writeFileSync(path.join(__dirname, 'audit.json'), `${JSON.stringify(out, null, 2)}\n`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
