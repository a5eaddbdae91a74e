'use strict'
// X-Powered-By: removed (Express sets it unless `app.disable('x-powered-by')`).
const { fixedHeaders } = require('./middleware')

const NAME = 'X-Powered-By'

function xPoweredBy() {
  return fixedHeaders('xPoweredByMiddleware', [], [NAME])
}

module.exports = { NAME, xPoweredBy }
