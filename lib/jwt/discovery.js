'use strict'
// OIDC / RFC 8414 discovery for jwtAuth({ issuer }): the issuer's metadata document, then
// its jwks_uri, under the fetch rules of jwksUri (https only except loopback http, no
// redirects, size cap while streaming, timeout, max-age cache, a per-minute budget shared
// with the key set, one fetch in flight). The metadata's `issuer` must equal the configured
// one (OpenID Connect Discovery §4.3, RFC 8414 §3.3), so a document cannot move the trust
// elsewhere. When the IdP is down the request gets 401 with the cause, one warning is
// logged per outage, and the next request after the IdP returns recovers.
const { JwksClient, FetchBudget, fetchJson, checkJwksUri } = require('./jwks')
const { JsonWebTokenError } = require('./errors')

/** The metadata URLs to try, in order, for `issuer` (a URL object). */
function metadataUrls(issuer) {
  const base = issuer.href.replace(/\/$/, '')
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '')
  return [
    `${base}/.well-known/openid-configuration`,
    // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
    `${issuer.origin}/.well-known/oauth-authorization-server${path}`,
  ]
}

class IssuerDiscovery {
  constructor(issuer, options = {}) {
    this.issuer = issuer
    this.url = checkJwksUri(issuer, 'issuer')
    this.urls = metadataUrls(this.url)
    this.options = options
    this.timeout = options.timeout ?? 10000
    this.cacheMaxAge = options.cacheMaxAge ?? 10 * 60 * 1000
    this.fetchImpl = options.fetch || globalThis.fetch
    this.budget = new FetchBudget(options.requestsPerMinute ?? 10)
    this.jwks = null
    this.metadata = null
    this.fetchedAt = 0
    this.inflight = null
    this.lastError = null
    this.warned = false
  }

  async fetchMetadata() {
    let lastErr
    for (const href of this.urls) {
      try {
        return await fetchJson(this.fetchImpl, href, this.timeout, 'the issuer metadata')
      } catch (err) {
        lastErr = err
        if (err.status !== 404) break // only a missing document falls back to the next URL
      }
    }
    throw lastErr
  }

  /** Reads the metadata (one fetch in flight) and (re)builds the key set client. */
  discover() {
    if (this.inflight) return this.inflight
    this.budget.spend(Date.now())
    this.inflight = this.fetchMetadata()
      .then((metadata) => {
        if (!metadata || typeof metadata !== 'object') throw new Error('the issuer metadata is not an object')
        if (metadata.issuer !== this.issuer) {
          throw new Error(
            `the issuer metadata names issuer ${JSON.stringify(String(metadata.issuer).slice(0, 200))}, not the configured ${JSON.stringify(this.issuer)}`,
          )
        }
        if (typeof metadata.jwks_uri !== 'string') throw new Error('the issuer metadata has no jwks_uri')
        const jwksUrl = checkJwksUri(metadata.jwks_uri, 'the discovered jwks_uri').href
        if (this.jwks === null || this.jwks.url.href !== jwksUrl) {
          this.jwks = new JwksClient(jwksUrl, { ...this.options, budget: this.budget })
        }
        this.metadata = metadata
        this.fetchedAt = Date.now()
        this.recovered()
      })
      .finally(() => {
        this.inflight = null
      })
    return this.inflight
  }

  // One warning per outage, so an IdP that is down is logged without flooding the log.
  failed(err) {
    this.lastError = err
    if (this.warned) return
    this.warned = true
    process.emitWarning(`jwtAuth: OpenID discovery for ${this.issuer} failed: ${err.message}`, {
      code: 'RAMPART_OIDC_DISCOVERY',
    })
  }

  recovered() {
    this.lastError = null
    this.warned = false
  }

  /** The verify key for a token header. */
  async getKey(header) {
    const now = Date.now()
    const stale = this.jwks === null || now - this.fetchedAt >= this.cacheMaxAge
    if (stale && (this.inflight || this.budget.allows(now))) {
      try {
        await this.discover()
      } catch (err) {
        this.failed(err)
      }
    }
    if (this.jwks === null) {
      const cause = this.lastError ? this.lastError.message : 'no discovery attempt left this minute'
      throw new JsonWebTokenError(
        `could not discover the signing keys of ${this.issuer}: ${cause}`,
        this.lastError,
      )
    }
    try {
      const entry = await this.jwks.getKey(header)
      if (this.jwks.set !== null && this.lastError === null) this.warned = false
      return entry
    } catch (err) {
      if (err.inner) this.failed(err.inner)
      throw err
    }
  }
}

/** Whether `issuer` is an issuer rampart can discover: one http(s) URL string. */
function isDiscoverable(issuer) {
  if (typeof issuer !== 'string') return false
  try {
    const { protocol } = new URL(issuer)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

module.exports = { IssuerDiscovery, isDiscoverable, metadataUrls }
