'use strict'
// The audit's configuration: a rampart-audit.json (or .js/.mjs module), an OpenAPI 3
// document as a source of routes, and what it can discover from the API itself.
const fs = require('node:fs')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const { UsageError } = require('./target')

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

async function loadFile(file) {
  const full = path.resolve(file)
  if (!fs.existsSync(full)) throw new UsageError(`rampart audit: no such file: ${file}`)
  if (/\.(c?js|mjs)$/.test(full)) {
    const mod = await import(pathToFileURL(full).href)
    const value = mod.default ?? mod
    return typeof value === 'function' ? value() : value
  }
  try {
    return JSON.parse(fs.readFileSync(full, 'utf8'))
  } catch (err) {
    throw new UsageError(`rampart audit: ${file} is not valid JSON: ${err.message}`)
  }
}

const asObject = async (value) => (typeof value === 'string' ? loadFile(value) : value || {})

function normalizeRoute(r) {
  if (!r || typeof r.path !== 'string' || !r.path.startsWith('/'))
    throw new UsageError(`rampart audit: a route needs a path that starts with '/': ${JSON.stringify(r)}`)
  const method = String(r.method || 'GET').toUpperCase()
  return { method, path: r.path, body: r.body }
}

async function loadConfig(value) {
  const config = await asObject(value)
  if (typeof config !== 'object' || Array.isArray(config))
    throw new UsageError('rampart audit: the config must be an object')
  for (const key of Object.keys(config)) {
    if (!['identities', 'routes', 'login', 'skip', 'jwt', 'burst'].includes(key))
      throw new UsageError(
        `rampart audit: unknown config key '${key}' (identities, routes, login, skip, jwt, burst)`,
      )
  }
  const out = {
    identities: config.identities || [],
    routes: (config.routes || []).map(normalizeRoute),
    login: config.login ? normalizeRoute({ method: 'POST', ...config.login }) : undefined,
    skip: config.skip || [],
    jwt: config.jwt || {},
    burst: config.burst,
  }
  for (const id of out.identities) {
    if (!id.name || (!id.token && !id.login))
      throw new UsageError(
        `rampart audit: an identity needs a name and a token or a login: ${JSON.stringify(id)}`,
      )
  }
  if (!out.login) {
    const withLogin = out.identities.find((i) => i.login)
    if (withLogin) out.login = normalizeRoute({ method: 'POST', ...withLogin.login })
  }
  return out
}

// Routes from an OpenAPI 3 document: each operation, with its JSON example body if any.
async function routesFromOpenApi(value) {
  const doc = await asObject(value)
  if (!doc.paths || typeof doc.paths !== 'object')
    throw new UsageError('rampart audit: the OpenAPI document has no paths')
  const routes = []
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m.toLowerCase()]
      if (!op) continue
      const media = op.requestBody?.content?.['application/json']
      const body =
        media?.example ?? Object.values(media?.examples || {})[0]?.value ?? exampleOf(media?.schema, doc)
      routes.push({ method: m, path: p, body })
    }
  }
  return routes
}

// A minimal instance of a schema: strings 'rampart', numbers 1 (enough to reach a handler).
function exampleOf(schema, doc, depth = 0) {
  if (!schema || depth > 4) return undefined
  if (schema.$ref)
    return exampleOf(
      schema.$ref
        .split('/')
        .slice(1)
        .reduce((o, k) => o?.[k], doc),
      doc,
      depth + 1,
    )
  if (schema.example !== undefined) return schema.example
  if (schema.type === 'object' || schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties || {}).map(([k, s]) => [k, exampleOf(s, doc, depth + 1)]),
    )
  }
  return { string: 'rampart', integer: 1, number: 1, boolean: true, array: [] }[schema.type]
}

// Without a config or OpenAPI: the root's JSON often lists routes ("POST /login"), and
// /openapi.json or /swagger.json may exist.
async function discoverRoutes(client) {
  const routes = []
  const root = await client.request({ path: '/', label: 'discover' })
  const walk = (v, depth = 0) => {
    if (depth > 4 || routes.length > 30) return
    if (typeof v === 'string') {
      const m = /^(GET|POST|PUT|PATCH|DELETE)\s+(\/\S*)$/.exec(v.trim())
      if (m) routes.push({ method: m[1], path: m[2] })
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x, depth + 1)
  }
  walk(root.json)
  for (const p of ['/openapi.json', '/swagger.json']) {
    const res = await client.request({ path: p, label: 'discover' })
    if (res.status === 200 && res.json?.paths) {
      routes.push(...(await routesFromOpenApi(res.json)))
      break
    }
  }
  return routes
}

// Tokens for the identities: given, or fetched through their login recipe.
async function resolveIdentities(config, client, token) {
  const out = []
  if (token) out.push({ name: 'token', token })
  for (const id of config.identities) {
    if (id.token) {
      out.push({ name: id.name, token: id.token })
      continue
    }
    const { method = 'POST', path: p, body, tokenPath = 'token' } = id.login
    const res = await client.request({ method, path: p, body, label: `login as ${id.name}` })
    const value = tokenPath.split('.').reduce((o, k) => o?.[k], res.json)
    out.push({ name: id.name, token: typeof value === 'string' ? value : undefined, loginStatus: res.status })
  }
  return out
}

module.exports = { loadConfig, routesFromOpenApi, discoverRoutes, resolveIdentities }
