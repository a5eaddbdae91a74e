'use strict'
// rampart: every subpath's exports in one place, plus fortify().
module.exports = {
  ...require('./jwt'),
  ...require('./validate'),
  ...require('./sanitize'),
  ...require('./rate-limit'),
  ...require('./headers'),
  ...require('./cors'),
  ...require('./errors'),
  ...require('./input'),
  ...require('./csrf'),
  ...require('./monitor'),
  ...require('./fortify'),
  fastPathStatus: require('./fast-paths').fastPathStatus,
}
