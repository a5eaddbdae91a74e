'use strict'
// X-XSS-Protection: `0`, turning off the old browsers' buggy XSS auditor (takes no options).
const { fixedHeaders } = require('./middleware')

const NAME = 'X-XSS-Protection'

function xXssProtectionValue() {
  return '0'
}

function xXssProtection() {
  return fixedHeaders('xXssProtectionMiddleware', [[NAME, xXssProtectionValue()]])
}

module.exports = { NAME, value: xXssProtectionValue, xXssProtection }
