'use strict'
// X-Permitted-Cross-Domain-Policies (default `none`).
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'X-Permitted-Cross-Domain-Policies'
const POLICIES = new Set(['none', 'master-only', 'by-content-type', 'all'])

function xPermittedCrossDomainPoliciesValue(options) {
  const { permittedPolicies = 'none' } = optionsObject(NAME, options)
  if (!POLICIES.has(permittedPolicies)) {
    throw new Error(`${NAME} does not support ${JSON.stringify(permittedPolicies)}`)
  }
  return permittedPolicies
}

function xPermittedCrossDomainPolicies(options = {}) {
  return fixedHeaders('xPermittedCrossDomainPoliciesMiddleware', [
    [NAME, xPermittedCrossDomainPoliciesValue(options)],
  ])
}

module.exports = { NAME, value: xPermittedCrossDomainPoliciesValue, xPermittedCrossDomainPolicies }
