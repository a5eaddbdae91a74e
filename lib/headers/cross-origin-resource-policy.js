'use strict'
// Cross-Origin-Resource-Policy (default `same-origin`).
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'Cross-Origin-Resource-Policy'
const POLICIES = new Set(['same-origin', 'same-site', 'cross-origin'])

function crossOriginResourcePolicyValue(options) {
  const { policy = 'same-origin' } = optionsObject(NAME, options)
  if (!POLICIES.has(policy)) throw new Error(`${NAME} does not support the ${JSON.stringify(policy)} policy`)
  return policy
}

function crossOriginResourcePolicy(options = {}) {
  return fixedHeaders('crossOriginResourcePolicyMiddleware', [
    [NAME, crossOriginResourcePolicyValue(options)],
  ])
}

module.exports = { NAME, value: crossOriginResourcePolicyValue, crossOriginResourcePolicy }
