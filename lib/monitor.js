'use strict'
// rampart/monitor: the security events where teams watch them. Prometheus metrics
// (prom-client), structured logs (pino or any .warn(obj, msg) logger), OpenTelemetry span
// events, and a live page over Server-Sent Events. prom-client and @opentelemetry/api are
// optional peers, loaded only by the function that needs them.
const { metrics } = require('./monitor/metrics')
const { logEvents } = require('./monitor/logs')
const { traceEvents } = require('./monitor/traces')
const { securityPage } = require('./monitor/page')

module.exports = { metrics, logEvents, traceEvents, securityPage }
