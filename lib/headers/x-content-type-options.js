'use strict'
// X-Content-Type-Options: `nosniff` (takes no options).
const { fixedHeaders } = require('./middleware')

const NAME = 'X-Content-Type-Options'

function xContentTypeOptionsValue() {
  return 'nosniff'
}

function xContentTypeOptions() {
  return fixedHeaders('xContentTypeOptionsMiddleware', [[NAME, xContentTypeOptionsValue()]])
}

module.exports = { NAME, value: xContentTypeOptionsValue, xContentTypeOptions }
