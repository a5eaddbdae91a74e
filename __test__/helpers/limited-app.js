'use strict'
// An Express app behind one rate limiter (a store error answers 503 with its message), and
// the statuses of n sequential GETs: what the RedisStore suites drive against each Redis.
const express = require('express')

function appWith(limiter) {
  const app = express()
  app.use(limiter)
  app.get('/', (_req, res) => res.send('ok'))
  app.use((err, _req, res, _next) => res.status(503).send(err.message))
  return app
}

async function statuses(url, n) {
  const out = []
  for (let i = 0; i < n; i++) out.push((await fetch(url)).status)
  return out
}

module.exports = { appWith, statuses }
