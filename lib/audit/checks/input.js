'use strict'
// Input: prototype keys, NoSQL operators and unknown fields, each sent where a body or a
// query is expected, and judged by the status and by what the answer echoes back.
const definitions = [
  {
    id: 'input.proto-keys',
    title: '__proto__ / constructor.prototype keys accepted',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: ({ method, route }) =>
      `parse bodies with json() (rampart), which refuses __proto__ and constructor.prototype keys, on ${method} ${route}`,
  },
  {
    id: 'input.nosql-operator',
    title: 'NoSQL operator reaches the handler',
    severity: 'high',
    owasp: 'API8:2023',
    fix: ({ method, route }) =>
      `validate({ body: schema }) (rampart/validate) with string types on ${method} ${route}, and mongoSanitize() (rampart/input)`,
  },
  {
    id: 'input.mass-assignment',
    title: 'Unknown fields accepted (mass assignment)',
    severity: 'medium',
    owasp: 'API3:2023',
    fix: ({ method, route }) =>
      `validate({ body: { ..., additionalProperties: false } }) (rampart/validate) on ${method} ${route}`,
  },
]

const MARK = 'rampartAuditProbe'

// The body with its string fields replaced (only the first level; enough to reach a handler).
const withStrings = (body, value) =>
  Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? value : v]))

// Wrong credentials: the login body with every password-like field changed.
const wrongLogin = (body) =>
  Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, /pass|secret|pin/i.test(k) ? 'rampart-audit-wrong' : v]),
  )

async function run(ctx) {
  const token = ctx.identities[0]?.token
  const headers = ctx.bearer(token)
  const login = ctx.config.login
  const routes = ctx
    .bodyRoutes()
    .filter((r) => !login || r.path !== login.path)
    .slice(0, 3)
  if (!routes.length && !login) {
    for (const d of definitions)
      ctx.skip(
        d.id,
        'no route with a known request body: list routes with a body in the config or give --openapi',
      )
    return
  }
  if (login && login.body) {
    // Operators in the password field: a login that succeeds with them is an injection.
    const wrong = await ctx.send({
      method: login.method,
      path: login.path,
      body: wrongLogin(login.body),
      label: 'login with a wrong password',
    })
    if (wrong.status >= 400 && wrong.status !== 429) {
      const pw = Object.keys(login.body).find((k) => /pass|secret|pin/i.test(k))
      if (pw) {
        const res = await ctx.send({
          method: login.method,
          path: login.path,
          body: { ...login.body, [pw]: { $ne: null } },
          label: 'login nosql operator',
        })
        if (ctx.ok(res))
          ctx.find('input.nosql-operator', {
            method: login.method,
            route: login.path,
            evidence: `{"${pw}": {"$ne": null}} logged in (${res.status}) where a wrong password got ${wrong.status}`,
          })
      }
    }
  }
  for (const r of routes) {
    const where = { method: r.method, route: r.path }
    for (const [key, label] of [
      ['__proto__', '__proto__'],
      ['constructor', 'constructor.prototype'],
    ]) {
      const res = await ctx.send({
        method: r.method,
        path: r.path,
        headers: { ...headers, 'content-type': 'application/json' },
        rawBody: protoBody(r.body, key),
        label: `input ${label}`,
      })
      if (ctx.ok(res)) {
        ctx.find('input.proto-keys', {
          ...where,
          evidence: `a body with a ${label} key was accepted (${res.status})${res.body.includes(MARK) ? ' and echoed' : ''}`,
        })
        break
      }
    }
    const op = await ctx.send({
      method: r.method,
      path: r.path,
      headers,
      body: withStrings(r.body, { $ne: null }),
      label: 'input nosql operator',
    })
    if (ctx.ok(op) && op.body.includes('$ne'))
      ctx.find('input.nosql-operator', {
        ...where,
        evidence: `{"$ne": null} in place of the string fields was accepted (${op.status}) and echoed`,
      })
    const extra = await ctx.send({
      method: r.method,
      path: r.path,
      headers,
      body: { ...r.body, [MARK]: 'x', isAdmin: true },
      label: 'input unknown fields',
    })
    if (ctx.ok(extra)) {
      const echoed = extra.body.includes(MARK) || /"isAdmin"\s*:\s*true/.test(extra.body)
      ctx.find('input.mass-assignment', {
        ...where,
        evidence: `unknown fields ${MARK} and isAdmin were accepted (${extra.status})${echoed ? ' and echoed back' : ''}`,
        severity: echoed ? 'medium' : 'low',
      })
    }
  }
  // A query operator on a GET route: seen when the answer echoes it.
  const get = ctx.plainGets().find((g) => g.path !== '/')
  if (get) {
    const res = await ctx.send({ path: `${get.path}?q[$ne]=rampart`, headers, label: 'input query operator' })
    if (ctx.ok(res) && res.body.includes('$ne'))
      ctx.find('input.nosql-operator', {
        method: 'GET',
        route: get.path,
        evidence: `?q[$ne]= reached the handler and was echoed (${res.status})`,
      })
  }
}

// JSON.stringify drops a literal __proto__ key, so the probe body is written by hand.
function protoBody(body, key) {
  const inner = key === '__proto__' ? `{"${MARK}":true}` : `{"prototype":{"${MARK}":true}}`
  const rest = JSON.stringify(body)
  return `{"${key}":${inner}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}`
}

module.exports = { name: 'input', definitions, run, protoBody }
