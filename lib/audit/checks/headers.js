'use strict'
// Response headers: the helmet baseline, X-Powered-By, HSTS and CSP.
const HSTS_MIN_SECONDS = 15552000 // 180 days, helmet's default is a year

const definitions = [
  {
    id: 'headers.baseline',
    title: 'Security header baseline missing',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: 'add secureHeaders() (rampart/headers), or fortify() which includes it',
  },
  {
    id: 'headers.x-powered-by',
    title: 'X-Powered-By reveals the framework',
    severity: 'low',
    owasp: 'API8:2023',
    fix: "secureHeaders() removes it; or app.disable('x-powered-by')",
  },
  {
    id: 'headers.hsts',
    title: 'Strict-Transport-Security missing or weak',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: 'secureHeaders({ strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true } })',
  },
  {
    id: 'headers.csp',
    title: 'Content-Security-Policy missing or unsafe',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: "secureHeaders({ contentSecurityPolicy: { directives: { defaultSrc: [\"'self'\"], scriptSrc: [\"'self'\"] } } }): no 'unsafe-inline' or wildcards in script-src",
  },
]

// Which of helmet's defaults an API response should carry.
function missingBaseline(h) {
  const missing = []
  if (String(h['x-content-type-options']).toLowerCase() !== 'nosniff')
    missing.push('X-Content-Type-Options: nosniff')
  const csp = h['content-security-policy'] || ''
  if (!h['x-frame-options'] && !/frame-ancestors/i.test(csp))
    missing.push('X-Frame-Options (or CSP frame-ancestors)')
  if (!h['referrer-policy']) missing.push('Referrer-Policy')
  if (!h['cross-origin-resource-policy']) missing.push('Cross-Origin-Resource-Policy')
  return missing
}

function hstsProblem(value) {
  if (!value) return 'no Strict-Transport-Security header'
  const m = /max-age\s*=\s*"?(\d+)/i.exec(value)
  if (!m) return `Strict-Transport-Security without max-age: ${value}`
  if (Number(m[1]) < HSTS_MIN_SECONDS) return `Strict-Transport-Security max-age=${m[1]} (under 180 days)`
  return null
}

function cspProblem(value) {
  if (!value) return 'no Content-Security-Policy header'
  const directives = new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...v]) => [name.toLowerCase(), v]),
  )
  const script = directives.get('script-src') || directives.get('default-src')
  if (!script) return `no script-src or default-src: ${value}`
  const bad = script.filter((s) =>
    /^'unsafe-inline'$|^'unsafe-eval'$|^\*$|^https?:$|^data:$|^https?:\/\/\*$/i.test(s),
  )
  // 'unsafe-inline' is ignored by browsers when a nonce or hash is present.
  const nonce = script.some((s) => /^'(nonce|sha\d+)-/.test(s))
  const unsafe = bad.filter((s) => !(nonce && s === "'unsafe-inline'"))
  if (unsafe.length) return `script-src allows ${unsafe.join(' ')}: ${value}`
  return null
}

async function run(ctx) {
  const paths = ['/', ...ctx.plainGets().map((r) => r.path)]
    .filter((p, i, a) => a.indexOf(p) === i)
    .slice(0, 2)
  for (const path of paths) {
    const res = await ctx.send({ path, label: 'headers' })
    if (res.status === 0) continue
    const h = res.headers
    const missing = missingBaseline(h)
    if (missing.length && ctx.wants('headers.baseline'))
      ctx.find('headers.baseline', { evidence: `GET ${path} lacks ${missing.join(', ')}` })
    if (h['x-powered-by'] && ctx.wants('headers.x-powered-by'))
      ctx.find('headers.x-powered-by', { evidence: `GET ${path}: X-Powered-By: ${h['x-powered-by']}` })
    const hsts = hstsProblem(h['strict-transport-security'])
    if (hsts && ctx.wants('headers.hsts')) ctx.find('headers.hsts', { evidence: `GET ${path}: ${hsts}` })
    const csp = cspProblem(h['content-security-policy'])
    if (csp && ctx.wants('headers.csp')) ctx.find('headers.csp', { evidence: `GET ${path}: ${csp}` })
  }
}

module.exports = { name: 'headers', definitions, run, cspProblem, hstsProblem }
