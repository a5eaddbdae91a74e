'use strict'
// X-Frame-Options: `SAMEORIGIN` (default) or `DENY`; `action` is case-insensitive.
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'X-Frame-Options'

function xFrameOptionsValue(options) {
  const { action = 'sameorigin' } = optionsObject(NAME, options)
  const normalized = typeof action === 'string' ? action.toUpperCase() : action
  if (normalized === 'SAME-ORIGIN') return 'SAMEORIGIN'
  if (normalized === 'DENY' || normalized === 'SAMEORIGIN') return normalized
  throw new Error(`${NAME} received an invalid action ${JSON.stringify(action)}`)
}

function xFrameOptions(options = {}) {
  return fixedHeaders('xFrameOptionsMiddleware', [[NAME, xFrameOptionsValue(options)]])
}

module.exports = { NAME, value: xFrameOptionsValue, xFrameOptions }
