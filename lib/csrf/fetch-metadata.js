'use strict'
// fetchMetadata(options): a resource-isolation policy for cookie-authenticated APIs.
//
// Browsers tell the server where a request came from (`Sec-Fetch-Site`) and how it was
// made (`Sec-Fetch-Mode`, `Sec-Fetch-Dest`). A state-changing request is let through only
// from the same origin or typed by the user ('none'); with `allowNavigation`, a top-level
// GET/HEAD navigation (a link) is let through too, never a cross-site form POST. Browsers
// that send no Sec-Fetch-Site are judged by `Origin`, else `Referer`, against the Host
// header (the host is compared, not the scheme, as Go's CrossOriginProtection does, since
// a proxy may hide it). A request with none of these headers is not from a browser (curl,
// a server) and cannot carry a victim's cookie, so it passes. `allowedOrigins` lets named
// cross-origin front ends in.
const { ForbiddenError } = require('../jwt/errors')
const { report } = require('../events')
const { checkOptions, methodSet } = require('./options')
const { markChecked } = require('./guard')

const OPTIONS = ['allowedOrigins', 'ignoredMethods', 'allowNavigation']
const EMBEDDED_DESTS = new Set(['object', 'embed'])

/** 'scheme://host[:port]' of an origin or URL string, or null when it is not one. */
function originOf(value) {
  try {
    const url = new URL(value)
    return url.origin === 'null' ? null : url.origin
  } catch {
    return null
  }
}

function compileAllowedOrigins(list) {
  if (list === undefined) return new Set()
  if (!Array.isArray(list)) throw new TypeError('fetchMetadata: `allowedOrigins` must be an array of origins')
  const out = new Set()
  for (const entry of list) {
    const origin = typeof entry === 'string' ? originOf(entry) : null
    if (!origin || origin !== entry.replace(/\/$/, '').toLowerCase()) {
      throw new TypeError(
        `fetchMetadata: ${JSON.stringify(entry)} in \`allowedOrigins\` is not an origin; write it as 'https://app.example.com' (scheme, host, optional port, no path)`,
      )
    }
    out.add(origin)
  }
  return out
}

function fetchMetadata(rawOptions) {
  const options = checkOptions('fetchMetadata', rawOptions, OPTIONS)
  const allowed = compileAllowedOrigins(options.allowedOrigins)
  const ignored = methodSet('fetchMetadata', options.ignoredMethods ?? ['GET', 'HEAD', 'OPTIONS'])
  if (options.allowNavigation !== undefined && typeof options.allowNavigation !== 'boolean') {
    throw new TypeError('fetchMetadata: `allowNavigation` must be true or false')
  }
  const allowNavigation = options.allowNavigation !== false

  /** Why the request is refused, or null to let it through. */
  function refusal(req) {
    const method = typeof req.method === 'string' ? req.method.toUpperCase() : ''
    if (ignored.has(method)) return null
    const headers = req.headers || {}
    const site = headers['sec-fetch-site']
    const origin = headers.origin
    if (typeof origin === 'string' && allowed.has(origin.toLowerCase())) return null
    if (typeof site === 'string') {
      if (site === 'same-origin' || site === 'none') return null
      if (
        allowNavigation &&
        headers['sec-fetch-mode'] === 'navigate' &&
        (method === 'GET' || method === 'HEAD') &&
        !EMBEDDED_DESTS.has(headers['sec-fetch-dest'])
      ) {
        return null
      }
      return `Sec-Fetch-Site: ${site}`
    }
    // No Fetch Metadata: an older browser, or not a browser.
    const host = typeof headers.host === 'string' ? headers.host.toLowerCase() : undefined
    if (typeof origin === 'string') return sameHost(originOf(origin), host) ? null : `Origin: ${origin}`
    const referer = headers.referer
    if (typeof referer === 'string') {
      const from = originOf(referer)
      return from && (allowed.has(from) || sameHost(from, host)) ? null : 'Referer from another site'
    }
    return null
  }

  return function fetchMetadataMiddleware(req, _res, next) {
    const reason = refusal(req)
    if (reason === null) {
      markChecked(req)
      return next()
    }
    report('auth.forbidden', req, `csrf_rejected: cross-site ${req.method} (${reason})`)
    next(new ForbiddenError('cross-site request refused', 'csrf_rejected'))
  }
}

function sameHost(origin, host) {
  return origin !== null && host !== undefined && new URL(origin).host === host
}

module.exports = { fetchMetadata }
