#!/usr/bin/env node
'use strict'
// `npm run bench:e2e`: the whole-stack benchmark. Starts bare Express (examples/bare.js),
// bare + dictionary mode (bench/e2e/bare-dictionary.js), the common JS stack
// (examples/js-stack.js) and the rampart stack (examples/server.js) as separate processes on
// 127.0.0.1, logs in to each, loads every route with wrk or autocannon in interleaved rounds,
// and reports the median req/s, p50 and p99 latency and the ratio to bare Express.
// Writes bench/E2E.md, bench/e2e.svg and bench/e2e.json.
//
// Environment: E2E_DURATION (seconds per measurement, default 5), E2E_CONNECTIONS (50),
// E2E_ROUNDS (3), E2E_WARMUP (seconds per stack and route before round 1, default 1),
// E2E_STACKS (comma list, default bare,bare-dict,js-stack,rampart), E2E_RAMPART_MODULE
// (default examples/server.js), E2E_OUT_DIR (default bench/), E2E_LOADGEN (wrk or
// autocannon; default wrk when it is on PATH), E2E_PIN (0: no taskset pinning of servers and
// load generator to separate CPUs). The stacks get RATE_LIMIT_MAX and LOGIN_RATE_LIMIT_MAX far
// above the load, so the run measures throughput, not 429s.
const fs = require('node:fs')
const path = require('node:path')
const { startStack, login, cpuTimeMs, cpuPlan, pinSelf, ROOT } = require('./stack')
const { chooseLoadGenerator, loader } = require('./loadgen')
const { loadWorkloads } = require('../workloads')
const { renderBarChart } = require('../chart')
const { median, formatNumber, formatRatio, rotate } = require('../lib/stats')
const { describeMachine, machineLine } = require('../lib/machine')
const { numberEnv } = require('../lib/env')

const TARGET = 0.9 // issue 8: the rampart stack keeps >= 0.9x bare Express throughput on every route

function settings() {
  const stacks = [
    { name: 'bare', module: 'examples/bare.js' },
    { name: 'bare-dict', module: 'bench/e2e/bare-dictionary.js' },
    { name: 'js-stack', module: 'examples/js-stack.js' },
    { name: 'rampart', module: process.env.E2E_RAMPART_MODULE || 'examples/server.js' },
  ]
  const wanted = (process.env.E2E_STACKS || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return {
    duration: numberEnv('E2E_DURATION', 5, 0.1),
    connections: Math.round(numberEnv('E2E_CONNECTIONS', 50, 1)),
    rounds: Math.round(numberEnv('E2E_ROUNDS', 3, 1)),
    warmup: numberEnv('E2E_WARMUP', 1),
    outDir: path.resolve(process.env.E2E_OUT_DIR || path.join(ROOT, 'bench')),
    stacks: wanted.length ? stacks.filter((s) => wanted.includes(s.name)) : stacks,
    loadGenerator: chooseLoadGenerator(),
    cpus: cpuPlan(),
  }
}

/** The four routes of the example API, as autocannon request options. */
function routes(comment) {
  return [
    { name: 'GET / (public)', method: 'GET', path: '/', auth: false },
    { name: 'GET /api/profile (JWT)', method: 'GET', path: '/api/profile', auth: true },
    {
      name: 'POST /api/comments (JWT, validate, sanitize)',
      method: 'POST',
      path: '/api/comments',
      auth: true,
      body: JSON.stringify({ text: comment }),
    },
    { name: 'GET /admin/data (JWT, RBAC admin)', method: 'GET', path: '/admin/data', auth: true },
  ]
}

function requestFor(route, token) {
  const headers = {}
  if (route.auth && token) headers.authorization = `Bearer ${token}`
  if (route.body) headers['content-type'] = 'application/json'
  return { method: route.method, headers, body: route.body }
}

/** One request by fetch before any load: the route must answer 2xx, else it is reported and skipped. */
async function preflight(stack, route, token) {
  if (route.auth && !token) return `no token (${stack.loginError})`
  const req = requestFor(route, token)
  try {
    const res = await fetch(stack.url + route.path, req)
    await res.arrayBuffer()
    return res.status >= 200 && res.status < 300 ? null : `answered ${res.status}`
  } catch (err) {
    return `request failed: ${err.message}`
  }
}

/** Loads one route of one stack; also measures the server's CPU time per request. */
async function load(s, stack, route, duration) {
  const req = requestFor(route, stack.token)
  const cpuBefore = cpuTimeMs(stack.pid)
  const r = await loader(s.loadGenerator)({
    url: stack.url + route.path,
    method: req.method,
    headers: req.headers,
    body: req.body,
    connections: s.connections,
    duration,
    cpus: s.cpus && s.cpus.load,
  })
  const cpuMs = cpuTimeMs(stack.pid) - cpuBefore
  return { ...r, cpuUsPerRequest: r.requests > 0 ? (cpuMs * 1000) / r.requests : NaN }
}

function setupLine(s) {
  const gen =
    s.loadGenerator === 'wrk'
      ? `wrk (${s.cpus ? s.cpus.load.length : 'all'} thread(s))`
      : 'autocannon (in the benchmark process)'
  const pinning = s.cpus
    ? `Servers pinned to CPU ${s.cpus.server.join(',')} and the load generator to CPU ${s.cpus.load.join(',')} (taskset), so the server under test is the bottleneck.`
    : 'No CPU pinning: the load generator shares the cores with the server under test.'
  return `Load generator: ${gen}. ${pinning}`
}

function markdown(report) {
  const { settings: s, machine } = report
  const lines = [
    '# rampart end-to-end benchmark',
    '',
    'The same example API, each variant in its own process on 127.0.0.1: bare Express 5',
    '(examples/bare.js, no security at all); bare-dict, the same plus only the V8 dictionary-mode step',
    "that fortify() applies to Express's req/res (bench/e2e/bare-dictionary.js, see the README); the",
    'common JS stack (examples/js-stack.js: helmet, cors, express-rate-limit, express.json, express-jwt +',
    `jsonwebtoken, joi, sanitize-html); and the rampart stack (${report.rampartModule}).`,
    `${report.setup}`,
    `Each route is loaded with ${s.connections} connections for`,
    `${s.duration} s per measurement; ${s.rounds} rounds, the stacks interleaved and the order rotated each round;`,
    `medians reported. Target: the rampart stack keeps ≥ ${TARGET}× bare Express throughput on every route.`,
    '"vs bare-dict" is the throughput relative to bare-dict: what the security work itself costs once both',
    'sides have the dictionary-mode step.',
    'Rate limits are configured far above the load (RATE_LIMIT_MAX), so non-2xx answers would be errors.',
    '"Server CPU µs/req" is the server process\'s user + system CPU time (from /proc) over the requests it',
    'answered: less sensitive than req/s to other load on a shared machine. "CPU vs bare" is bare ÷ stack.',
    '',
    `Measured ${report.measuredAt.replace('T', ' ').slice(0, 16)} UTC with \`${report.command}\`. ${machineLine(machine)}.`,
    '',
    '![throughput relative to bare Express](e2e.svg)',
    '',
    '| route | stack | req/s | p50 ms | p99 ms | vs bare | vs bare-dict | server CPU µs/req | CPU vs bare | non-2xx | errors | target |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ]
  for (const route of report.routes) {
    route.stacks.forEach((st, i) => {
      const first = i === 0 ? route.name : ''
      if (st.skipped) {
        lines.push(`| ${first} | ${st.name} | not measured: ${st.skipped} | | | | | | | | | |`)
        return
      }
      const target =
        st.name === 'rampart' && Number.isFinite(st.ratio)
          ? st.ratio >= TARGET
            ? `≥ ${TARGET}×: met`
            : `≥ ${TARGET}×: **not met**`
          : ''
      lines.push(
        `| ${first} | ${st.name} | ${formatNumber(st.reqPerSec)} | ${formatNumber(st.p50)} | ${formatNumber(st.p99)} | ` +
          `${st.name === 'bare' ? '1.00×' : formatRatio(st.ratio)} | ${Number.isFinite(st.dictRatio) && st.name !== 'bare' && st.name !== 'bare-dict' ? formatRatio(st.dictRatio) : ''} | ${formatNumber(st.cpuUsPerRequest)} | ` +
          `${st.name === 'bare' ? '1.00×' : formatRatio(st.cpuRatio)} | ${st.non2xx} | ${st.errors} | ${target} |`,
      )
    })
  }
  lines.push('', 'Raw samples per round are in e2e.json.', '')
  return lines.join('\n')
}

function chart(report) {
  const colors = { 'bare-dict': '#c9ced6', 'js-stack': '#8a94a6', rampart: '#2f7dd1' }
  return renderBarChart({
    title: 'Whole-stack throughput relative to bare Express',
    subtitle: `req/s ÷ bare Express req/s per route, median of ${report.settings.rounds} interleaved rounds (${report.settings.loadGenerator}, ${report.settings.connections} connections)`,
    scale: 'linear',
    reference: 1,
    legend: [
      { color: colors['bare-dict'], label: 'bare + dictionary mode only' },
      { color: colors['js-stack'], label: 'JS stack' },
      { color: colors.rampart, label: 'rampart stack' },
      { color: '#1f2933', label: `target ${TARGET}×`, kind: 'line' },
      { color: '#52606d', label: 'bare Express = 1×', kind: 'line', dashed: true },
    ],
    sections: report.routes.map((route) => ({
      title: route.name,
      rows: route.stacks
        .filter((st) => st.name !== 'bare')
        .map((st) => ({
          label: st.name,
          value: st.skipped ? NaN : st.ratio,
          text: st.skipped
            ? 'not measured'
            : `${formatRatio(st.ratio)}  (${formatNumber(st.reqPerSec)} req/s)`,
          target: st.name === 'rampart' ? TARGET : undefined,
          color: colors[st.name],
        })),
    })),
    footnote: machineLine(report.machine),
  })
}

async function main() {
  const s = settings()
  const log = (line) => console.log(line)
  const comment = loadWorkloads().html.small
  const routeList = routes(comment)
  const started = []
  const failedToStart = []
  const cleanup = async () => Promise.all(started.map((st) => st.stop()))
  process.once('SIGINT', () => cleanup().then(() => process.exit(130)))

  if (s.cpus && s.loadGenerator === 'autocannon' && !pinSelf(s.cpus.load)) s.cpus = null
  log(
    `rampart e2e: ${s.stacks.map((x) => x.name).join(', ')}; ${s.rounds} rounds × ${s.duration} s, ${s.connections} connections`,
  )
  log(setupLine(s))
  try {
    for (const def of s.stacks) {
      let stack
      try {
        stack = await startStack(def.name, def.module, { cpus: s.cpus && s.cpus.server })
      } catch (err) {
        failedToStart.push({ name: def.name, reason: `did not start: ${err.message.split('\n')[0]}` })
        log(`  ${def.name}: ${def.module} did not start:\n${err.message}`)
        continue
      }
      started.push(stack)
      const who = await login(stack, 'admin')
      stack.token = who.token
      stack.loginError = who.reason
      log(
        `  ${def.name}: ${stack.module} on port ${stack.port} (pid ${stack.pid})${who.token ? '' : `; ${who.reason}`}`,
      )
    }
    const skip = {}
    for (const route of routeList) {
      for (const stack of started) {
        const why = await preflight(stack, route, stack.token)
        if (why) {
          skip[`${stack.name} ${route.path}`] = why
          log(`  ${stack.name} ${route.name}: ${why}; not measured`)
        }
      }
    }
    const live = (stack, route) => !skip[`${stack.name} ${route.path}`]

    if (s.warmup > 0) {
      log(`warm-up: ${s.warmup} s per stack and route`)
      for (const route of routeList) {
        for (const stack of started) {
          if (live(stack, route)) await load(s, stack, route, s.warmup)
        }
      }
    }

    const samples = {}
    for (let r = 0; r < s.rounds; r++) {
      for (const route of routeList) {
        for (const stack of rotate(started, r)) {
          if (!live(stack, route)) continue
          const res = await load(s, stack, route, s.duration)
          ;(samples[`${route.path} ${stack.name}`] ||= []).push(res)
          log(
            `  round ${r + 1}/${s.rounds} ${route.name} ${stack.name}: ${formatNumber(res.reqPerSec)} req/s, ` +
              `p50 ${res.p50} ms, p99 ${res.p99} ms, ${formatNumber(res.cpuUsPerRequest)} µs CPU/req${res.non2xx || res.errors ? `, non-2xx ${res.non2xx}, errors ${res.errors}` : ''}`,
          )
        }
      }
    }

    const argv = process.argv.slice(2)
    const report = {
      measuredAt: new Date().toISOString(),
      command:
        process.env.npm_lifecycle_event === 'bench:e2e'
          ? 'npm run bench:e2e'
          : `node bench/e2e/run.js${argv.length ? ` ${argv.join(' ')}` : ''}`,
      machine: describeMachine(),
      settings: {
        duration: s.duration,
        connections: s.connections,
        rounds: s.rounds,
        warmup: s.warmup,
        loadGenerator: s.loadGenerator,
        cpus: s.cpus,
      },
      setup: setupLine(s),
      rampartModule: (s.stacks.find((x) => x.name === 'rampart') || {}).module || 'examples/server.js',
      target: TARGET,
      routes: routeList.map((route) => {
        const stacks = started.map((stack) => {
          const list = samples[`${route.path} ${stack.name}`]
          if (!list) return { name: stack.name, skipped: skip[`${stack.name} ${route.path}`] || 'no samples' }
          return {
            name: stack.name,
            reqPerSec: median(list.map((x) => x.reqPerSec)),
            p50: median(list.map((x) => x.p50)),
            p99: median(list.map((x) => x.p99)),
            cpuUsPerRequest: median(list.map((x) => x.cpuUsPerRequest)),
            non2xx: list.reduce((a, x) => a + x.non2xx, 0),
            errors: list.reduce((a, x) => a + x.errors, 0),
            samples: list,
          }
        })
        for (const f of failedToStart) stacks.push({ name: f.name, skipped: f.reason })
        const bare = stacks.find((x) => x.name === 'bare' && !x.skipped)
        const dict = stacks.find((x) => x.name === 'bare-dict' && !x.skipped)
        for (const st of stacks) {
          st.ratio = bare && !st.skipped ? st.reqPerSec / bare.reqPerSec : NaN
          st.dictRatio = dict && !st.skipped ? st.reqPerSec / dict.reqPerSec : NaN
          st.cpuRatio = bare && !st.skipped ? bare.cpuUsPerRequest / st.cpuUsPerRequest : NaN
        }
        return { name: route.name, method: route.method, path: route.path, stacks }
      }),
    }

    fs.mkdirSync(s.outDir, { recursive: true })
    fs.writeFileSync(path.join(s.outDir, 'e2e.json'), `${JSON.stringify(report, null, 2)}\n`)
    fs.writeFileSync(path.join(s.outDir, 'E2E.md'), markdown(report))
    fs.writeFileSync(path.join(s.outDir, 'e2e.svg'), chart(report))
    log('')
    for (const route of report.routes) {
      log(route.name)
      for (const st of route.stacks) {
        if (st.skipped) log(`  ${st.name.padEnd(9)} not measured: ${st.skipped}`)
        else
          log(
            `  ${st.name.padEnd(9)} ${formatNumber(st.reqPerSec).padStart(9)} req/s  p50 ${formatNumber(st.p50)} ms  ` +
              `p99 ${formatNumber(st.p99)} ms  ${formatRatio(st.ratio)} of bare  ` +
              `${formatNumber(st.cpuUsPerRequest)} µs CPU/req  non-2xx ${st.non2xx}  errors ${st.errors}`,
          )
      }
    }
    log(`\nwrote ${path.relative(process.cwd(), path.join(s.outDir, 'E2E.md'))} and e2e.svg`)
    const bad = report.routes.flatMap((r) => r.stacks).filter((st) => !st.skipped && (st.non2xx || st.errors))
    if (failedToStart.length) {
      console.error(`rampart e2e: ${failedToStart.map((f) => `${f.name} ${f.reason}`).join('; ')}`)
      process.exitCode = 1
    }
    if (bad.length) {
      console.error('rampart e2e: some stacks answered non-2xx or failed requests under load (see the table)')
      process.exitCode = 1
    }
  } finally {
    await cleanup()
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`rampart e2e: ${err && err.stack ? err.stack : err}`)
    process.exitCode = 1
  })
}

module.exports = { routes, markdown, chart }
