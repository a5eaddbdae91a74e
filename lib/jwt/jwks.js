'use strict'
// A remote JWK Set (jwtAuth's `jwksUri`), as jwks-rsa does it: keys cached by kid, a
// re-fetch when a token names a kid the cache does not know (key rotation), and a bound on
// re-fetches (10 a minute by default) so that tokens with random kids cannot turn the
// server into a request amplifier. https only; plain http only to a loopback host.
const { buildKeySet } = require('./keys')
const { JsonWebTokenError } = require('./errors')

const MAX_JWKS_BYTES = 1 << 20

function isLoopback(hostname) {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  )
}

/** Throws at start-up unless `uri` is https:, or http: to a loopback host. */
function checkJwksUri(uri, name = 'jwksUri') {
  let url
  try {
    url = new URL(uri)
  } catch {
    throw new TypeError(`jwtAuth: ${name} is not a valid URL: ${uri}`)
  }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url
  throw new TypeError(
    `jwtAuth: ${name} must use https: (plain http: is allowed only to a loopback host such as 127.0.0.1), got ${url.protocol}//${url.host}`,
  )
}

const tooLarge = (what) => `${what} document is larger than 1 MiB`

/**
 * The response body as text, read chunk by chunk and abandoned (the request aborted) the
 * moment it passes MAX_JWKS_BYTES, so a huge or endless body never sits in memory.
 */
async function readCapped(response, controller, what = 'the JWKS') {
  const declared = Number(response.headers && response.headers.get('content-length'))
  if (declared > MAX_JWKS_BYTES) {
    controller.abort()
    throw new Error(tooLarge(what))
  }
  if (!response.body || typeof response.body.getReader !== 'function') {
    const text = await response.text() // a user-supplied fetch without a stream body
    if (Buffer.byteLength(text) > MAX_JWKS_BYTES) throw new Error(tooLarge(what))
    return text
  }
  const reader = response.body.getReader()
  const chunks = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_JWKS_BYTES) {
      controller.abort()
      reader.cancel().catch(() => {})
      throw new Error(tooLarge(what))
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * GETs `href` as JSON under the fetch rules every remote document here shares: no redirects,
 * aborted on the timeout or as soon as the body passes MAX_JWKS_BYTES. `what` names the
 * document in errors.
 */
async function fetchJson(fetchImpl, href, timeout, what) {
  const controller = new AbortController()
  const response = await fetchImpl(href, {
    redirect: 'error',
    headers: { accept: 'application/json' },
    signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeout)]),
  })
  if (!response.ok) {
    const err = new Error(`${what} endpoint answered ${response.status}`)
    err.status = response.status
    throw err
  }
  const text = await readCapped(response, controller, what)
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${what} document is not JSON`)
  }
}

/** At most `perMinute` events in any 60 s: the bound on re-fetches. */
class FetchBudget {
  constructor(perMinute) {
    this.perMinute = perMinute
    this.times = []
  }

  allows(now) {
    while (this.times.length > 0 && now - this.times[0] >= 60000) this.times.shift()
    return this.times.length < this.perMinute
  }

  spend(now) {
    this.times.push(now)
  }
}

class JwksClient {
  constructor(uri, options = {}) {
    this.url = checkJwksUri(uri)
    this.requestsPerMinute = options.requestsPerMinute ?? 10
    this.cacheMaxAge = options.cacheMaxAge ?? 10 * 60 * 1000
    this.timeout = options.timeout ?? 10000
    this.allowInsecure = options.allowInsecureKeySizes === true
    this.fetchImpl = options.fetch || globalThis.fetch
    this.set = null
    this.fetchedAt = 0
    this.budget = options.budget || new FetchBudget(this.requestsPerMinute)
    this.inflight = null
  }

  /** Whether another fetch fits in the per-minute budget at time `now` (ms). */
  mayFetch(now) {
    return this.budget.allows(now)
  }

  /** Fetches the key set once, however many requests wait for it. */
  refresh() {
    if (this.inflight) return this.inflight
    this.budget.spend(Date.now())
    this.inflight = this.download()
      .then((jwks) => {
        // A published key set holds public keys only: an "oct" (HMAC) key there would be a
        // secret anyone can read, so it is never used.
        const keys = jwks.keys.filter((k) => k && typeof k === 'object' && k.kty !== 'oct')
        this.set = buildKeySet(keys, this.allowInsecure)
        this.fetchedAt = Date.now()
      })
      .finally(() => {
        this.inflight = null
      })
    return this.inflight
  }

  async download() {
    const jwks = await fetchJson(this.fetchImpl, this.url.href, this.timeout, 'the JWKS')
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error('the JWKS document has no "keys" array')
    return jwks
  }

  find(kid) {
    const set = this.set
    if (set === null) return undefined
    if (typeof kid === 'string') return set.byKid.get(kid)
    if (set.list.length === 1) return set.list[0]
    return undefined
  }

  /** The verify key for a token header: cached, else after a (rate-limited) re-fetch. */
  async getKey(header) {
    const kid = header.kid
    const now = Date.now()
    const fresh = this.set !== null && now - this.fetchedAt < this.cacheMaxAge
    let entry = fresh ? this.find(kid) : undefined
    if (entry !== undefined) return entry
    if (this.inflight || this.mayFetch(now)) {
      try {
        await this.refresh()
      } catch (err) {
        if (this.set === null) {
          throw new JsonWebTokenError(`could not fetch the signing keys: ${err.message}`, err)
        }
      }
    }
    entry = this.find(kid)
    if (entry === undefined) {
      throw new JsonWebTokenError(
        typeof kid === 'string'
          ? `no signing key with kid "${kid.slice(0, 64)}" in the JWKS`
          : 'the token has no kid and the JWKS does not hold exactly one key',
      )
    }
    return entry
  }
}

module.exports = { JwksClient, FetchBudget, fetchJson, checkJwksUri, isLoopback, MAX_JWKS_BYTES }
