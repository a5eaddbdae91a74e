'use strict'
// The example API for bench/monitor/run.js, with rampart/monitor's metrics on or off
// (MONITOR_METRICS=1). Started through bench/e2e/serve.js, like the e2e stacks.
const { createApp: exampleApp } = require('../../examples/server')

function createApp() {
  const app = exampleApp()
  if (process.env.MONITOR_METRICS === '1') {
    const client = require('prom-client')
    const { metrics } = require('../../lib/monitor')
    const m = metrics({ registry: new client.Registry() })
    app.locals.metrics = m
  }
  return app
}

module.exports = { createApp }
