'use strict'
// `npm run bench -- validate-middleware`: the request as users see it. Each operation is
// one POST body through the middleware, over a real node:http IncomingMessage (body pushed
// in-process, no socket I/O), until next() is called. rampart: json({ schema }). Peers:
// express.json() (Express 5's body-parser) followed by an ajv middleware, by celebrate (joi),
// or by express-validator's checkSchema for the same rules, and express.json() alone — the
// parse with no validation at all.
const http = require('node:http')
const { Socket } = require('node:net')
const express = require('express')
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')
const { celebrate, Segments } = require('celebrate')
const { checkSchema, checkExact, validationResult } = require('express-validator')
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
  // As node's HTTP parser does at the end of a message (parserOnMessageComplete). Without
  // it, the ended request counts as aborted: node destroys its socket and builds an
  // ERR_STREAM_PREMATURE_CLOSE with a stack, which was half of every contender's time.
  req.complete = true
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

// express-validator's checkSchema for the workload schemas' rules (same bounds, formats
// and unknown-field refusal; `checkExact` refuses fields a schema does not declare, though
// not inside the array's objects: an extra key in an order item passes express-validator,
// so that peer does a little less work than the others on the order body).
const EV_SCHEMAS = {
  user: {
    username: {
      exists: true,
      isString: true,
      matches: { options: [/^[a-zA-Z0-9]+$/] },
      isLength: { options: { min: 3, max: 30 } },
    },
    email: { exists: true, isString: true, isEmail: true },
    password: { exists: true, isString: true, matches: { options: [/^[a-zA-Z0-9]{3,30}$/] } },
  },
  order: {
    customer: { exists: true, isObject: true },
    'customer.id': { exists: true, isInt: { options: { min: 1 } }, custom: { options: Number.isInteger } },
    'customer.name': { exists: true, isString: true, isLength: { options: { max: 100 } } },
    'customer.tags': { optional: true, isArray: { options: { max: 10 } } },
    'customer.tags.*': { isString: true },
    items: { exists: true, isArray: { options: { min: 1, max: 1000 } } },
    'items.*.sku': { exists: true, isString: true, matches: { options: [/^[A-Z]{3}-[0-9]{4}$/] } },
    'items.*.qty': {
      exists: true,
      isInt: { options: { min: 1, max: 100 } },
      custom: { options: Number.isInteger },
    },
    'items.*.price': {
      exists: true,
      isFloat: { options: { gt: 0 } },
      custom: { options: (v) => typeof v === 'number' },
    },
    note: { optional: true, isString: true, isLength: { options: { max: 2000 } } },
  },
}

function expressValidator(name) {
  const rules = checkSchema(EV_SCHEMAS[name], ['body'])
  const exact = checkExact(rules, { locations: ['body'] })
  const result = (req, res, next) =>
    validationResult(req).isEmpty() ? next() : next(new Error('invalid body'))
  return [exact, result]
}

function chains(schema, joiSchema, name) {
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
  // The floors. Read only: the same request read to its end with nothing parsed or checked;
  // no body middleware can be faster, it bounds every ratio here. Read + JSON.parse: what
  // any middleware that hands the app a parsed body must do, with no header checks,
  // limits, errors or validation.
  const floor = (finish) => (req, res, next) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      req.body = finish(Buffer.concat(chunks))
      next()
    })
  }
  const readOnly = floor((buf) => buf)
  const readParse = floor((buf) => JSON.parse(buf.toString()))
  return {
    rampart: [json({ schema })],
    'floor: read only': [readOnly],
    'floor: read + JSON.parse': [readParse],
    'express.json+ajv': [express.json(), ajvMiddleware],
    'express.json+joi': [express.json(), joiMiddleware],
    'express.json+celebrate': [express.json(), celebrate({ [Segments.BODY]: joiSchema })],
    'express.json+express-validator': [express.json(), ...expressValidator(name)],
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
      const c = chains(schemas[name], joi[name], name)
      const fns = {}
      for (const [who, chain] of Object.entries(c)) fns[who] = () => run(chain, buf)
      cases.push({
        name: `${name} body, valid`,
        target: [
          { peer: 'express.json+ajv', ratio: 2 },
          { peer: 'express.json+express-validator', ratio: 5 },
        ],
        fns,
      })
    }
    const bad = Buffer.from(JSON.stringify(bodies.user.invalid.badEmail))
    const c = chains(schemas.user, joi.user, 'user')
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
