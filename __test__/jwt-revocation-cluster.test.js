'use strict'
// RevocationList on a Redis Cluster (a throwaway 3+3 cluster from the machine's
// redis-server): with an ioredis Cluster client in one list and a node-redis cluster client
// in another, a revocation made through one is seen by the other (both sets share one hash
// slot; pub/sub reaches every subscriber). Skips with one line without redis-server, fails
// under CI=true.
const test = require('node:test')
const assert = require('node:assert')
const IORedis = require('ioredis')
const { createCluster } = require('redis')
const { startCluster, missingRedis } = require('./helpers/redis-cluster')
const { RevocationList } = require('../lib/jwt')

const now = () => Math.floor(Date.now() / 1000)

test('cluster: ioredis Cluster and node-redis cluster lists share revocations', async (t) => {
  const missing = missingRedis()
  if (missing) {
    if (process.env.CI === 'true') assert.fail(`${missing} (CI=true)`)
    return t.skip(missing)
  }
  const cluster = await startCluster()
  const io = new IORedis.Cluster(cluster.nodes)
  io.on('error', () => {})
  const nr = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) })
  nr.on('error', () => {})
  await nr.connect()
  const a = new RevocationList({ redis: io, prefix: 'revoked-test' })
  const b = new RevocationList({ redis: nr, prefix: 'revoked-test' })
  t.after(async () => {
    await a.close()
    await b.close()
    io.disconnect()
    await nr.disconnect()
    cluster.stop() // after the clients: a client closing against dead nodes can wait
  })
  await Promise.all([a.ready(), b.ready()])
  assert.strictEqual(a.available && b.available, true)
  await a.revoke('via-ioredis', now() + 600)
  await b.revokeSubject('via-node-redis', now())
  for (
    let i = 0;
    i < 100 && !(b.isRevoked({ jti: 'via-ioredis' }) && a.isRevoked({ sub: 'via-node-redis' }));
    i++
  ) {
    await new Promise((r) => setTimeout(r, 10))
  }
  assert.strictEqual(b.isRevoked({ jti: 'via-ioredis' }), true)
  assert.strictEqual(a.isRevoked({ sub: 'via-node-redis', iat: now() - 5 }), true)
  // A list started later loads both sets.
  const late = new RevocationList({ redis: io, prefix: 'revoked-test' })
  t.after(() => late.close())
  await late.ready()
  assert.strictEqual(late.isRevoked({ jti: 'via-ioredis' }), true)
  assert.strictEqual(late.isRevoked({ sub: 'via-node-redis', iat: now() - 5 }), true)
})
