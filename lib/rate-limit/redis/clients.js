'use strict'
// One way to talk to every supported Redis client: `send(args, key)` for one command that
// touches `key` (routed to the key's node on a cluster), and `primaries()` for the
// commands every primary must see (SCAN in resetAll). MOVED/ASK redirections, slot-map
// refreshes and reconnection after a failover are left to the client library, with one
// exception for node-redis clusters (below), which every store using `send` gets.
const { keySlot, spreadTags } = require('./slots')

/** ioredis `Redis` or `Cluster`: `call` routes a command by its key on a cluster. */
function ioredisClient(client) {
  return {
    kind: client.isCluster ? 'ioredis-cluster' : 'ioredis',
    send: (args) => client.call(...args),
    primaries: async () =>
      client.isCluster
        ? client.nodes('master').map((node) => (args) => node.call(...args))
        : [(args) => client.call(...args)],
  }
}

/** node-redis 4+ cluster (`createCluster`): its sendCommand takes the routing key first. */
function nodeRedisCluster(client) {
  // node-redis 4 refreshes its slot map only on MOVED/ASK, so after a primary dies its slots
  // stay mapped to the dead node for good. After a failure on `key`, the same key is read
  // through another primary: that node answers MOVED, and node-redis rediscovers the
  // cluster (at most once a second: each rediscovery stalls the client briefly).
  let lastNudge = 0
  let viaKeys = null
  const nudge = (key) => {
    const now = Date.now()
    if (now - lastNudge < 1000) return
    lastNudge = now
    try {
      viaKeys = viaKeys || spreadTags(16).map((tag) => `{${tag}}`)
      const owner = client.getSlotMaster(keySlot(key)).address
      const via = viaKeys.find((k) => client.getSlotMaster(keySlot(k)).address !== owner)
      if (via) Promise.resolve(client.sendCommand(via, true, ['EXISTS', key])).catch(() => {})
    } catch {
      // no slot map yet: the client is still connecting
    }
  }
  return {
    kind: 'node-redis-cluster',
    send: (args, key) => {
      const reply = client.sendCommand(key, false, args)
      // A Redis error reply (NOSCRIPT, WRONGTYPE...) came from a live node: no nudge for it.
      if (key !== undefined) reply.catch((error) => isReply(error) || nudge(key))
      return reply
    },
    /** Told by the store when a call on `key` timed out (a dead node may never answer). */
    failed: (key) => key !== undefined && nudge(key),
    primaries: async () => {
      const nodes = await Promise.all(client.masters.map((m) => client.nodeClient(m)))
      return nodes.map((node) => (args) => node.sendCommand(args))
    },
  }
}

const isReply = (error) => Boolean(error) && error.constructor && error.constructor.name === 'ErrorReply'

/** node-redis 4+ single client. */
function nodeRedisClient(client) {
  return {
    kind: 'node-redis',
    send: (args) => client.sendCommand(args),
    primaries: async () => [(args) => client.sendCommand(args)],
  }
}

/** A user's `(...args) => Promise<reply>`; on a cluster it must route by key itself. */
function sendCommandFn(fn) {
  return { kind: 'sendCommand', send: (args) => fn(...args), primaries: async () => [(args) => fn(...args)] }
}

function redisClient({ client, sendCommand }) {
  if (typeof sendCommand === 'function') return sendCommandFn(sendCommand)
  if (client && typeof client.call === 'function') return ioredisClient(client)
  if (client && typeof client.nodeClient === 'function' && Array.isArray(client.masters)) {
    return nodeRedisCluster(client)
  }
  if (client && typeof client.sendCommand === 'function') return nodeRedisClient(client)
  if (client) {
    throw new TypeError(
      'RedisStore: `client` must be an ioredis or node-redis client, or a cluster of either (or pass `sendCommand`)',
    )
  }
  throw new TypeError(
    'RedisStore: pass { client } (ioredis or node-redis, cluster or not) or { sendCommand }',
  )
}

module.exports = { redisClient }
