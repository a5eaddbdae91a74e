'use strict'
// Referrer-Policy (default `no-referrer`); `policy` is one token or an array of them.
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'Referrer-Policy'
const TOKENS = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
  '',
])

function referrerPolicyValue(options) {
  const { policy = ['no-referrer'] } = optionsObject(NAME, options)
  const tokens = typeof policy === 'string' ? [policy] : policy
  if (!Array.isArray(tokens))
    throw new Error(`${NAME} received an unexpected policy ${JSON.stringify(policy)}`)
  if (tokens.length === 0) throw new Error(`${NAME} received no policy tokens`)
  const seen = new Set()
  for (const token of tokens) {
    if (!TOKENS.has(token))
      throw new Error(`${NAME} received an unexpected policy token ${JSON.stringify(token)}`)
    if (seen.has(token)) throw new Error(`${NAME} received a duplicate policy token ${JSON.stringify(token)}`)
    seen.add(token)
  }
  return tokens.join(',')
}

function referrerPolicy(options = {}) {
  return fixedHeaders('referrerPolicyMiddleware', [[NAME, referrerPolicyValue(options)]])
}

module.exports = { NAME, value: referrerPolicyValue, referrerPolicy }
