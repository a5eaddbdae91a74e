'use strict'
// rampart/headers against helmet 8: one request's worth of headers on a real
// http.ServerResponse (over a dummy socket), the same options for both.
const http = require('node:http')
const net = require('node:net')
const helmet = require('helmet')
const secureHeaders = require('../../lib/headers')

/** A node:http response reused across calls; each call re-adds X-Powered-By as Express does. */
function responseFixture() {
  const req = new http.IncomingMessage(new net.Socket())
  req.method = 'GET'
  req.url = '/api/items'
  const res = new http.ServerResponse(req)
  const next = (err) => {
    if (err) throw err
  }
  return { req, res, next }
}

function contender(middleware) {
  const { req, res, next } = responseFixture()
  return () => {
    res.setHeader('X-Powered-By', 'Express')
    middleware(req, res, next)
    return res
  }
}

/** Checks up front that both set the same headers (and remove X-Powered-By); nonces masked. */
function sameHeaders(a, b) {
  const ra = a()
  const rb = b()
  const list = (res) =>
    JSON.stringify(res.getHeaderNames().map((n) => [n, res.getHeader(n)])).replace(/'nonce-[^']*'/g, 'NONCE')
  const ha = list(ra)
  const hb = list(rb)
  if (ha !== hb) throw new Error(`headers differ:\n${ha}\n${hb}`)
  if (ra.getHeader('x-powered-by') !== undefined) throw new Error('X-Powered-By was not removed')
}

let counter = 0
const nonce = () => `'nonce-${(++counter).toString(36)}'`

const OPTION_SETS = [
  { name: 'helmet() defaults, one request', options: undefined, target: { peer: 'helmet', ratio: 2 } },
  {
    name: 'custom options (HSTS preload, CSP directives, COEP, frameguard deny)',
    options: {
      contentSecurityPolicy: {
        directives: { scriptSrc: ["'self'", 'https://cdn.example.com'], objectSrc: null },
      },
      crossOriginEmbedderPolicy: true,
      strictTransportSecurity: { maxAge: 63072000, preload: true },
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    },
    target: { peer: 'helmet', ratio: 2 },
  },
  {
    name: 'CSP with a per-request nonce function',
    options: { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } },
  },
]

module.exports = {
  name: 'headers',
  title: 'Secure headers per request (rampart/headers vs helmet)',
  cases() {
    return OPTION_SETS.map(({ name, options, target }) => {
      const rampart = contender(secureHeaders(options))
      const peer = contender(helmet(options))
      sameHeaders(rampart, peer)
      return { name, target, fns: { rampart, helmet: peer } }
    })
  },
}
