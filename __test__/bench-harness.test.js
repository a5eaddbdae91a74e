'use strict'
// The micro-benchmark harness: bench/run.js, bench/lib/*, bench/chart.js. Runs the real run.js on
// throwaway groups in a temporary folder, with tiny time windows.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { runCase, parseArgs, ratioFor } = require('../bench/run')
const { median, rotate, formatRatio } = require('../bench/lib/stats')
const { renderBarChart } = require('../bench/chart')

const RUN = path.join(__dirname, '..', 'bench', 'run.js')
const quick = { rounds: 3, timeMs: 5, warmupMs: 2 }

test('median, rotate and ratio formatting', () => {
  assert.equal(median([3, 1, 2]), 2)
  assert.equal(median([4, 1, 3, 2]), 2.5)
  assert.ok(Number.isNaN(median([])))
  assert.deepEqual(rotate(['a', 'b', 'c'], 1), ['b', 'c', 'a'])
  assert.deepEqual(rotate(['a', 'b', 'c'], 4), ['b', 'c', 'a'])
  assert.equal(formatRatio(3.456), '3.46×')
  assert.equal(formatRatio(123.4), '123×')
  assert.equal(ratioFor(200, 100, false), 2)
  assert.equal(ratioFor(100, 400, true), 4)
})

test('parseArgs: filters, --rounds, --time and env defaults', () => {
  const o = parseArgs(['jwt', '--rounds', '5', '--time=50'], { BENCH_ROUNDS: '7' })
  assert.deepEqual(o.filters, ['jwt'])
  assert.equal(o.rounds, 5)
  assert.equal(o.timeMs, 50)
  assert.equal(parseArgs([], { BENCH_ROUNDS: '7' }).rounds, 7)
  assert.equal(parseArgs([], {}).rounds, 3)
  assert.throws(() => parseArgs(['--rounds', '0'], {}), /positive integer/)
  assert.throws(() => parseArgs(['--bogus'], {}), /unknown option/)
})

test('a throughput case: interleaved rounds, medians, ratios and the target verdict', async () => {
  let slowCalls = 0
  const out = await runCase(
    {
      name: 'sum',
      target: { peer: 'slow', ratio: 2 },
      fns: {
        rampart: () => 1 + 1,
        slow: () => {
          slowCalls++
          let s = 0
          for (let i = 0; i < 2000; i++) s += i
          return s
        },
      },
    },
    quick,
    () => {},
  )
  assert.equal(out.error, undefined)
  assert.deepEqual(
    out.contenders.map((c) => c.name),
    ['rampart', 'slow'],
  )
  for (const c of out.contenders) {
    assert.equal(c.samples.length, 3)
    assert.equal(c.value, median(c.samples))
  }
  assert.ok(slowCalls > 3)
  assert.ok(out.ratios.slow > 2, `ratio ${out.ratios.slow}`)
  assert.equal(out.met, true)
})

test('a contender that throws fails its case, not the run', async () => {
  const out = await runCase(
    { name: 'bad', fns: { rampart: () => 1, broken: () => JSON.parse('{') } },
    quick,
    () => {},
  )
  assert.match(out.error, /broken threw on its first call/)
  const rejected = await runCase(
    { name: 'async bad', fns: { rampart: async () => Promise.reject(new Error('nope')) } },
    quick,
    () => {},
  )
  assert.match(rejected.error, /rampart threw on its first call: nope/)
  let calls = 0
  const later = await runCase(
    {
      name: 'throws later',
      fns: {
        rampart: () => {
          if (++calls > 5) throw new Error('cache full')
        },
      },
    },
    quick,
    () => {},
  )
  assert.match(later.error, /rampart threw while being timed: cache full/)
  assert.match((await runCase(null, quick, () => {})).error, /must be an object/)
  const shapeless = await runCase({ name: 'empty' }, quick, () => {})
  assert.match(shapeless.error, /needs fns .* or measure/)
})

test('async contenders are awaited', async () => {
  let inflight = 0
  let maxInflight = 0
  const out = await runCase(
    {
      name: 'async',
      fns: {
        rampart: async () => {
          inflight++
          maxInflight = Math.max(maxInflight, inflight)
          await null
          inflight--
        },
      },
    },
    quick,
    () => {},
  )
  assert.equal(out.error, undefined)
  assert.equal(maxInflight, 1)
})

test('a measure case: medians, lower-is-better ratios', async () => {
  let round = 0
  const out = await runCase(
    {
      name: 'bytes per key',
      unit: 'B/key',
      lowerIsBetter: true,
      target: { peer: 'peer', ratio: 3 },
      measure: async () => ({ rampart: [100, 120, 110][round++], peer: 400 }),
    },
    quick,
    () => {},
  )
  assert.equal(out.contenders[0].value, 110)
  assert.equal(out.ratios.peer, 400 / 110)
  assert.equal(out.met, true)
  const bad = await runCase({ name: 'nan', measure: async () => ({ rampart: 'x' }) }, quick, () => {})
  assert.match(bad.error, /non-number/)
})

test('the chart escapes labels and draws failed rows', () => {
  const svg = renderBarChart({
    title: 'A & B <test>',
    sections: [
      {
        title: 'group',
        rows: [
          { label: 'fast <b>', value: 12, target: 3 },
          { label: 'slow', value: 0.5 },
          { label: 'failed', value: NaN, text: 'failed' },
        ],
      },
    ],
  })
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  assert.ok(svg.includes('A &amp; B &lt;test&gt;'))
  assert.ok(svg.includes('fast &lt;b&gt;'))
  assert.ok(!svg.includes('<b>'))
  assert.ok(!svg.includes('NaN'))
  assert.equal((svg.match(/<svg/g) || []).length, (svg.match(/<\/svg>/g) || []).length)
  const linear = renderBarChart({
    title: 't',
    scale: 'linear',
    sections: [{ title: 's', rows: [{ label: 'x', value: 0.7, target: 0.9 }] }],
  })
  assert.ok(!linear.includes('NaN'))
})

function tmpBench() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-'))
  const groups = path.join(dir, 'groups')
  fs.mkdirSync(groups)
  const write = (name, body) => fs.writeFileSync(path.join(groups, `${name}.js`), body)
  const run = (args) =>
    spawnSync(process.execPath, [RUN, ...args], {
      encoding: 'utf8',
      timeout: 60000,
      env: {
        ...process.env,
        BENCH_GROUPS_DIR: groups,
        BENCH_OUT_DIR: path.join(dir, 'out'),
        BENCH_TIME_MS: '10',
        BENCH_WARMUP_MS: '5',
      },
    })
  return { dir, write, run, out: (f) => fs.readFileSync(path.join(dir, 'out', f), 'utf8') }
}

const GROUP = (name, extra = '') => `'use strict'
module.exports = {
  name: '${name}',
  title: '${name} title',
  cases(w) {
    if (!w.jwt || !w.validation || !w.html) throw new Error('workloads missing')
    return [
      { name: 'concat', target: { peer: 'join', ratio: 1000 }, fns: { rampart: () => 'a' + 'b', join: () => ['a', 'b'].join('') } },
      ${extra}
    ]
  },
}
`

test('run.js: progress, RESULTS.md, results.svg; a group run alone merges into the results', () => {
  const b = tmpBench()
  b.write(
    'alpha',
    GROUP('alpha', "{ name: 'throws', fns: { rampart: () => { throw new Error('kaput') } } },"),
  )
  b.write('beta', GROUP('beta'))
  const first = b.run([])
  assert.equal(first.status, 1, 'a failed case makes the exit code 1')
  assert.match(first.stdout, /\[alpha 1\/2\] case 1\/2: concat/)
  assert.match(first.stdout, /round 3\/3/)
  assert.match(first.stdout, /FAILED: rampart threw on its first call: kaput/)
  assert.match(first.stderr, /1 case\(s\) failed/)
  const md = b.out('RESULTS.md')
  assert.match(md, /## alpha: alpha title/)
  assert.match(md, /## beta: beta title/)
  assert.match(md, /\| concat \| rampart \| [\d,.]+ ops\/s \| — \|/)
  assert.match(md, /\| {2}\| join \| [\d,.]+ ops\/s \| [\d.]+× \| ≥ 1000× vs join \| \*\*no\*\* \|/)
  assert.match(md, /Intel|AMD|cores/)
  assert.match(md, /\*\*failed\*\*: rampart threw on its first call: kaput/)
  const betaBefore = md.slice(md.indexOf('<!-- group: beta -->'))
  assert.match(b.out('results.svg'), /alpha: alpha title/)

  // Re-measure only alpha (now without the failing case): beta's section stays as it was.
  b.write('alpha', GROUP('alpha'))
  const second = b.run(['alph', '--rounds', '3'])
  assert.equal(second.status, 0, second.stderr)
  assert.doesNotMatch(second.stdout, /\[beta/)
  const md2 = b.out('RESULTS.md')
  assert.doesNotMatch(md2, /kaput/)
  assert.equal(md2.slice(md2.indexOf('<!-- group: beta -->')), betaBefore)
  assert.match(md2, /`node bench\/run.js alph --rounds 3`/)
  assert.deepEqual(Object.keys(JSON.parse(b.out('results.json')).groups).sort(), ['alpha', 'beta'])
  fs.rmSync(b.dir, { recursive: true, force: true })
})

test('run.js: a group file that fails to load is reported; the others still run', () => {
  const b = tmpBench()
  b.write('alpha', GROUP('alpha'))
  b.write('broken', "'use strict'\nrequire('./no-such-module')\n")
  const r = b.run(['--rounds', '1'])
  assert.equal(r.status, 1)
  assert.match(r.stdout, /\[alpha/)
  assert.match(r.stdout, /loading broken.js[\s\S]*FAILED: Cannot find module '.\/no-such-module'/)
  assert.match(b.out('RESULTS.md'), /## broken: broken/)
  fs.rmSync(b.dir, { recursive: true, force: true })
})

test('run.js: an unknown group filter says which groups exist', () => {
  const b = tmpBench()
  b.write('alpha', GROUP('alpha'))
  const r = b.run(['nosuch'])
  assert.equal(r.status, 1)
  assert.match(r.stderr, /no group matches nosuch; groups: alpha/)
  fs.rmSync(b.dir, { recursive: true, force: true })
})
