'use strict'
// X-DNS-Prefetch-Control: `off`, or `on` with `{ allow: true }`.
const { fixedHeaders, optionsObject } = require('./middleware')

const NAME = 'X-DNS-Prefetch-Control'

function xDnsPrefetchControlValue(options) {
  return optionsObject(NAME, options).allow ? 'on' : 'off'
}

function xDnsPrefetchControl(options = {}) {
  return fixedHeaders('xDnsPrefetchControlMiddleware', [[NAME, xDnsPrefetchControlValue(options)]])
}

module.exports = { NAME, value: xDnsPrefetchControlValue, xDnsPrefetchControl }
