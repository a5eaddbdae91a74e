#!/usr/bin/env node
'use strict'
// `npm run bench [-- <group filter>...] [--rounds N] [--time MS]`
//
// Loads bench/groups/*.js ({ name, title, cases(workloads) }), runs each case's contenders in
// interleaved rounds (the start rotates every round), takes the median per contender, prints
// rampart's ratio against each peer and whether the case's target is met, then merges the
// measured groups into bench/results.json and rebuilds bench/RESULTS.md and bench/results.svg.
//
// Environment: BENCH_ROUNDS (default 3), BENCH_TIME_MS (timed window per contender per round,
// default 500), BENCH_WARMUP_MS (default 200), BENCH_GROUPS_DIR (default bench/groups),
// BENCH_OUT_DIR (where the reports go, default bench/).
const fs = require('node:fs')
const path = require('node:path')
const { loadWorkloads } = require('./workloads')
const { probe, Contender } = require('./lib/measure')
const { median, formatNumber, formatRatio, rotate } = require('./lib/stats')
const { describeMachine, machineLine } = require('./lib/machine')
const { readResults, mergeResults, writeReports } = require('./lib/report')

function positiveInt(value, name) {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`)
  return n
}

function parseArgs(argv, env) {
  const opts = {
    filters: [],
    rounds: positiveInt(env.BENCH_ROUNDS || 3, 'BENCH_ROUNDS'),
    timeMs: positiveInt(env.BENCH_TIME_MS || 500, 'BENCH_TIME_MS'),
    warmupMs: positiveInt(env.BENCH_WARMUP_MS || 200, 'BENCH_WARMUP_MS'),
    groupsDir: path.resolve(env.BENCH_GROUPS_DIR || path.join(__dirname, 'groups')),
    outDir: path.resolve(env.BENCH_OUT_DIR || __dirname),
    write: true,
    list: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const eq = arg.indexOf('=')
      if (eq !== -1) return arg.slice(eq + 1)
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg === '--rounds' || arg.startsWith('--rounds=')) opts.rounds = positiveInt(value(), '--rounds')
    else if (arg === '--time' || arg.startsWith('--time=')) opts.timeMs = positiveInt(value(), '--time')
    else if (arg === '--no-write') opts.write = false
    else if (arg === '--list') opts.list = true
    else if (arg === '--help' || arg === '-h') opts.help = true
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg} (try --help)`)
    else opts.filters.push(arg.toLowerCase())
  }
  return opts
}

const USAGE = `usage: npm run bench [-- [group ...] [--rounds N] [--time MS] [--no-write] [--list]]
  group      run only groups whose name contains this text (several allowed)
  --rounds   interleaved rounds per case, median reported (default 3, env BENCH_ROUNDS)
  --time     timed window per contender per round in ms (default 500, env BENCH_TIME_MS)
  --no-write print only; leave RESULTS.md, results.svg and results.json alone
  --list     list the groups and exit`

/**
 * Loads every bench/groups/*.js. A file that fails to load (say, the addon is not built) becomes a
 * group with loadError set, so it is reported as failed and the other groups still run.
 */
function loadGroups(dir) {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f)
      const fallback = { file, name: path.basename(f, '.js'), title: path.basename(f, '.js') }
      try {
        const mod = require(file)
        if (!mod || typeof mod.name !== 'string' || typeof mod.cases !== 'function') {
          throw new Error(`${path.basename(file)} must export { name, title, cases(workloads) }`)
        }
        return { file, name: mod.name, title: mod.title || mod.name, cases: mod.cases }
      } catch (err) {
        return { ...fallback, loadError: err }
      }
    })
}

const matches = (group, filters) =>
  filters.length === 0 ||
  filters.some(
    (f) => group.name.toLowerCase().includes(f) || path.basename(group.file).toLowerCase().includes(f),
  )

function normaliseTargets(target) {
  const list = Array.isArray(target) ? target : target ? [target] : []
  return list.filter((t) => t && typeof t.peer === 'string' && Number.isFinite(t.ratio))
}

/** rampart's advantage over a peer: above 1 means rampart is ahead. */
function ratioFor(rampart, peer, lowerIsBetter) {
  if (!(rampart > 0) || !(peer > 0)) return NaN
  return lowerIsBetter ? peer / rampart : rampart / peer
}

const errorText = (err) => (err && err.message ? err.message : String(err)).split('\n')[0]
const gc = typeof global.gc === 'function' ? global.gc : () => {}

async function throughputCase(c, opts, log) {
  const names = Object.keys(c.fns)
  const contenders = []
  for (const name of names) {
    if (typeof c.fns[name] !== 'function') throw new Error(`contender ${name} is not a function`)
    const p = await probe(c.fns[name])
    if (!p.ok) throw new Error(`${name} threw on its first call: ${errorText(p.error)}`)
    contenders.push(new Contender(name, c.fns[name], p.isAsync))
  }
  const timed = async (ct, step) => {
    try {
      return await step()
    } catch (err) {
      throw new Error(`${ct.name} threw while being timed: ${errorText(err)}`)
    }
  }
  for (const ct of contenders) {
    await timed(ct, () => ct.calibrate())
    await timed(ct, () => ct.opsPerSecond(opts.warmupMs))
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (let r = 0; r < opts.rounds; r++) {
    const parts = []
    for (const ct of rotate(contenders, r)) {
      gc()
      const hz = await timed(ct, () => ct.opsPerSecond(opts.timeMs))
      samples[ct.name].push(hz)
      parts.push(`${ct.name} ${formatNumber(hz)}`)
    }
    log(`    round ${r + 1}/${opts.rounds}: ${parts.join(', ')} ops/s`)
  }
  return names.map((name) => ({ name, value: median(samples[name]), samples: samples[name] }))
}

async function measureCase(c, opts, log) {
  const samples = {}
  for (let r = 0; r < opts.rounds; r++) {
    gc()
    const result = await c.measure()
    if (!result || typeof result !== 'object') throw new Error('measure() must return { contender: number }')
    for (const [name, value] of Object.entries(result)) {
      if (!Number.isFinite(value)) throw new Error(`measure() gave ${name} a non-number: ${value}`)
      ;(samples[name] ||= []).push(value)
    }
    const parts = Object.entries(result).map(([n, v]) => `${n} ${formatNumber(v)}`)
    log(`    round ${r + 1}/${opts.rounds}: ${parts.join(', ')} ${c.unit || ''}`)
  }
  return Object.keys(samples).map((name) => ({ name, value: median(samples[name]), samples: samples[name] }))
}

async function runCase(c, opts, log) {
  if (!c || typeof c !== 'object') return { name: String(c), targets: [], error: 'a case must be an object' }
  const out = {
    name: String(c.name),
    unit: c.measure ? c.unit || '' : 'ops/s',
    lowerIsBetter: Boolean(c.measure && c.lowerIsBetter),
    targets: normaliseTargets(c.target),
  }
  try {
    let contenders
    if (typeof c.measure === 'function') contenders = await measureCase(c, opts, log)
    else if (c.fns && typeof c.fns === 'object') contenders = await throughputCase(c, opts, log)
    else throw new Error('a case needs fns (throughput) or measure (a metric)')
    if (contenders.length === 0) throw new Error('no contenders')
    const ref = contenders.find((ct) => ct.name === 'rampart') || contenders[0]
    contenders = [ref, ...contenders.filter((ct) => ct !== ref)]
    out.contenders = contenders
    out.ratios = {}
    for (const ct of contenders.slice(1))
      out.ratios[ct.name] = ratioFor(ref.value, ct.value, out.lowerIsBetter)
    out.met = out.targets.length ? out.targets.every((t) => out.ratios[t.peer] >= t.ratio) : null
  } catch (err) {
    out.error = errorText(err)
  }
  return out
}

function commandLine(argv) {
  const args = argv.length ? ` -- ${argv.join(' ')}` : ''
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${args}`
    : `node bench/run.js${argv.length ? ` ${argv.join(' ')}` : ''}`
}

function printGroup(g, log) {
  log(`\n${g.name}: ${g.title}`)
  for (const c of g.cases) {
    if (c.error) {
      log(`  ${c.name}: FAILED: ${c.error}`)
      continue
    }
    log(`  ${c.name}`)
    for (const [i, ct] of c.contenders.entries()) {
      const target = c.targets.find((t) => t.peer === ct.name)
      const ratio = i === 0 ? '' : `  rampart ${formatRatio(c.ratios[ct.name])}`
      const verdict = target
        ? `  target ≥${target.ratio}×: ${c.ratios[ct.name] >= target.ratio ? 'met' : 'NOT met'}`
        : ''
      log(`    ${ct.name.padEnd(24)} ${formatNumber(ct.value).padStart(14)} ${c.unit}${ratio}${verdict}`)
    }
  }
}

async function main() {
  const argv = process.argv.slice(2)
  const opts = parseArgs(argv, process.env)
  const log = (line) => console.log(line)
  if (opts.help) return log(USAGE)
  const groups = loadGroups(opts.groupsDir)
  if (opts.list) return log(groups.map((g) => `${g.name}\t${g.title}`).join('\n') || '(no groups)')
  const selected = groups.filter((g) => matches(g, opts.filters))
  if (groups.length === 0) {
    console.error(
      `rampart bench: no benchmark groups (*.js) in ${path.relative(process.cwd(), opts.groupsDir) || '.'}`,
    )
    process.exitCode = 1
    return
  }
  if (selected.length === 0) {
    const known = groups.map((g) => g.name).join(', ') || 'none'
    console.error(`rampart bench: no group matches ${opts.filters.join(', ') || '(all)'}; groups: ${known}`)
    process.exitCode = 1
    return
  }
  const workloads = loadWorkloads()
  const machine = describeMachine()
  const command = commandLine(argv)
  log(
    `rampart bench: ${selected.length} group(s), ${opts.rounds} rounds × ${opts.timeMs} ms, workloads: ${workloads.source}`,
  )
  log(machineLine(machine))

  const results = []
  for (const [gi, group] of selected.entries()) {
    let cases
    try {
      if (group.loadError) throw group.loadError
      cases = group.cases(workloads)
      if (!Array.isArray(cases)) throw new Error('cases() must return an array')
    } catch (err) {
      const what = group.loadError ? `loading ${path.basename(group.file)}` : 'cases() threw'
      cases = [{ name: what, measure: () => Promise.reject(err) }]
    }
    const g = {
      name: group.name,
      title: group.title,
      measuredAt: new Date().toISOString(),
      command,
      machine,
      rounds: opts.rounds,
      timeMs: opts.timeMs,
      cases: [],
    }
    for (const [ci, c] of cases.entries()) {
      log(`[${group.name} ${gi + 1}/${selected.length}] case ${ci + 1}/${cases.length}: ${c && c.name}`)
      const out = await runCase(c, opts, log)
      if (out.error) log(`    FAILED: ${out.error}`)
      g.cases.push(out)
    }
    printGroup(g, log)
    results.push(g)
  }

  if (opts.write) {
    const merged = mergeResults(readResults(path.join(opts.outDir, 'results.json')), results)
    const files = writeReports(opts.outDir, merged)
    log(`\nwrote ${path.relative(process.cwd(), files.md)}, ${path.relative(process.cwd(), files.svg)}`)
  }
  const failed = results.flatMap((g) => g.cases.filter((c) => c.error).map((c) => `${g.name}: ${c.name}`))
  if (failed.length) {
    console.error(`rampart bench: ${failed.length} case(s) failed:\n  ${failed.join('\n  ')}`)
    process.exitCode = 1
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`rampart bench: ${err && err.stack ? err.stack : err}`)
    process.exitCode = 1
  })
}

module.exports = { parseArgs, loadGroups, runCase, ratioFor }
