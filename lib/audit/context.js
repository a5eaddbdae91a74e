'use strict'
// What every check shares: the client, the routes, the identities' tokens, and the
// findings and check states it reports. Probes that several checks need (which routes a
// token opens) are made once and remembered.
const { BudgetExceeded, ConnectionError } = require('./client')

const bearer = (token) => (token ? { authorization: `Bearer ${token}` } : {})
const ok = (res) => res.status >= 200 && res.status < 300
const hasParam = (path) => /\/:[\w]+|\{[\w]+\}/.test(path)

function createContext({ client, config, routes, definitions, progress }) {
  const findings = []
  const checks = new Map(
    definitions.map((d) => [d.id, { id: d.id, title: d.title, status: 'pending', reason: undefined }]),
  )
  const skipList = config.skip || []
  const skipped = (id) => skipList.some((s) => id === s || id.startsWith(`${s}.`))
  const byId = new Map(definitions.map((d) => [d.id, d]))
  const authCache = new Map()

  const ctx = {
    client,
    config,
    routes,
    identities: [],
    findings,
    checks,
    progress,
    send: (req) => client.request(req),
    bearer,
    ok,
    hasParam,
    wants: (id) => !skipped(id) && checks.get(id)?.status !== 'skipped',
    // A check that ran for one token or route counts as run, even if it was skipped for another.
    ran(id, extra) {
      const c = checks.get(id)
      if (c.status !== 'ran' || extra) Object.assign(c, { status: 'ran', reason: undefined }, extra)
    },
    skip(id, reason) {
      const c = checks.get(id)
      if (c.status === 'pending') Object.assign(c, { status: 'skipped', reason })
    },
    // One finding per check and route: a second report on the same place adds evidence.
    find(id, { method = '-', route = '-', evidence, severity, fix }) {
      const def = byId.get(id)
      if (skipped(id)) return
      checks.get(id).status = 'ran'
      const existing = findings.find((f) => f.id === id && f.method === method && f.route === route)
      if (existing) {
        if (!existing.evidence.includes(evidence)) existing.evidence += `; ${evidence}`
        return
      }
      const finding = {
        id,
        title: def.title,
        severity: severity || def.severity,
        owasp: def.owasp,
        method,
        route,
        evidence,
        fix: fix || (typeof def.fix === 'function' ? def.fix({ method, route }) : def.fix),
      }
      findings.push(finding)
      progress?.finding(finding)
    },
    isSkippedByConfig: skipped,
    // GET routes without parameters: the ones a probe can call as they are.
    plainGets: () => routes.filter((r) => r.method === 'GET' && !hasParam(r.path)),
    bodyRoutes: () =>
      routes.filter(
        (r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.body && typeof r.body === 'object',
      ),
    // The GET routes that `token` opens and that refuse a request without it.
    async authRoutes(token) {
      if (!token || client.dryRun) return []
      if (authCache.has(token)) return authCache.get(token)
      const found = []
      for (const r of ctx.plainGets().slice(0, 8)) {
        const anon = await this.send({ path: r.path, label: 'auth probe' })
        if (anon.status !== 401 && anon.status !== 403) continue
        const withToken = await this.send({ path: r.path, headers: bearer(token), label: 'auth probe' })
        if (ok(withToken)) found.push({ ...r, baseline: withToken })
      }
      authCache.set(token, found)
      return found
    },
  }
  return ctx
}

class OutOfTime extends Error {}

// Runs one family: a spent budget, its time or a dead server ends it, and the checks it
// had not reached say why. The family sends through its own `send`, which refuses once
// its time is up, so a check still running in the background sends nothing more.
async function runFamily(ctx, family, deadline) {
  const pending = () => family.definitions.filter((d) => ctx.checks.get(d.id).status === 'pending')
  for (const d of family.definitions) if (ctx.isSkippedByConfig(d.id)) ctx.skip(d.id, 'skipped by the config')
  if (pending().length === 0) return
  ctx.progress?.family(family.name)
  let stopped = null
  const fctx = Object.create(ctx)
  fctx.send = (req) => (stopped ? Promise.reject(stopped) : ctx.send(req))
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject((stopped = new OutOfTime(`the ${family.name} checks ran out of time`))),
      Math.max(1, deadline - Date.now()),
    )
  })
  try {
    await Promise.race([family.run(fctx), timeout])
    for (const d of pending()) ctx.ran(d.id)
  } catch (err) {
    // A request that failed after the API answered the first one (a timeout, a reset)
    // ends the family too.
    if (!(err instanceof BudgetExceeded || err instanceof ConnectionError || err instanceof OutOfTime))
      throw err
    stopped = stopped || err
    for (const d of pending()) ctx.skip(d.id, err.message)
  } finally {
    clearTimeout(timer)
  }
}

module.exports = { createContext, runFamily, bearer, ok, hasParam }
