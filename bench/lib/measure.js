'use strict'
// The timing loop for throughput cases. Each contender gets its own compiled loop (so the call
// site inside it stays monomorphic, as it would be in an app), runs in batches sized to ~10 ms,
// and the result is operations per second over the whole timed window.

const BATCH_TARGET_NS = 10e6

/** A fresh loop function per contender: `new Function` gives each its own type feedback. */
function makeSyncLoop() {
  return new Function('fn', 'n', 'let r; for (let i = 0; i < n; i++) r = fn(); return r')
}

function makeAsyncLoop() {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor
  return new AsyncFunction('fn', 'n', 'let r; for (let i = 0; i < n; i++) r = await fn(); return r')
}

/**
 * Calls fn once and reports whether it works and whether it is async. Never throws: a contender
 * that fails its first call is reported, and the rest of the run goes on.
 */
async function probe(fn) {
  try {
    const first = fn()
    if (first && typeof first.then === 'function') {
      await first
      return { ok: true, isAsync: true }
    }
    return { ok: true, isAsync: false }
  } catch (err) {
    return { ok: false, error: err }
  }
}

class Contender {
  constructor(name, fn, isAsync) {
    this.name = name
    this.fn = fn
    this.isAsync = isAsync
    this.loop = isAsync ? makeAsyncLoop() : makeSyncLoop()
    this.batch = 1
    this.sink = undefined
  }

  async runBatch(n) {
    const start = process.hrtime.bigint()
    this.sink = this.isAsync ? await this.loop(this.fn, n) : this.loop(this.fn, n)
    return Number(process.hrtime.bigint() - start)
  }

  /** Grows the batch until one takes about 10 ms. */
  async calibrate() {
    let n = this.batch
    for (;;) {
      const ns = await this.runBatch(n)
      if (ns >= BATCH_TARGET_NS / 4 || n >= 2 ** 26) {
        this.batch = Math.max(1, Math.round((n * BATCH_TARGET_NS) / Math.max(ns, 1)))
        return
      }
      n *= ns < BATCH_TARGET_NS / 100 ? 16 : 2
    }
  }

  /** Runs batches for at least timeMs; returns operations per second. */
  async opsPerSecond(timeMs) {
    const budget = timeMs * 1e6
    let ops = 0
    let ns = 0
    while (ns < budget) {
      ns += await this.runBatch(this.batch)
      ops += this.batch
    }
    return (ops * 1e9) / ns
  }
}

module.exports = { probe, Contender }
