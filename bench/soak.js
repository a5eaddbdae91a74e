#!/usr/bin/env node
'use strict'
// `npm run soak`: 1,000,000 requests across every route of the rampart example API, with the
// server's resident memory sampled every second from /proc/<pid>/status. Passes when, after a
// warm-up, RSS grows by no more than the bound, and every response was the intended one: 2xx on
// the good requests, and the 4xx each deliberately bad request asks for (401 for a forged or
// missing token, 403 for a user on the admin route, 400 for an invalid comment; 429 when rate
// limited counts as intended too). Writes bench/SOAK.md; exits non-zero when a check fails.
//
// Environment: SOAK_REQUESTS (1000000), SOAK_MAX_SECONDS (600: the whole load, warm-up
// included, stops there), SOAK_RSS_BOUND_MB (64), SOAK_CONNECTIONS (50), SOAK_MODULE
// (examples/server.js), SOAK_OUT_DIR (bench/).
const fs = require('node:fs')
const path = require('node:path')
const autocannon = require('autocannon')
const { startStack, login } = require('./e2e/stack')
const { loadWorkloads } = require('./workloads')
const { formatNumber, formatCount } = require('./lib/stats')
const { describeMachine, machineLine } = require('./lib/machine')
const { numberEnv } = require('./lib/env')

function settings() {
  return {
    requests: Math.round(numberEnv('SOAK_REQUESTS', 1_000_000, 100)),
    maxSeconds: numberEnv('SOAK_MAX_SECONDS', 600, 1),
    boundMB: numberEnv('SOAK_RSS_BOUND_MB', 64, 0),
    connections: Math.round(numberEnv('SOAK_CONNECTIONS', 50, 1)),
    module: process.env.SOAK_MODULE || 'examples/server.js',
    outDir: path.resolve(process.env.SOAK_OUT_DIR || __dirname),
  }
}

/** VmRSS of a process in MiB, or NaN when it cannot be read (process gone, no /proc). */
function rssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

/** The request mix: every route, good and deliberately bad, each with the statuses it may get. */
function requestMix(tokens, comment) {
  const json = { 'content-type': 'application/json' }
  const bearer = (t) => ({ authorization: `Bearer ${t}` })
  const forged = `${tokens.admin.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`
  const mix = [
    { name: 'GET / (public)', method: 'GET', path: '/', expect: [200] },
    {
      name: 'GET /api/profile',
      method: 'GET',
      path: '/api/profile',
      headers: bearer(tokens.admin),
      expect: [200],
    },
    {
      name: 'POST /api/comments',
      method: 'POST',
      path: '/api/comments',
      headers: { ...bearer(tokens.admin), ...json },
      body: JSON.stringify({ text: comment }),
      expect: [200, 201],
    },
    {
      name: 'GET /admin/data (admin)',
      method: 'GET',
      path: '/admin/data',
      headers: bearer(tokens.admin),
      expect: [200],
    },
    {
      name: 'GET /api/profile, forged token',
      method: 'GET',
      path: '/api/profile',
      headers: bearer(forged),
      expect: [401],
    },
    { name: 'GET /api/profile, no token', method: 'GET', path: '/api/profile', expect: [401] },
    {
      name: 'POST /api/comments, invalid body',
      method: 'POST',
      path: '/api/comments',
      headers: { ...bearer(tokens.admin), ...json },
      body: JSON.stringify({ text: 42, extra: true }),
      expect: [400, 422],
    },
  ]
  if (tokens.user) {
    mix.push({
      name: 'GET /admin/data (user role)',
      method: 'GET',
      path: '/admin/data',
      headers: bearer(tokens.user),
      expect: [403],
    })
  }
  for (const r of mix) r.expect.push(429) // a rate limit answering is intended behaviour too
  return mix
}

function runLoad(url, mix, amount, connections, deadline, counts) {
  return new Promise((resolve, reject) => {
    const requests = mix.map((r) => ({
      method: r.method,
      path: r.path,
      headers: r.headers || {},
      body: r.body,
      onResponse: (status) => {
        const c = counts[r.name]
        c[status] = (c[status] || 0) + 1
        if (!r.expect.includes(status)) c.unexpected++
      },
    }))
    const instance = autocannon({ url, connections, amount, requests, timeout: 10 }, (err, res) => {
      clearTimeout(timer)
      if (err) reject(err)
      else resolve(res)
    })
    const timer = setTimeout(() => instance.stop(), Math.max(0, deadline - Date.now()))
  })
}

function markdown(r) {
  const s = r.settings
  const lines = [
    '# rampart soak test',
    '',
    `${formatCount(r.sent)} requests (${formatCount(s.requests)} asked) across every route of ${s.module}, ` +
      `${s.connections} connections, in ${r.seconds.toFixed(1)} s (${formatNumber(r.sent / r.seconds)} req/s), ` +
      `the server's RSS sampled every second from /proc/<pid>/status.`,
    '',
    `Measured ${r.measuredAt.replace('T', ' ').slice(0, 16)} UTC with \`${r.command}\`. ${machineLine(r.machine)}.`,
    '',
    `**Result: ${r.pass ? 'PASS' : 'FAIL'}**${r.failures.length ? `: ${r.failures.join('; ')}` : ''}`,
    '',
    '## Memory (RSS of the server process)',
    '',
    '| at start | after warm-up | final | max after warm-up | growth after warm-up (final) | growth (max) | bound |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${r.rss.start.toFixed(1)} MiB | ${r.rss.warm.toFixed(1)} MiB | ${r.rss.final.toFixed(1)} MiB | ` +
      `${r.rss.max.toFixed(1)} MiB | ${r.rss.growth.toFixed(1)} MiB | ${r.rss.maxGrowth.toFixed(1)} MiB | ≤ ${s.boundMB} MiB |`,
    '',
    `Warm-up: the first ${formatCount(r.warmupRequests)} requests; the warm-up RSS is sampled after it, once the`,
    'server is idle. "Final" is sampled 2 s after the load ends. The bound applies to final − warm-up.',
    '',
    'RSS over the run (MiB, every ~10%):',
    '',
    `\`${r.rssTimeline.map((x) => x.toFixed(0)).join(' → ')}\``,
    '',
    '## Responses',
    '',
    '| request | intended | answers | unexpected |',
    '|---|---|---|---:|',
  ]
  for (const m of r.mix) {
    const c = r.counts[m.name]
    const answers = Object.keys(c)
      .filter((k) => k !== 'unexpected')
      .map((k) => `${k}: ${formatCount(c[k])}`)
      .join(', ')
    lines.push(`| ${m.name} | ${m.expect.join(', ')} | ${answers || 'none'} | ${c.unexpected} |`)
  }
  lines.push(
    '',
    `Socket errors and timeouts: ${r.errors}. Requests cut off by the time bound: ${Math.max(0, s.requests - r.sent).toLocaleString('en-US')}.`,
    '',
  )
  return lines.join('\n')
}

async function main() {
  const s = settings()
  const log = (line) => console.log(line)
  const comment = loadWorkloads().html.small
  const stack = await startStack('rampart', s.module)
  const stop = () => stack.stop()
  process.once('SIGINT', () => stop().then(() => process.exit(130)))
  try {
    const admin = await login(stack, 'admin')
    if (!admin.token) throw new Error(`the soak needs the full API, but ${admin.reason}`)
    const user = await login(stack, 'user')
    const mix = requestMix({ admin: admin.token, user: user.token }, comment)
    const counts = Object.fromEntries(mix.map((m) => [m.name, { unexpected: 0 }]))
    log(
      `rampart soak: ${formatCount(s.requests)} requests against ${stack.module} (pid ${stack.pid}), ` +
        `at most ${s.maxSeconds} s, RSS bound ${s.boundMB} MiB`,
    )

    const samples = []
    const sample = () => samples.push({ t: Date.now(), rss: rssMB(stack.pid) })
    sample()
    const startRss = samples[0].rss
    const sampler = setInterval(sample, 1000)
    const progress = setInterval(() => {
      const done = Object.values(counts).reduce(
        (a, c) => a + Object.entries(c).reduce((b, [k, v]) => b + (k === 'unexpected' ? 0 : v), 0),
        0,
      )
      log(
        `  ${formatCount(done)} / ${formatCount(s.requests)} requests, RSS ${samples[samples.length - 1].rss.toFixed(1)} MiB`,
      )
    }, 10000)

    const t0 = Date.now()
    const deadline = t0 + s.maxSeconds * 1000
    const warmupRequests = Math.min(50_000, Math.round(s.requests * 0.1))
    const warm = await runLoad(stack.url, mix, warmupRequests, s.connections, deadline, counts)
    await new Promise((r) => setTimeout(r, 1000))
    const warmRss = rssMB(stack.pid)
    const warmIndex = samples.length
    log(`  warm-up done (${formatCount(warm.requests.total)} requests): RSS ${warmRss.toFixed(1)} MiB`)
    const main = await runLoad(stack.url, mix, s.requests - warmupRequests, s.connections, deadline, counts)
    const seconds = (Date.now() - t0) / 1000
    clearInterval(progress)
    await new Promise((r) => setTimeout(r, 2000))
    clearInterval(sampler)
    const finalRss = rssMB(stack.pid)
    const alive = stack.child.exitCode === null && stack.child.signalCode === null

    const after = samples
      .slice(warmIndex)
      .map((x) => x.rss)
      .filter(Number.isFinite)
    const maxRss = Math.max(warmRss, finalRss, ...after)
    const all = samples.map((x) => x.rss).filter(Number.isFinite)
    const timeline = Array.from(
      { length: 11 },
      (_, i) => all[Math.min(all.length - 1, Math.round((i * (all.length - 1)) / 10))],
    )
    const sent = warm.requests.total + main.requests.total
    const errors = warm.errors + warm.timeouts + main.errors + main.timeouts
    const unexpected = Object.values(counts).reduce((a, c) => a + c.unexpected, 0)
    const growth = finalRss - warmRss

    const failures = []
    if (!alive) failures.push('the server process died')
    if (!Number.isFinite(growth)) failures.push('RSS could not be read from /proc')
    else if (growth > s.boundMB)
      failures.push(`RSS grew ${growth.toFixed(1)} MiB after warm-up (bound ${s.boundMB} MiB)`)
    if (unexpected) failures.push(`${unexpected} unexpected responses`)
    if (errors) failures.push(`${errors} socket errors or timeouts`)

    const report = {
      measuredAt: new Date().toISOString(),
      command: process.env.npm_lifecycle_event === 'soak' ? 'npm run soak' : 'node bench/soak.js',
      machine: describeMachine(),
      settings: s,
      sent,
      seconds,
      warmupRequests: warm.requests.total,
      errors,
      mix: mix.map((m) => ({ name: m.name, expect: m.expect })),
      counts,
      rss: {
        start: startRss,
        warm: warmRss,
        final: finalRss,
        max: maxRss,
        growth,
        maxGrowth: maxRss - warmRss,
      },
      rssTimeline: timeline,
      pass: failures.length === 0,
      failures,
    }
    fs.mkdirSync(s.outDir, { recursive: true })
    fs.writeFileSync(path.join(s.outDir, 'SOAK.md'), markdown(report))
    log(
      `\n${formatCount(sent)} requests in ${seconds.toFixed(1)} s; RSS start ${startRss.toFixed(1)}, ` +
        `after warm-up ${warmRss.toFixed(1)}, final ${finalRss.toFixed(1)}, max ${maxRss.toFixed(1)} MiB; ` +
        `growth ${growth.toFixed(1)} MiB (bound ${s.boundMB}); unexpected responses ${unexpected}; errors ${errors}`,
    )
    log(
      `${report.pass ? 'PASS' : `FAIL: ${failures.join('; ')}`}\nwrote ${path.relative(process.cwd(), path.join(s.outDir, 'SOAK.md'))}`,
    )
    if (!report.pass) process.exitCode = 1
  } finally {
    await stop()
  }
}

if (require.main === module) {
  main().catch((err) => {
    // Set-up failures (no /login, a server that will not start) are reported in one line.
    console.error(`rampart soak: ${process.env.DEBUG ? err.stack : (err && err.message) || err}`)
    process.exitCode = 2
  })
}

module.exports = { requestMix, rssMB }
