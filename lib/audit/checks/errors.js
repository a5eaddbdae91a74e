'use strict'
// Error handling: bad requests of six kinds, and what their answers leak.
const definitions = [
  {
    id: 'errors.stack-trace',
    title: 'Error response leaks a stack trace or internal path',
    severity: 'medium',
    owasp: 'API8:2023',
    fix: 'add notFound() and errorHandler() (rampart/errors) as the last middleware; run with NODE_ENV=production',
  },
  {
    id: 'errors.fingerprint',
    title: 'Error response shows the framework default page',
    severity: 'low',
    owasp: 'API8:2023',
    fix: 'add notFound() and errorHandler() (rampart/errors): they answer application/problem+json',
  },
  {
    id: 'errors.server-error',
    title: 'A malformed request causes a 5xx',
    severity: 'low',
    owasp: 'API8:2023',
    fix: 'parse bodies with json() (rampart) and end the app with errorHandler(): bad input becomes a 4xx',
  },
  {
    id: 'errors.not-problem-json',
    title: 'Error responses are not application/problem+json',
    severity: 'info',
    owasp: 'API8:2023',
    fix: 'errorHandler() (rampart/errors) answers RFC 9457 application/problem+json',
  },
]

const STACK = /\n\s+at [^\n]+:\d+:\d+|\bat (?:[\w.<>$]+ )?\(?(?:\/|[A-Z]:\\|node:)[^\s)]+:\d+:\d+\)?/
const PATHS = /(?:\/home\/|\/usr\/src\/|\/var\/www\/|\/opt\/app|\/node_modules\/|[A-Z]:\\\\?Users)/
const FINGERPRINT =
  /Cannot (?:GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|PROPFIND) \/|<title>Error<\/title>|SyntaxError: Unexpected token|URIError: Failed to decode|PayloadTooLargeError|UnsupportedMediaTypeError/

function probes(ctx) {
  const post = ctx.bodyRoutes()[0] ||
    ctx.routes.find((r) => r.method === 'POST') || { method: 'POST', path: '/' }
  const get = ctx.plainGets()[0] || { path: '/' }
  const json = { 'content-type': 'application/json' }
  return [
    { name: 'malformed JSON', method: post.method, path: post.path, headers: json, rawBody: '{"rampart":' },
    {
      name: 'a body too large',
      method: post.method,
      path: post.path,
      headers: json,
      rawBody: `{"a":"${'x'.repeat(1100 * 1024)}"}`,
    },
    { name: 'a bad percent-encoding', method: 'GET', path: '/%85' },
    {
      name: 'a wrong content type',
      method: post.method,
      path: post.path,
      headers: { 'content-type': 'text/xml' },
      rawBody: '<a/>',
    },
    { name: 'a method not allowed', method: 'DELETE', path: get.path },
    { name: 'a forced 404', method: 'GET', path: `/rampart-audit-${Date.now().toString(36)}-missing` },
  ]
}

async function run(ctx) {
  let errorsSeen = 0
  let problems = 0
  for (const p of probes(ctx)) {
    const res = await ctx.send({ ...p, label: `error: ${p.name}` })
    if (res.status === 0 || res.status === 429) continue
    const where = `${p.method} ${p.path.length > 40 ? `${p.path.slice(0, 40)}...` : p.path} (${p.name}) → ${res.status}`
    const body = res.body
    const stack = STACK.exec(body) || PATHS.exec(body)
    if (stack)
      ctx.find('errors.stack-trace', {
        evidence: `${where}: ${JSON.stringify(stack[0].trim().slice(0, 80))}`,
      })
    // A framework's default page; the same words inside a JSON error are the API's own.
    const fp = res.json === undefined && FINGERPRINT.exec(body)
    if (fp && !stack) ctx.find('errors.fingerprint', { evidence: `${where}: ${JSON.stringify(fp[0])}` })
    if (res.status >= 500) ctx.find('errors.server-error', { evidence: where })
    if (res.status >= 400) {
      errorsSeen++
      if (/application\/problem\+json/.test(res.headers['content-type'] || '')) problems++
    }
  }
  if (errorsSeen && problems < errorsSeen) {
    ctx.find('errors.not-problem-json', {
      evidence: `${errorsSeen - problems} of ${errorsSeen} error responses were not application/problem+json`,
    })
  }
}

module.exports = { name: 'errors', definitions, run }
