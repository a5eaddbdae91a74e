'use strict'
// RedisStore on a real Redis Cluster (3 primaries, 3 replicas, started from the machine's
// redis-server for this file and torn down after it) and on the single Redis at
// 127.0.0.1:6379: the same store suite on both, with ioredis, node-redis and sendCommand;
// MOVED/ASK during a slot migration; NOSCRIPT per node; clock: 'redis' against app servers
// whose clocks differ by 5 s; shards: N for a hot key; and a primary killed under load.
// No redis-server → the cluster tests skip with one line; under CI=true they fail.
const test = require('node:test')
const assert = require('node:assert')
const IORedis = require('ioredis')
const { createClient, createCluster } = require('redis')
const { serve } = require('./helpers/serve')
const { appWith, statuses } = require('./helpers/limited-app')
const { startCluster, missingRedis } = require('./helpers/redis-cluster')
const rateLimit = require('../lib/rate-limit')
const { keySlot, spreadTags } = require('../lib/rate-limit/redis/slots')
const { reachable } = require('./helpers/reachable')

const { RedisStore } = rateLimit
const CI = process.env.CI === 'true'
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
const { hostname: REDIS_HOST, port: REDIS_PORT_TEXT } = new URL(REDIS_URL)
const REDIS_PORT = Number(REDIS_PORT_TEXT || 6379)
const RUN = `rampart-ct:${process.pid}:${Date.now()}:`
const silent = { warn() {}, error() {} }

let cluster = null
let clusterSkip = false
let singleSkip = false
const opened = []

test.before(async () => {
  if (!(await reachable(REDIS_PORT, REDIS_HOST))) {
    if (CI) throw new Error(`CI=true but Redis is not reachable at ${REDIS_URL}`)
    singleSkip = `Redis is not reachable at ${REDIS_URL}`
    console.log(`# skipping single-Redis RedisStore tests: ${singleSkip}`)
  }
  const missing = missingRedis()
  if (missing) {
    if (CI) throw new Error(`CI=true but the Redis Cluster tests cannot run: ${missing}`)
    clusterSkip = `${missing}, so no Redis Cluster can be started`
    console.log(`# skipping Redis Cluster tests: ${clusterSkip}`)
    return
  }
  cluster = await startCluster()
})

test.after(async () => {
  for (const close of opened.reverse()) await close().catch(() => {})
  if (cluster) cluster.stop()
})

// Client factories. Each returns { client, call(...args) } and registers its own close.
const connect = {
  async ioredis() {
    const client = new IORedis(REDIS_PORT, REDIS_HOST, { lazyConnect: true })
    await client.connect()
    opened.push(async () => client.disconnect())
    return { client, call: (...a) => client.call(...a) }
  },
  async 'node-redis'() {
    const client = createClient({ url: REDIS_URL })
    client.on('error', () => {})
    await client.connect()
    opened.push(() => client.disconnect())
    return { client, call: (...a) => client.sendCommand(a) }
  },
  async 'ioredis Cluster'(options = {}) {
    const client = new IORedis.Cluster(cluster.nodes, { lazyConnect: true, ...options })
    client.on('error', () => {})
    await client.connect()
    opened.push(async () => client.disconnect())
    return { client, call: (...a) => client.call(...a) }
  },
  async 'node-redis createCluster'() {
    const client = createCluster({
      rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })),
    })
    client.on('error', () => {})
    await client.connect()
    opened.push(() => client.disconnect())
    return { client, call: (...a) => client.sendCommand(a[1], false, a) }
  },
}

// Store options per target: a client, or a sendCommand function.
const targets = [
  {
    name: 'single Redis, ioredis',
    on: 'single',
    make: async () => ({ client: (await connect.ioredis()).client }),
  },
  {
    name: 'single Redis, node-redis',
    on: 'single',
    make: async () => ({ client: (await connect['node-redis']()).client }),
  },
  {
    name: 'cluster, ioredis Cluster',
    on: 'cluster',
    make: async () => ({ client: (await connect['ioredis Cluster']()).client }),
  },
  {
    name: 'cluster, node-redis createCluster',
    on: 'cluster',
    make: async () => ({ client: (await connect['node-redis createCluster']()).client }),
  },
  {
    name: 'cluster, sendCommand over ioredis Cluster',
    on: 'cluster',
    make: async () => {
      const { client } = await connect['ioredis Cluster']()
      return { sendCommand: (...args) => client.call(...args), lister: client }
    },
    // A bare function reaches only the node that answers: SCAN sees one primary.
    resetAllSeesOneNode: true,
  },
]
const skipped = (target) => (target.on === 'cluster' ? clusterSkip : singleSkip)

/** Every key under `prefix` on every primary of the target. */
async function keysUnder(options, prefix) {
  const found = []
  const store = new RedisStore(options.lister ? { client: options.lister } : options)
  for (const send of await store.redis.primaries()) found.push(...(await send(['KEYS', `${prefix}*`])))
  return found.sort()
}

for (const target of targets) {
  test(`RedisStore suite (${target.name}): counts, headers, getKey/resetKey, resetAll, both algorithms, both clocks`, async (t) => {
    if (skipped(target)) return t.skip(skipped(target))
    const options = await target.make()
    for (const algorithm of ['fixed-window', 'gcra']) {
      for (const clock of ['js', 'redis']) {
        const prefix = `${RUN}suite:${target.on}:${target.name.length}:${algorithm}:${clock}:`
        const storeOptions = { ...options }
        delete storeOptions.lister
        const store = new RedisStore({ ...storeOptions, prefix, clock })
        const limiter = rateLimit({
          store,
          limit: 3,
          algorithm,
          standardHeaders: 'draft-7',
          legacyHeaders: false,
        })
        const s = await serve(appWith(limiter))
        try {
          assert.deepStrictEqual(await statuses(s.url, 5), [200, 200, 200, 429, 429], `${algorithm}/${clock}`)
          const r = await fetch(s.url)
          // Redis's clock: reset still reads as seconds from this server's now.
          const reset =
            algorithm === 'gcra'
              ? /^limit=3, remaining=0, reset=(19|20)$/
              : /^limit=3, remaining=0, reset=(59|60)$/
          assert.match(r.headers.get('ratelimit'), reset, `${algorithm}/${clock}`)
          assert.deepStrictEqual(await keysUnder(options, prefix), [`${prefix}127.0.0.1`])
          const info = await limiter.getKey('127.0.0.1')
          assert.ok(info.totalHits >= 3, `${algorithm}/${clock}: getKey sees the hits`)
          await limiter.resetKey('127.0.0.1')
          assert.strictEqual((await fetch(s.url)).status, 200)
          // Many keys spread over the cluster's slots; resetAll finds them on every primary.
          for (let i = 0; i < 30; i++) await store.hit(`k${i}`, Date.now(), 3)
          assert.strictEqual((await keysUnder(options, prefix)).length, 31)
          if (target.resetAllSeesOneNode) {
            for (let i = 0; i < 30; i++) await store.resetKey(`k${i}`)
            await store.resetKey('127.0.0.1')
          } else await store.resetAll()
          assert.deepStrictEqual(await keysUnder(options, prefix), [])
        } finally {
          await s.close()
        }
      }
    }
  })
}

// ---- cluster only -------------------------------------------------------------------

/** An ioredis connection to one node, for inspecting and reshaping the cluster. */
async function admin(port) {
  const client = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 })
  client.on('error', () => {})
  await client.connect()
  opened.push(async () => client.disconnect())
  return client
}

/** { slot -> primary port } from CLUSTER SLOTS, asked of any live node. */
async function slotOwners(port) {
  const a = await admin(port)
  const owners = new Map()
  for (const [from, to, [, owner]] of await a.call('CLUSTER', 'SLOTS')) {
    for (let s = from; s <= to; s++) owners.set(s, owner)
  }
  return { owners, keyslot: async (key) => Number(await a.call('CLUSTER', 'KEYSLOT', key)) }
}

test('cluster: keys spread over the three primaries; the script is loaded once per node (NOSCRIPT → EVAL)', async (t) => {
  if (clusterSkip) return t.skip(clusterSkip)
  const { client } = await connect['ioredis Cluster']()
  for (const node of client.nodes('master')) await node.call('SCRIPT', 'FLUSH')
  const sent = []
  const prefix = `${RUN}noscript:`
  const store = new RedisStore({ sendCommand: (...a) => (sent.push(a[0]), client.call(...a)), prefix })
  store.init({ limit: 5, windowMs: 60_000 })
  for (let i = 0; i < 30; i++) assert.strictEqual((await store.increment(`k${i}`)).totalHits, 1)
  const { owners, keyslot } = await slotOwners(cluster.nodes[0].port)
  const nodesUsed = new Set()
  for (let i = 0; i < 30; i++) nodesUsed.add(owners.get(await keyslot(`${prefix}k${i}`)))
  assert.strictEqual(nodesUsed.size, 3, 'the keys landed on all three primaries')
  // One EVAL per primary: each node that had not seen the script answered NOSCRIPT once.
  assert.strictEqual(sent.filter((c) => c === 'EVAL').length, 3)
  assert.strictEqual(sent.filter((c) => c === 'EVALSHA').length, 30)
  sent.length = 0
  for (let i = 0; i < 30; i++) assert.strictEqual((await store.increment(`k${i}`)).totalHits, 2)
  assert.deepStrictEqual([...new Set(sent)], ['EVALSHA'])
  for (let i = 0; i < 30; i++) await store.resetKey(`k${i}`)
})

for (const name of ['ioredis Cluster', 'node-redis createCluster']) {
  test(`cluster (${name}): ASK during a slot migration and MOVED after it are followed by the client`, async (t) => {
    if (clusterSkip) return t.skip(clusterSkip)
    const { client } = await connect[name]()
    const prefix = `${RUN}moved:${name.length}:`
    const store = new RedisStore({ client, prefix })
    store.init({ limit: 5, windowMs: 60_000 })
    const tag = `{mv${name.length}}`
    const { owners, keyslot } = await slotOwners(cluster.nodes[0].port)
    const slot = await keyslot(`${prefix}${tag}a`)
    const srcPort = owners.get(slot)
    const dstPort = [...new Set(owners.values())].find((p) => p !== srcPort)
    const [src, dst] = [await admin(srcPort), await admin(dstPort)]
    const [srcId, dstId] = [await src.call('CLUSTER', 'MYID'), await dst.call('CLUSTER', 'MYID')]
    assert.strictEqual((await store.increment(`${tag}a`)).totalHits, 1)
    assert.strictEqual((await store.increment(`${tag}a`)).totalHits, 2)

    await dst.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', srcId)
    await src.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', dstId)
    // A key the source no longer has answers ASK there: the client must follow it.
    await assert.rejects(src.call('GET', `${prefix}${tag}b`), /^ReplyError: ASK /)
    assert.strictEqual((await store.increment(`${tag}b`)).totalHits, 1)
    await dst.call('ASKING')
    assert.strictEqual(
      await dst.call('EXISTS', `${prefix}${tag}b`),
      1,
      'the new key was written on the target',
    )
    assert.strictEqual(
      (await store.increment(`${tag}a`)).totalHits,
      3,
      'a key still on the source is served there',
    )

    const keys = await src.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)
    await src.call('MIGRATE', '127.0.0.1', dstPort, '', 0, 5000, 'KEYS', ...keys)
    for (const port of cluster.primaries()) {
      const node = await admin(port)
      await node.call('CLUSTER', 'SETSLOT', slot, 'NODE', dstId)
    }
    // The slot now lives on the target: the source answers MOVED, and the count carried over.
    await assert.rejects(src.call('GET', `${prefix}${tag}a`), /^ReplyError: MOVED /)
    const after = []
    for (let i = 0; i < 4; i++) after.push((await store.increment(`${tag}a`)).totalHits)
    assert.deepStrictEqual(after, [4, 5, 6, 7])
    await store.resetKey(`${tag}a`)
    await store.resetKey(`${tag}b`)
  })
}

/** A RedisStore on an app server whose clock is `skewMs` ahead of the others. */
class SkewedStore extends RedisStore {
  constructor(options, skewMs) {
    super(options)
    this.skewMs = skewMs
  }

  hit(key, now, limit) {
    return super.hit(key, now + this.skewMs, limit)
  }
}

for (const on of ['single', 'cluster']) {
  test(`one clock (${on}): two app servers 5 s apart share exact windows with clock: 'redis'`, async (t) => {
    const skip = on === 'cluster' ? clusterSkip : singleSkip
    if (skip) return t.skip(skip)
    const { client } = on === 'cluster' ? await connect['ioredis Cluster']() : await connect.ioredis()
    const limit = 10
    const admitted = {}
    for (const algorithm of ['fixed-window', 'gcra']) {
      for (const clock of ['js', 'redis']) {
        for (const order of ['A then B', 'interleaved', 'B then A']) {
          const prefix = `${RUN}skew:${on}:${algorithm}:${clock}:${order}:`
          const options = { client, prefix, clock }
          const make = (store) =>
            rateLimit({
              store,
              limit,
              windowMs: 4000,
              algorithm,
              keyGenerator: () => 'everyone',
              logger: silent,
            })
          const a = await serve(appWith(make(new SkewedStore(options, 0))))
          const b = await serve(appWith(make(new SkewedStore(options, 5000))))
          try {
            const urls =
              order === 'A then B'
                ? [...Array(limit + 5).fill(a.url), ...Array(limit + 5).fill(b.url)]
                : order === 'B then A'
                  ? [...Array(limit + 5).fill(b.url), ...Array(limit + 5).fill(a.url)]
                  : Array.from({ length: 2 * limit + 10 }, (_, i) => (i % 2 ? b.url : a.url))
            let ok = 0
            for (const url of urls) if ((await fetch(url)).status === 200) ok++
            admitted[`${algorithm} ${clock} ${order}`] = ok
          } finally {
            await a.close()
            await b.close()
            await new RedisStore(options).resetKey('everyone')
          }
        }
      }
    }
    t.diagnostic(`admitted of ${limit} (window 4 s, second clock +5 s): ${JSON.stringify(admitted)}`)
    for (const [run, ok] of Object.entries(admitted)) {
      // Redis's clock: never past the limit, whichever server comes first.
      if (run.includes(' redis ')) assert.strictEqual(ok, limit, run)
    }
    // The app servers' clocks: the server 5 s ahead sees the other's window as over and opens
    // a new one (or an empty GCRA bucket), so the pair admits twice the limit.
    assert.strictEqual(admitted['fixed-window js A then B'], 2 * limit)
    assert.strictEqual(admitted['gcra js A then B'], 2 * limit)
  })
}

/** Sends `total` hits for one key through `stores` in turn, `inFlight` at a time; returns
 * { admitted, firstBlockedAt } (admissions before the first refusal). */
async function hotKeyLoad(stores, key, limit, total, inFlight = 16) {
  let sent = 0
  let admitted = 0
  let firstBlockedAt = null
  const worker = async () => {
    while (sent < total) {
      const store = stores[sent++ % stores.length]
      const { totalHits } = await store.hit(key, Date.now(), limit)
      if (totalHits <= limit) admitted++
      else if (firstBlockedAt === null) firstBlockedAt = admitted
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return { admitted, firstBlockedAt }
}

test('hot key (cluster): shards: 6 spreads one global limit over the three primaries, never over the limit', async (t) => {
  if (clusterSkip) return t.skip(clusterSkip)
  const { client } = await connect['ioredis Cluster']()
  const { owners, keyslot } = await slotOwners(cluster.nodes[0].port)
  // The JS slot function that picks the shard tags agrees with the server's CLUSTER KEYSLOT.
  for (const key of ['a', 'rl0.1', '{x}y', 'p{}q', 'p{rl3.7}key', '{', 'ünï']) {
    assert.strictEqual(keySlot(key), await keyslot(key), key)
  }
  const limit = 600
  const results = {}
  for (const algorithm of ['fixed-window', 'gcra']) {
    for (const shards of [1, 6]) {
      const prefix = `${RUN}hot:${algorithm}:${shards}:`
      // Two app servers, each with its own store (and round-robin), on one global key.
      const stores = [0, 1].map(() => new RedisStore({ client, prefix, shards }))
      for (const s of stores) s.init({ limit, windowMs: 600_000, algorithm })
      const run = await hotKeyLoad(stores, 'global', limit, limit + 200)
      const primaries = new Set()
      for (let i = 0; i < shards; i++)
        primaries.add(owners.get(await keyslot(stores[0].redisKey('global', i))))
      results[`${algorithm} shards=${shards}`] = { ...run, primaries: primaries.size }
      await stores[0].resetKey('global')
    }
  }
  t.diagnostic(`hot key, limit ${limit}, ${limit + 200} hits from two stores: ${JSON.stringify(results)}`)
  for (const [run, r] of Object.entries(results)) {
    assert.ok(r.admitted <= limit, `${run}: never over the limit`)
    if (run.endsWith('shards=1')) {
      assert.strictEqual(r.admitted, limit, run)
      assert.strictEqual(r.firstBlockedAt, limit, run)
      assert.strictEqual(r.primaries, 1, run)
    } else {
      assert.strictEqual(r.primaries, 3, `${run}: the shards live on every primary`)
      // Round-robin fills the shards evenly: the first refusal comes within a few of the limit.
      // Two stores turn their own round-robin (each up to a lap of 6 ahead of the other), and
      // GCRA judges each shard at its own moment, so allow two laps per store (seen: 587/600).
      assert.ok(r.admitted >= limit - 6, `${run}: admitted ${r.admitted}`)
      assert.ok(r.firstBlockedAt >= limit - 24, `${run}: first refusal after ${r.firstBlockedAt}`)
    }
  }
})

test('shard tags: tag i falls in the i-th of N equal slot ranges (no Redis needed)', () => {
  for (const n of [2, 3, 6, 64]) {
    const tags = spreadTags(n)
    assert.strictEqual(new Set(tags).size, n)
    tags.forEach((tag, i) => {
      const slot = keySlot(tag)
      assert.ok(
        slot >= Math.floor((i * 16384) / n) && slot < Math.floor(((i + 1) * 16384) / n),
        `${n}: ${tag}`,
      )
    })
  }
  // Known CLUSTER KEYSLOT answers, and hash tags as Redis reads them.
  assert.strictEqual(keySlot('foo'), 12182)
  assert.strictEqual(keySlot('123456789'), 12739)
  assert.strictEqual(keySlot('a{foo}b'), 12182)
  const store = new RedisStore({ sendCommand: async () => 0, prefix: 'p:', shards: 3 })
  assert.deepStrictEqual(
    [0, 1, 2].map((i) => store.redisKey('k{x}', i)),
    spreadTags(3).map((tag) => `p:{${tag}}k{x}`),
  )
})

test('shards: bad values fail at start-up', () => {
  assert.throws(
    () => new RedisStore({ sendCommand: async () => 0, shards: 0 }),
    /shards must be a whole number/,
  )
  assert.throws(
    () => new RedisStore({ sendCommand: async () => 0, shards: 2.5 }),
    /shards must be a whole number/,
  )
  assert.throws(() => new RedisStore({ sendCommand: async () => 0, shards: 2, prefix: 'a{b}:' }), /hash tag/)
  assert.throws(() => new RedisStore({ sendCommand: async () => 0, clock: 'local' }), /clock must be 'js'/)
})

// Last: each kills a primary of the shared cluster (one that still has a replica).
const failoverClients = {
  'ioredis Cluster': () =>
    connect['ioredis Cluster']({
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 500 },
    }),
  'node-redis createCluster': () => connect['node-redis createCluster'](),
}
for (const [clientName, connectClient] of Object.entries(failoverClients)) {
  test(`failover (cluster, ${clientName}): a primary killed under load; its replica takes over without a restart`, async (t) => {
    if (clusterSkip) return t.skip(clusterSkip)
    const { client } = await connectClient()
    const victim = cluster.primaries().find((p) => cluster.replicaOf(p) !== undefined)
    const promoted = cluster.replicaOf(victim)
    const { owners, keyslot } = await slotOwners(promoted)
    const limit = 20
    const KEYS = 24
    const servers = {}
    for (const passOnStoreError of [false, true]) {
      const name = passOnStoreError ? 'open' : 'closed'
      const prefix = `${RUN}failover:${clientName.length}:${name}:`
      const errors = { n: 0 }
      const logger = { warn() {}, error: () => errors.n++ }
      const store = new RedisStore({ client, prefix, timeout: 300 })
      const limiter = rateLimit({
        store,
        limit,
        windowMs: 600_000,
        passOnStoreError,
        logger,
        keyGenerator: (req) => req.headers['x-key'],
      })
      const onFailed = new Set()
      for (let k = 0; k < KEYS; k++)
        if (owners.get(await keyslot(`${prefix}k${k}`)) === victim) onFailed.add(`k${k}`)
      servers[name] = { s: await serve(appWith(limiter)), errors, onFailed, store, log: [] }
    }
    let killedAt = null
    const started = Date.now()
    let stopAt = started + 15_000 // hard bound
    let recoveredAt = null
    let firstFailAt = null // the first failure on the failed shard: recovery is judged after it
    const worker = async (w) => {
      for (let i = w; Date.now() < stopAt; i += 8) {
        for (const [name, srv] of Object.entries(servers)) {
          const key = `k${i % KEYS}`
          const sentAt = Date.now()
          const res = await fetch(srv.s.url, { headers: { 'x-key': key } })
          await res.arrayBuffer()
          srv.log.push({ at: Date.now(), key, status: res.status })
          if (!killedAt || name !== 'closed' || !srv.onFailed.has(key)) continue
          if (res.status === 503) firstFailAt = firstFailAt ?? Date.now()
          else if (firstFailAt !== null && sentAt > firstFailAt && recoveredAt === null) {
            recoveredAt = Date.now()
            stopAt = Math.min(stopAt, recoveredAt + 1500)
          }
        }
      }
    }
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)))
    await new Promise((r) => setTimeout(r, 1500))
    const errorsBefore = { closed: servers.closed.errors.n, open: servers.open.errors.n }
    killedAt = Date.now()
    cluster.kill(victim)
    await load
    for (const srv of Object.values(servers)) await srv.s.close()

    const report = { killed: victim, promoted, recoveryMs: recoveredAt && recoveredAt - killedAt }
    for (const [name, srv] of Object.entries(servers)) {
      const admitted = {}
      let failed = 0
      let lastFailAt = killedAt
      for (const e of srv.log) {
        if (e.status === 200) admitted[e.key] = (admitted[e.key] || 0) + 1
        if (e.status === 503) (failed++, (lastFailAt = Math.max(lastFailAt, e.at)))
      }
      const over = { failedShard: 0, otherShards: 0 }
      for (const [key, n] of Object.entries(admitted)) {
        if (n > limit) over[srv.onFailed.has(key) ? 'failedShard' : 'otherShards'] += n - limit
      }
      report[name] = {
        requests: srv.log.length,
        failed503: failed,
        failed503OtherShards: srv.log.filter((e) => e.status === 503 && !srv.onFailed.has(e.key)).length,
        storeErrorsLogged: srv.errors.n - errorsBefore[name],
        overAdmitted: over,
        failedShardKeys: srv.onFailed.size,
        lastFailureMs: lastFailAt - killedAt,
        reachedLimitKeys: Object.values(admitted).filter((n) => n >= limit).length,
      }
    }
    t.diagnostic(`failover: ${JSON.stringify(report)}`)
    assert.ok(
      servers.closed.onFailed.size > 0 && servers.closed.onFailed.size < KEYS,
      'some keys live on the killed primary',
    )
    assert.ok(recoveredAt !== null, 'keys on the failed shard were served again without a restart')
    assert.ok(report.recoveryMs < 10_000, `recovered in ${report.recoveryMs} ms`)
    // The replica now holds the slots.
    const promotedInfo = await (await admin(promoted)).call('INFO', 'replication')
    assert.match(promotedInfo, /role:master/)
    // Fail-closed: no admission past the limit off the failed shard, and the failure shows as errors.
    assert.strictEqual(report.closed.overAdmitted.otherShards, 0)
    assert.ok(report.closed.failed503 > 0, 'fail-closed refuses while the shard is down')
    // Fail-open: nothing refused with an error; the store errors are logged instead.
    assert.strictEqual(report.open.failed503, 0)
    assert.ok(report.open.storeErrorsLogged > 0)
    // Fail-open admits what it could not count: past the limit by at most the errors it logged.
    const openOver = report.open.overAdmitted.failedShard + report.open.overAdmitted.otherShards
    assert.ok(
      openOver <= report.open.storeErrorsLogged,
      `${openOver} over, ${report.open.storeErrorsLogged} errors`,
    )
    // After recovery, every request on the failed shard is counted again (no 503 in the last 500 ms).
    const tail = servers.closed.log.filter((e) => e.at > stopAt - 500)
    assert.ok(tail.length > 0 && tail.every((e) => e.status !== 503), 'fully recovered')
  })
}
