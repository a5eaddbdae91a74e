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
    // A rejected body: rampart stops at the first failing byte, before any JS object exists.
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
      fns: {
        rampart: reject(badFns.rampart),
        ajv: reject(badFns.ajv),
        zod: reject(badFns.zod),
        joi: reject(badFns.joi),
      },
    })
    return cases
  },
}
