'use strict'
// Rate limiting: a bounded burst on the login route and on one authenticated route
// expects a 429 or RateLimit headers; the same burst with a new X-Forwarded-For and
// Forwarded on every request then shows whether the limit follows a header.
const definitions = [
  {
    id: 'ratelimit.missing',
    title: 'No rate limit on the route',
    severity: 'medium',
    owasp: 'API4:2023',
    fix: ({ method, route }) =>
      `rateLimit({ windowMs: 15 * 60_000, limit: 10 }) (rampart/rate-limit) on ${method} ${route}`,
  },
  {
    id: 'ratelimit.bypass',
    title: 'Rate limit bypassed by rotating X-Forwarded-For / Forwarded',
    severity: 'high',
    owasp: 'API4:2023',
    fix: "app.set('trust proxy', <your proxy count or addresses>) instead of true, and rateLimit() keyed on req.ip (rampart/rate-limit's default keyGenerator)",
  },
]

const DEFAULT_BURST = 12

// Remaining requests from any of the header drafts (legacy, draft-6/7, draft-8).
function remaining(h) {
  const direct = h['ratelimit-remaining'] ?? h['x-ratelimit-remaining']
  if (direct !== undefined) return Number(direct)
  const m = /(?:remaining=|;\s*r=)(\d+)/.exec(h.ratelimit || '')
  return m ? Number(m[1]) : undefined
}

// Sends up to `count` requests; stops at the first 429, or once the headers have shown
// the remaining count on two answers (enough to see it fall).
async function burst(ctx, req, count, rotate) {
  const seen = []
  for (let i = 0; i < count; i++) {
    const ip = `203.0.113.${(i % 250) + 1}`
    const headers = rotate ? { ...req.headers, 'x-forwarded-for': ip, forwarded: `for=${ip}` } : req.headers
    const res = await ctx.send({
      ...req,
      headers,
      label: rotate ? 'rate-limit burst (rotating XFF)' : 'rate-limit burst',
    })
    if (res.status === 0) return null
    seen.push({ status: res.status, remaining: remaining(res.headers) })
    if (res.status === 429) break
    if (seen.filter((s) => s.remaining !== undefined).length >= 2 && !rotate) break
    if (rotate && seen.length >= 3) break
  }
  return seen
}

async function probe(ctx, req, where, size) {
  const first = await burst(ctx, req, size, false)
  if (!first) return
  if (!first.some((s) => s.status === 429 || s.remaining !== undefined)) {
    ctx.find('ratelimit.missing', {
      ...where,
      evidence: `${first.length} requests in a burst: no 429 and no RateLimit headers (statuses ${[...new Set(first.map((s) => s.status))].join(', ')})`,
    })
    return
  }
  const before = first[first.length - 1]
  const rotated = await burst(ctx, req, size, true)
  if (!rotated || !rotated.length) return
  // Bypassed: after a 429 the rotated requests pass; or the remaining count goes back up.
  const passed = before.status === 429 && rotated.every((s) => s.status !== 429)
  const reset =
    before.remaining !== undefined &&
    rotated.every((s) => s.remaining !== undefined && s.remaining > before.remaining)
  if (passed || reset) {
    ctx.find('ratelimit.bypass', {
      ...where,
      evidence: passed
        ? 'after a 429, requests with a new X-Forwarded-For each passed'
        : `remaining went from ${before.remaining} back to ${rotated.map((s) => s.remaining).join(', ')} with a new X-Forwarded-For each`,
    })
  }
}

async function run(ctx) {
  const size = Math.max(2, Math.min(ctx.config.burst || DEFAULT_BURST, 50))
  const login = ctx.config.login
  const token = ctx.identities[0]?.token
  const auth = (await ctx.authRoutes(token))[0]
  if (!login && !auth) {
    for (const d of definitions) ctx.skip(d.id, 'no login recipe and no authenticated route in the config')
    return
  }
  if (login) {
    const body =
      login.body &&
      Object.fromEntries(
        Object.entries(login.body).map(([k, v]) => [
          k,
          /pass|secret|pin/i.test(k) ? 'rampart-audit-wrong' : v,
        ]),
      )
    await probe(
      ctx,
      { method: login.method, path: login.path, body },
      { method: login.method, route: login.path },
      size,
    )
  }
  if (auth)
    await probe(
      ctx,
      { method: 'GET', path: auth.path, headers: ctx.bearer(token) },
      { method: 'GET', route: auth.path },
      size,
    )
}

module.exports = { name: 'ratelimit', definitions, run, remaining }
