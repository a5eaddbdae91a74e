'use strict'
// A short version of `npm run leak`: every native entry point in a loop for 15 s (LEAK_SECONDS)
// while RSS is sampled; RSS must stay flat after the warm-up.
const test = require('node:test')
const assert = require('node:assert')
const { run } = require('../scripts/leak')

test('leak: RSS stays flat over a loop of every native entry point', { timeout: 120_000 }, async (t) => {
  const seconds = Number(process.env.LEAK_SECONDS || 15)
  // RSS takes a one-time step of ~15 MB about 10 s into the process, with the JS heap flat
  // and no growth after it (the 10-minute `npm run leak` stays flat); warm up past it.
  const r = await run({ seconds, maxGrowthMb: 12, warmupSeconds: 15 })
  t.diagnostic(`${r.rounds} rounds; RSS ${r.first.toFixed(1)} -> ${r.last.toFixed(1)} MB`)
  assert.ok(r.rounds > 1000, `only ${r.rounds} rounds`)
  assert.ok(r.ok, `RSS grew by ${r.growth.toFixed(1)} MB: ${r.samples.map((s) => s.toFixed(0)).join(' ')}`)
})
