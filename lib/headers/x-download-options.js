'use strict'
// X-Download-Options: `noopen` (takes no options).
const { fixedHeaders } = require('./middleware')

const NAME = 'X-Download-Options'

function xDownloadOptionsValue() {
  return 'noopen'
}

function xDownloadOptions() {
  return fixedHeaders('xDownloadOptionsMiddleware', [[NAME, xDownloadOptionsValue()]])
}

module.exports = { NAME, value: xDownloadOptionsValue, xDownloadOptions }
