'use strict'
// Cross-Origin-Embedder-Policy (off by default in helmet 8; `require-corp` when turned on).
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'Cross-Origin-Embedder-Policy'
const POLICIES = new Set(['require-corp', 'credentialless', 'unsafe-none'])

function crossOriginEmbedderPolicyValue(options) {
  const { policy = 'require-corp' } = optionsObject(NAME, options)
  if (!POLICIES.has(policy)) throw new Error(`${NAME} does not support the ${JSON.stringify(policy)} policy`)
  return policy
}

function crossOriginEmbedderPolicy(options = {}) {
  return fixedHeaders('crossOriginEmbedderPolicyMiddleware', [
    [NAME, crossOriginEmbedderPolicyValue(options)],
  ])
}

module.exports = { NAME, value: crossOriginEmbedderPolicyValue, crossOriginEmbedderPolicy }
