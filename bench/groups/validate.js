'use strict'
// `npm run bench -- validate`: the whole path from raw body bytes to a validated JS
// object. rampart: the bytes are checked against the schema in Rust while parsing (no
// tree built), then JSON.parse builds the object — exactly what json({ schema }) runs per
// request. Peers: JSON.parse, then the peer's validator (ajv compiled with ajv-formats,
// joi, zod), on the same Buffer.
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')
const Joi = require('joi')
const { z } = require('zod')
const { createParser } = require('../../lib/validate/json')
const { compile } = require('../../lib/validate/compile')

function peers(schemas) {
  const ajv = new Ajv2020({ allErrors: false })
  addFormats(ajv)
  const joi = {
    user: Joi.object({
      username: Joi.string()
        .pattern(/^[a-zA-Z0-9]+$/)
        .min(3)
        .max(30)
        .required(),
      email: Joi.string().email().required(),
      password: Joi.string()
        .pattern(/^[a-zA-Z0-9]{3,30}$/)
        .required(),
    }),
    order: Joi.object({
      customer: Joi.object({
        id: Joi.number().integer().min(1).required(),
        name: Joi.string().max(100).required(),
        tags: Joi.array().items(Joi.string()).max(10),
      }).required(),
      items: Joi.array()
        .items(
          Joi.object({
            sku: Joi.string()
              .pattern(/^[A-Z]{3}-[0-9]{4}$/)
              .required(),
            qty: Joi.number().integer().min(1).max(100).required(),
            price: Joi.number().greater(0).required(),
          }),
        )
        .min(1)
        .max(1000)
        .required(),
      note: Joi.string().max(2000),
    }),
  }
  const zod = {
    user: z
      .object({
        username: z
          .string()
          .regex(/^[a-zA-Z0-9]+$/)
          .min(3)
          .max(30),
        email: z.string().email(),
        password: z.string().regex(/^[a-zA-Z0-9]{3,30}$/),
      })
      .strict(),
    order: z
      .object({
        customer: z
          .object({
            id: z.number().int().min(1),
            name: z.string().max(100),
            tags: z.array(z.string()).max(10).optional(),
          })
          .strict(),
        items: z
          .array(
            z
              .object({
                sku: z.string().regex(/^[A-Z]{3}-[0-9]{4}$/),
                qty: z.number().int().min(1).max(100),
                price: z.number().gt(0),
              })
              .strict(),
          )
          .min(1)
          .max(1000),
        note: z.string().max(2000).optional(),
      })
      .strict(),
  }
  return {
    ajv: { user: ajv.compile(schemas.user), order: ajv.compile(schemas.order) },
    joi,
    zod,
  }
}

function contenders(name, schema, p) {
  const { parse } = createParser({ schema })
  const v = p.ajv[name]
  const j = p.joi[name]
  const zs = p.zod[name]
  return {
    rampart: (buf) => {
      const out = parse(buf)
      if (out instanceof Error) throw out
      return out.body
    },
    ajv: (buf) => {
      const data = JSON.parse(buf.toString())
      if (!v(data)) throw new Error('invalid')
      return data
    },
    joi: (buf) => {
      const r = j.validate(JSON.parse(buf.toString()))
      if (r.error) throw r.error
      return r.value
    },
    zod: (buf) => {
      const r = zs.safeParse(JSON.parse(buf.toString()))
      if (!r.success) throw r.error
      return r.data
    },
  }
}

module.exports = {
  name: 'validate',
  title: 'JSON body: raw bytes to a validated object (JSON.parse + peer)',
  contenders,
  peers,
  cases(workloads) {
    const { schemas, bodies } = workloads.validation
    const p = peers(schemas)
    const cases = []
    const inputs = [
      ['user', 'user body, valid (~90 B)', Buffer.from(JSON.stringify(bodies.user.valid))],
      ['order', 'order body, valid, 100 items (~4.4 KB)', Buffer.from(JSON.stringify(bodies.order.valid))],
    ]
    for (const [name, label, buf] of inputs) {
      const fns = contenders(name, schemas[name], p)
      // Check once that every contender returns the same object.
      const expected = JSON.stringify(JSON.parse(buf.toString()))
      for (const [who, fn] of Object.entries(fns)) {
        const got = JSON.stringify(fn(buf))
        if (got !== expected) throw new Error(`${who} returned ${got.slice(0, 80)} for the ${name} body`)
      }
      // Targets: >= 1.0x ajv (the hardest), >= 3x zod, >= 20x joi; every ratio is printed.
      cases.push({
        name: label,
        target: [
          { peer: 'ajv', ratio: 1 },
          { peer: 'zod', ratio: 3 },
          { peer: 'joi', ratio: 20 },
        ],
        fns: {
          rampart: () => fns.rampart(buf),
          ajv: () => fns.ajv(buf),
          zod: () => fns.zod(buf),
          joi: () => fns.joi(buf),
        },
      })
    }
    // A rejected body (target >= 2x JSON.parse + ajv): on the small-body path the emitted
    // code finds the one error and builds it in JS; otherwise Rust refuses the bytes.
    const bad = Buffer.from(JSON.stringify(bodies.user.invalid.badEmail))
    const badFns = contenders('user', schemas.user, p)
    const reject = (fn) => () => {
      try {
        fn(bad)
      } catch {
        return true
      }
      throw new Error('accepted an invalid body')
    }
    cases.push({
      name: 'user body, invalid email (rejected)',
      target: [{ peer: 'ajv', ratio: 2 }],
      fns: {
        rampart: reject(badFns.rampart),
        ajv: reject(badFns.ajv),
        zod: reject(badFns.zod),
        joi: reject(badFns.joi),
      },
    })
    cases.push(...objectCases(schemas, bodies, p), compileCase(schemas))
    return cases
  },
}

/**
 * The object already in JavaScript: compile(schema)(data) — the JS validator emitted from
 * the Rust plan — against ajv's, joi's and zod's validators on the same object.
 */
function objectCases(schemas, bodies, p) {
  const out = []
  for (const name of ['user', 'order']) {
    const v = compile(schemas[name])
    const data = bodies[name].valid
    if (!v(data) || !p.ajv[name](data)) throw new Error(`the ${name} body must be valid`)
    out.push({
      name: `${name} object in JS: compile()(data) (valid)`,
      target: [
        { peer: 'ajv', ratio: 1 },
        { peer: 'joi', ratio: 20 },
      ],
      fns: {
        rampart: () => v(data),
        ajv: () => p.ajv[name](data),
        zod: () => p.zod[name].safeParse(data).success,
        joi: () => p.joi[name].validate(data).error === undefined,
      },
    })
  }
  // A rejected object: the emitted explain function builds the one error in JS (Rust when
  // it is unsure or finds several).
  const v = compile(schemas.user)
  const bad = bodies.user.invalid.badEmail
  out.push({
    name: 'user object in JS: compile()(data) (rejected, errors built)',
    fns: {
      rampart: () => v(bad),
      ajv: () => p.ajv.user(bad),
      zod: () => p.zod.user.safeParse(bad).success,
      joi: () => p.joi.user.validate(bad).error === undefined,
    },
  })
  return out
}

/**
 * Start-up: 100 route schemas (the workload schemas, each with its own $id and one extra
 * property) compiled per operation; ajv with a fresh instance, as at boot. Target: rampart
 * in <= 1/10 of ajv's time (ratio >= 10).
 */
function compileCase(schemas) {
  // One list, built once: ajv gets a fresh instance per operation, and rampart keeps no
  // compiled schema between calls (only its per-thread cache of patterns and formats).
  const routes = []
  for (let i = 0; i < 100; i++) {
    const s = structuredClone(i % 2 ? schemas.user : schemas.order)
    s.$id = `https://example.com/routes/route${i}.json`
    s.properties[`field${i}`] = { type: 'string', maxLength: 10 + i }
    routes.push(s)
  }
  return {
    name: 'compile 100 route schemas (start-up)',
    target: [{ peer: 'ajv', ratio: 10 }],
    fns: {
      rampart: () => routes.map((s) => compile(s)),
      ajv: () => {
        const ajv = new Ajv2020({ allErrors: false })
        addFormats(ajv)
        return routes.map((s) => ajv.compile(s))
      },
    },
  }
}
