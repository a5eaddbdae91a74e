'use strict'
// CORS: an attacker's Origin (and `null`) reflected, a wildcard with credentials, and a
// preflight that allows every method and header.
const EVIL = 'https://evil.rampart-audit.example'

const definitions = [
  {
    id: 'cors.origin-reflected',
    title: 'Any Origin is reflected in Access-Control-Allow-Origin',
    severity: 'high',
    owasp: 'API8:2023',
    fix: "cors({ origin: ['https://app.example.com'] }): list the origins instead of `origin: true` (above all with credentials: true)",
  },
  {
    id: 'cors.null-origin',
    title: 'Origin: null is allowed',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: "cors({ origin: [...] }) without 'null': sandboxed iframes and file: pages send Origin: null",
  },
  {
    id: 'cors.wildcard-credentials',
    title: 'Access-Control-Allow-Origin: * on a credentialed route',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: "cors({ origin: ['https://app.example.com'], credentials: true }) instead of origin '*' on routes that take credentials",
  },
  {
    id: 'cors.preflight-permissive',
    title: 'Preflight allows every method and header',
    severity: 'low',
    owasp: 'API8:2023',
    fix: "cors({ methods: ['GET', 'POST'], allowedHeaders: ['content-type', 'authorization'] }) instead of reflecting the request's",
  },
]

const list = (v) =>
  String(v || '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())

async function run(ctx) {
  const token = ctx.identities[0]?.token
  const auth = await ctx.authRoutes(token)
  const targets = [{ path: '/', headers: {} }]
  if (auth[0]) targets.push({ path: auth[0].path, headers: ctx.bearer(token), authenticated: true })
  else if (ctx.plainGets()[0] && ctx.plainGets()[0].path !== '/')
    targets.push({ path: ctx.plainGets()[0].path, headers: {} })
  let allowedOrigin
  for (const t of targets) {
    const evil = await ctx.send({
      path: t.path,
      headers: { ...t.headers, origin: EVIL },
      label: 'cors evil origin',
    })
    const creds = evil.headers['access-control-allow-credentials'] === 'true'
    const acao = evil.headers['access-control-allow-origin']
    if (acao === EVIL) {
      allowedOrigin = EVIL
      ctx.find('cors.origin-reflected', {
        evidence: `GET ${t.path} with Origin: ${EVIL} answered Access-Control-Allow-Origin: ${EVIL}${creds ? ' and Access-Control-Allow-Credentials: true' : ''}`,
        severity: creds ? 'high' : 'low',
      })
      continue
    }
    if (acao === '*' && (creds || t.authenticated)) {
      ctx.find('cors.wildcard-credentials', {
        evidence: `GET ${t.path}${t.authenticated ? ' (needs a token)' : ''} answered Access-Control-Allow-Origin: *${creds ? ' with Access-Control-Allow-Credentials: true' : ''}`,
        severity: creds ? 'medium' : 'low',
      })
    }
    if (acao && acao !== '*' && !allowedOrigin) allowedOrigin = acao.split(',')[0].trim()
    const nul = await ctx.send({
      path: t.path,
      headers: { ...t.headers, origin: 'null' },
      label: 'cors null origin',
    })
    if (nul.headers['access-control-allow-origin'] === 'null') {
      const nullCreds = nul.headers['access-control-allow-credentials'] === 'true'
      ctx.find('cors.null-origin', {
        evidence: `GET ${t.path} with Origin: null answered Access-Control-Allow-Origin: null${nullCreds ? ' with credentials' : ''}`,
        severity: nullCreds ? 'high' : 'medium',
      })
    }
  }
  // The preflight only matters for an origin the server accepts; a refused origin can send nothing.
  const origin = allowedOrigin && allowedOrigin !== 'null' ? allowedOrigin : EVIL
  const pre = await ctx.send({
    method: 'OPTIONS',
    path: targets[targets.length - 1].path,
    headers: {
      origin,
      'access-control-request-method': 'PROPFIND',
      'access-control-request-headers': 'x-rampart-audit-probe',
    },
    label: 'cors preflight',
  })
  const acao = pre.headers['access-control-allow-origin']
  const originOk = acao === '*' || acao === origin
  const methods = list(pre.headers['access-control-allow-methods'])
  const headers = list(pre.headers['access-control-allow-headers'])
  if (
    originOk &&
    (methods.includes('*') || methods.includes('propfind')) &&
    (headers.includes('*') || headers.includes('x-rampart-audit-probe'))
  ) {
    ctx.find('cors.preflight-permissive', {
      evidence: `OPTIONS ${targets[targets.length - 1].path} from ${origin} allowed method PROPFIND and header X-Rampart-Audit-Probe`,
    })
  }
}

module.exports = { name: 'cors', definitions, run, EVIL }
