'use strict'
// rampart/cors against the cors package: one request on a fresh http.ServerResponse (over a
// dummy socket, as node:http makes one per request), the same options for both.
const http = require('node:http')
const net = require('node:net')
const corsPackage = require('cors')
const cors = require('../../lib/cors')

const ALLOWED = 'https://app.example.com'
const socket = new net.Socket()

function request(method, headers) {
  const req = new http.IncomingMessage(socket)
  req.method = method
  req.url = '/api/items'
  Object.assign(req.headers, headers)
  return req
}

function contender(middleware, method, headers) {
  const req = request(method, headers)
  const next = (err) => {
    if (err) throw err
  }
  return () => {
    const res = new http.ServerResponse(req)
    middleware(req, res, next)
    return res
  }
}

function sameHeaders(a, b) {
  const ra = a()
  const rb = b()
  const ha = JSON.stringify([ra.statusCode, ra.getHeaderNames().map((n) => [n, ra.getHeader(n)])])
  const hb = JSON.stringify([rb.statusCode, rb.getHeaderNames().map((n) => [n, rb.getHeader(n)])])
  if (ha !== hb) throw new Error(`responses differ:\n${ha}\n${hb}`)
}

const LIST = {
  origin: [ALLOWED, 'https://admin.example.com', /^https:\/\/[a-z0-9-]+\.example\.org$/],
  credentials: true,
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
}
const CASES = [
  {
    name: 'simple GET, allowed origin (list + RegExp, credentials)',
    options: LIST,
    method: 'GET',
    headers: { origin: ALLOWED },
    target: { peer: 'cors', ratio: 1 },
  },
  {
    name: 'preflight OPTIONS, reflected request headers',
    options: LIST,
    method: 'OPTIONS',
    headers: {
      origin: 'https://shop.example.org',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,authorization',
    },
    target: { peer: 'cors', ratio: 1 },
  },
  {
    name: 'GET, origin not allowed',
    options: LIST,
    method: 'GET',
    headers: { origin: 'https://evil.example.net' },
    target: { peer: 'cors', ratio: 1 },
  },
  {
    name: "public API, origin '*'",
    options: { origin: '*' },
    method: 'GET',
    headers: { origin: ALLOWED },
    target: { peer: 'cors', ratio: 1 },
  },
]

module.exports = {
  name: 'cors',
  title: 'CORS per request (rampart/cors vs cors)',
  cases() {
    return CASES.map(({ name, options, method, headers, target }) => {
      const rampart = contender(cors(options), method, headers)
      const peer = contender(corsPackage(options), method, headers)
      sameHeaders(rampart, peer)
      return { name, target, fns: { rampart, cors: peer } }
    })
  },
}
