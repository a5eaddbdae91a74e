'use strict'
// rampart/audit: a security scan of a running API (or an Express app served on loopback
// for the run), bounded by a request budget. See docs/audit.md.
const { createClient, ConnectionError } = require('./audit/client')
const { parseBaseUrl, serveApp, UsageError } = require('./audit/target')
const { loadConfig, routesFromOpenApi, discoverRoutes, resolveIdentities } = require('./audit/config')
const { createContext, runFamily } = require('./audit/context')
const { families, definitions } = require('./audit/checks')
const { nativeCracker } = require('./audit/crack')

const DEFAULT_BUDGET = 300
const DEFAULT_TIME_MS = 60_000

async function audit(options = {}) {
  const {
    baseUrl,
    app,
    budget = DEFAULT_BUDGET,
    allowRemote = false,
    dryRun = false,
    token,
    progress,
  } = options
  const timeMs = options.timeMs || DEFAULT_TIME_MS
  if (!baseUrl === !app) throw new UsageError('rampart audit: give exactly one of baseUrl and app')
  if (!Number.isInteger(budget) || budget < 1)
    throw new UsageError(`rampart audit: budget must be a positive integer, not ${budget}`)
  nativeCracker()
  const config = await loadConfig(options.config)
  const served = app ? await serveApp(app) : null
  const base = parseBaseUrl(served ? served.baseUrl : baseUrl, allowRemote || Boolean(served))
  const client = createClient({ baseUrl: base.href, budget, dryRun })
  const deadline = Date.now() + timeMs
  try {
    // One request that must succeed: a dead server is a connection error, not "clean".
    if (!dryRun) await client.request({ path: '/', label: 'reachability' })
    let routes = config.routes
    if (options.openapi) routes = [...routes, ...(await routesFromOpenApi(options.openapi))]
    if (!routes.length) routes = await discoverRoutes(client)
    routes = dedupe(routes)
    const ctx = createContext({ client, config, routes, definitions, progress })
    ctx.identities = await resolveIdentities(config, client, token)
    for (const family of families) {
      if (Date.now() > deadline) {
        for (const d of family.definitions) ctx.skip(d.id, 'the audit ran out of time')
        continue
      }
      await runFamily(ctx, family, Math.min(deadline, Date.now() + timeMs / 2))
    }
    return {
      target: base.href.replace(/\/$/, ''),
      findings: dryRun ? [] : ctx.findings,
      checks: [...ctx.checks.values()].map((c) =>
        dryRun ? { ...c, status: 'skipped', reason: 'dry run' } : c,
      ),
      requests: client.count,
      budget,
      ...(dryRun ? { planned: client.sent } : {}),
    }
  } finally {
    client.close()
    if (served) await served.close()
  }
}

function dedupe(routes) {
  const seen = new Set()
  return routes.filter((r) => {
    const key = `${r.method} ${r.path}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

module.exports = { audit, definitions, UsageError, ConnectionError }
