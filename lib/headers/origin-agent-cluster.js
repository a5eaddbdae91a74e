'use strict'
// Origin-Agent-Cluster: `?1` (takes no options).
const { fixedHeaders } = require('./middleware')

const NAME = 'Origin-Agent-Cluster'

function originAgentClusterValue() {
  return '?1'
}

function originAgentCluster() {
  return fixedHeaders('originAgentClusterMiddleware', [[NAME, originAgentClusterValue()]])
}

module.exports = { NAME, value: originAgentClusterValue, originAgentCluster }
