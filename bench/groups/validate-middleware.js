'use strict'
// `npm run bench -- validate-middleware`: the request as users see it. Each operation is
// one POST body through the middleware, over a real node:http IncomingMessage (body pushed
// in-process, no socket I/O), until next() is called. rampart: json({ schema }). Peers:
// express.json() (Express 5's body-parser) followed by an ajv middleware, or by a joi one
// (what celebrate does), and express.json() alone — the parse with no validation at all.
// celebrate and express-validator are not installed here, so they are not measured.
const http = require('node:http')
const { Socket } = require('node:net')
const express = require('express')
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')
const { json } = require('../../lib/validate/json')
const validateGroup = require('./validate')

// A fresh idle socket per request (nothing is read from it), as the server would give.
function request(buf) {
  const req = new http.IncomingMessage(new Socket())
  req.method = 'POST'
  req.url = '/orders'
  req.headers = {
    host: 'api.example.com',
    'content-type': 'application/json',
    'content-length': String(buf.length),
  }
  req.push(buf)
  req.push(null)
  return req
}

/** Runs the middleware chain on a fresh request; resolves with req.body, rejects on error. */
function run(chain, buf) {
  const req = request(buf)
  const res = new http.ServerResponse(req)
  return new Promise((resolve, reject) => {
    let i = 0
    const next = (err) => {
      if (err) return reject(err)
      if (i === chain.length) return resolve(req.body)
      chain[i++](req, res, next)
    }
    next()
  })
}

function chains(schema, joiSchema) {
  const ajv = new Ajv2020({ allErrors: false })
  addFormats(ajv)
  const check = ajv.compile(schema)
  const ajvMiddleware = (req, res, next) => (check(req.body) ? next() : next(new Error('invalid body')))
  const joiMiddleware = (req, res, next) => {
    const r = joiSchema.validate(req.body)
    if (r.error) return next(r.error)
    req.body = r.value
    next()
  }
  // The floor: the same request read to its end with nothing parsed or checked. No body
  // middleware can be faster; it bounds every ratio here.
  const readOnly = (req, res, next) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      req.body = Buffer.concat(chunks)
      next()
    })
  }
  return {
    rampart: [json({ schema })],
    'floor: read only': [readOnly],
    'express.json+ajv': [express.json(), ajvMiddleware],
    'express.json+joi': [express.json(), joiMiddleware],
    'express.json alone': [express.json()],
  }
}

module.exports = {
  name: 'validate-middleware',
  title: 'POST body through the middleware (node:http request, in-process)',
  cases(workloads) {
    const { schemas, bodies } = workloads.validation
    const joi = validateGroup.peers(schemas).joi
    const cases = []
    for (const name of ['user', 'order']) {
      const buf = Buffer.from(JSON.stringify(bodies[name].valid))
      const c = chains(schemas[name], joi[name])
      const fns = {}
      for (const [who, chain] of Object.entries(c)) fns[who] = () => run(chain, buf)
      cases.push({
        name: `${name} body, valid`,
        target: [{ peer: 'express.json+ajv', ratio: 2 }],
        fns,
      })
    }
    const bad = Buffer.from(JSON.stringify(bodies.user.invalid.badEmail))
    const c = chains(schemas.user, joi.user)
    const fns = {}
    for (const [who, chain] of Object.entries(c)) {
      if (who === 'express.json alone' || who.startsWith('floor')) continue
      fns[who] = () =>
        run(chain, bad).then(
          () => {
            throw new Error(`${who} accepted an invalid body`)
          },
          () => true,
        )
    }
    cases.push({ name: 'user body, invalid email (rejected)', fns })
    return cases
  },
}
