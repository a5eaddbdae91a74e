'use strict'
// Strict-Transport-Security (default `max-age=31536000; includeSubDomains`).
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'Strict-Transport-Security'
const ONE_YEAR = 365 * 24 * 60 * 60

function strictTransportSecurityValue(options) {
  const opts = optionsObject(NAME, options)
  if ('maxage' in opts) {
    throw new Error(`${NAME} received an unsupported property, \`maxage\`. Did you mean to pass \`maxAge\`?`)
  }
  if ('includeSubdomains' in opts) {
    throw new Error(
      `${NAME} middleware should use \`includeSubDomains\` instead of \`includeSubdomains\`. (The correct one has an uppercase "D".)`,
    )
  }
  const { maxAge = ONE_YEAR, includeSubDomains, preload } = opts
  if (!(maxAge >= 0 && Number.isFinite(maxAge))) {
    throw new Error(
      `${NAME}: ${JSON.stringify(maxAge)} is not a valid value for maxAge. Please choose a positive integer.`,
    )
  }
  const parts = [`max-age=${Math.floor(maxAge)}`]
  if (includeSubDomains === undefined || includeSubDomains) parts.push('includeSubDomains')
  if (preload) parts.push('preload')
  return parts.join('; ')
}

function strictTransportSecurity(options = {}) {
  return fixedHeaders('strictTransportSecurityMiddleware', [[NAME, strictTransportSecurityValue(options)]])
}

module.exports = { NAME, value: strictTransportSecurityValue, strictTransportSecurity }
