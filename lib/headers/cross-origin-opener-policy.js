'use strict'
// Cross-Origin-Opener-Policy (default `same-origin`).
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'Cross-Origin-Opener-Policy'
const POLICIES = new Set(['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'])

function crossOriginOpenerPolicyValue(options) {
  const { policy = 'same-origin' } = optionsObject(NAME, options)
  if (!POLICIES.has(policy)) throw new Error(`${NAME} does not support the ${JSON.stringify(policy)} policy`)
  return policy
}

function crossOriginOpenerPolicy(options = {}) {
  return fixedHeaders('crossOriginOpenerPolicyMiddleware', [[NAME, crossOriginOpenerPolicyValue(options)]])
}

module.exports = { NAME, value: crossOriginOpenerPolicyValue, crossOriginOpenerPolicy }
