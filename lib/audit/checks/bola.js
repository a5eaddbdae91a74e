'use strict'
// Object-level authorization: ids harvested from the first identity's answers, replayed
// as the second identity on the routes that take an id.
const definitions = [
  {
    id: 'bola.object-access',
    title: "One user can read another user's object (BOLA)",
    severity: 'high',
    owasp: 'API1:2023',
    fix: ({ method, route }) =>
      `add authorize() (rampart/jwt) with a predicate that checks the owner, e.g. authorize((user, req) => owns(user.sub, req.params)), on ${method} ${route}`,
  },
]

const MAX_IDS = 3

// Values of id-like fields anywhere in a JSON answer (bounded walk).
function harvest(value, out = new Set(), depth = 0) {
  if (depth > 5 || out.size >= 20 || !value || typeof value !== 'object') return out
  for (const [k, v] of Object.entries(value)) {
    if (
      /^(id|_id|uuid|\w+Id)$/.test(k) &&
      (typeof v === 'number' || typeof v === 'string') &&
      String(v).length < 100
    )
      out.add(String(v))
    else if (typeof v === 'object') harvest(v, out, depth + 1)
  }
  return out
}

const fill = (path, id) => path.replace(/:[\w]+|\{[\w]+\}/, encodeURIComponent(id))

async function run(ctx) {
  const [a, b] = ctx.identities.filter((i) => i.token)
  const routes = ctx.routes.filter((r) => r.method === 'GET' && ctx.hasParam(r.path))
  if (!a || !b) return ctx.skip('bola.object-access', 'needs two identities with tokens in the config')
  if (!routes.length)
    return ctx.skip(
      'bola.object-access',
      'no GET route with an id parameter (e.g. /orders/:id) among the routes',
    )
  for (const route of routes.slice(0, 3)) {
    // The list route above it first (/orders for /orders/:id), then every other GET.
    const parent = route.path.replace(/\/(:[\w]+|\{[\w]+\}).*$/, '')
    const sources = [parent, ...ctx.plainGets().map((r) => r.path)]
      .filter((p, i, all) => p && all.indexOf(p) === i)
      .slice(0, 3)
    const ids = new Set()
    for (const src of sources) {
      const res = await ctx.send({
        path: src,
        headers: ctx.bearer(a.token),
        label: `bola harvest as ${a.name}`,
      })
      if (ctx.ok(res) && res.json) harvest(res.json, ids)
      if (ids.size) break
    }
    for (const id of [...ids].slice(0, MAX_IDS)) {
      const path = fill(route.path, id)
      const own = await ctx.send({ path, headers: ctx.bearer(a.token), label: `bola as ${a.name}` })
      if (!ctx.ok(own)) continue
      const other = await ctx.send({ path, headers: ctx.bearer(b.token), label: `bola as ${b.name}` })
      if (ctx.ok(other) && other.body === own.body) {
        ctx.find('bola.object-access', {
          method: 'GET',
          route: route.path,
          evidence: `${b.name} read ${path}, harvested from ${a.name}'s answers (${other.status}, same body)`,
        })
        break
      }
    }
  }
}

module.exports = { name: 'bola', definitions, run, harvest }
