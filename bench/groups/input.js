'use strict'
// `npm run bench -- input`: rampart/input against the packages it replaces, one request's
// middleware call each. mongoSanitize vs express-mongo-sanitize on the shared workload bodies
// (user and 100-item order from validation.json), a browser's request headers and an
// extended-parser query; hpp vs hpp on a query and a form body with repeated parameters.
// Requests are plain objects shaped as Express 4 leaves them (express-mongo-sanitize
// crashes on Express 5's query getter, and hpp's query work is lost there).
const expressMongoSanitize = require('express-mongo-sanitize')
const hppPackage = require('hpp')
const { mongoSanitize, hpp } = require('../../lib/input')

const HEADERS = {
  host: 'api.example.com',
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  accept: 'application/json',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'content-type': 'application/json',
  'content-length': '512',
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x',
  cookie: 'session=abc; theme=dark',
  origin: 'https://app.example.com',
  referer: 'https://app.example.com/orders',
  'sec-fetch-site': 'same-site',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
}
// What Express 4's extended parser makes of ?page=2&sort=-created&filter[status]=open&filter[owner]=42&fields=id,total
const QUERY = { page: '2', sort: '-created', filter: { status: 'open', owner: '42' }, fields: 'id,total' }
const PARAMS = { id: '42' }
const next = (err) => {
  if (err) throw err
}
const RES = {}

/** A contender over a request whose locations are never changed (clean input): reused. */
function cleanContender(middleware, body) {
  const req = { body, query: QUERY, params: PARAMS, headers: HEADERS }
  return () => {
    middleware(req, RES, next)
    return req
  }
}

/** A contender over a NoSQL-injection login: the body is rebuilt per call (it gets cleaned). */
function attackContender(middleware) {
  return () => {
    const req = {
      body: { username: { $ne: null }, password: { $gt: '' }, remember: true },
      query: { next: '/home' },
      params: {},
      headers: HEADERS,
    }
    middleware(req, RES, next)
    return req
  }
}

/** A contender over repeated parameters: query and body copied per call (hpp changes them). */
function hppContender(middleware) {
  const query = { id: ['1', '2', '3'], page: '2', sort: ['name', '-created'], q: 'shoes' }
  const body = { role: ['user', 'admin'], name: 'ann', email: 'ann@example.com' }
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '48' }
  return () => {
    const req = { query: { ...query }, body: { ...body }, headers }
    middleware(req, RES, next)
    return req
  }
}

function sameResult(a, b, name) {
  const ja = JSON.stringify(a())
  const jb = JSON.stringify(b())
  if (ja !== jb) throw new Error(`${name}: results differ:\n${ja}\n${jb}`)
}

module.exports = {
  name: 'input',
  title: 'Input hardening per request (rampart/input vs express-mongo-sanitize, hpp)',
  cases(workloads) {
    const bodies = workloads.validation.bodies
    const target = (peer) => ({ peer, ratio: 2 })
    const cases = [
      ['mongoSanitize: user body + headers + query', (m) => cleanContender(m, bodies.user.valid)],
      ['mongoSanitize: 100-item order body + headers + query', (m) => cleanContender(m, bodies.order.valid)],
      ['mongoSanitize: NoSQL injection login', (m) => attackContender(m)],
    ].map(([name, make]) => {
      const rampart = make(mongoSanitize())
      const peer = make(expressMongoSanitize())
      sameResult(rampart, peer, name)
      return {
        name,
        target: target('express-mongo-sanitize'),
        fns: { rampart, 'express-mongo-sanitize': peer },
      }
    })
    const rampartHpp = hppContender(hpp())
    const peerHpp = hppContender(hppPackage())
    sameResult(rampartHpp, peerHpp, 'hpp')
    cases.push({
      name: 'hpp: repeated query and form body parameters',
      target: target('hpp'),
      fns: { rampart: rampartHpp, hpp: peerHpp },
    })
    return cases
  },
}
