'use strict'
// The only way a check sends a request. It counts every request against the budget,
// bounds each one in time, and in dry-run mode records the request instead of sending it.
const http = require('node:http')
const https = require('node:https')

const REQUEST_TIMEOUT_MS = 5000
const MAX_BODY_BYTES = 256 * 1024

class BudgetExceeded extends Error {
  constructor(budget) {
    super(`the request budget (${budget}) is spent`)
    this.name = 'BudgetExceeded'
  }
}

class ConnectionError extends Error {
  constructor(url, cause) {
    super(`cannot reach ${url}: ${cause.code || cause.message}`)
    this.name = 'ConnectionError'
    this.exitCode = 2
  }
}

// A response as the checks read it; `json` is the parsed body when it parses.
function response(status, headers, body) {
  let json
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return { status, headers, body, json }
}

// Dry runs answer every request with this: status 0 means "not sent", and checks treat
// it as inconclusive.
const NOT_SENT = Object.freeze(response(0, {}, ''))

function createClient({ baseUrl, budget = 300, dryRun = false, timeoutMs = REQUEST_TIMEOUT_MS }) {
  const base = new URL(baseUrl)
  const transport = base.protocol === 'https:' ? https : http
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 4 })
  const sent = []
  let count = 0

  // path may hold a raw, unencoded target (`/%85`), so it is passed through as written.
  async function request({ method = 'GET', path = '/', headers = {}, body, rawBody, label }) {
    if (count >= budget) throw new BudgetExceeded(budget)
    count++
    const target = base.pathname.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`)
    const hdrs = { ...headers }
    let payload = rawBody
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body)
      if (!Object.keys(hdrs).some((h) => h.toLowerCase() === 'content-type')) {
        hdrs['content-type'] = 'application/json'
      }
    }
    sent.push({ method, path: target, label })
    if (dryRun) return NOT_SENT
    return new Promise((resolve, reject) => {
      const req = transport.request(
        { host: base.hostname, port: base.port, method, path: target, headers: hdrs, agent },
        (res) => {
          const chunks = []
          let size = 0
          res.on('data', (c) => {
            size += c.length
            if (size <= MAX_BODY_BYTES) chunks.push(c)
          })
          res.on('end', () =>
            resolve(response(res.statusCode, res.headers, Buffer.concat(chunks).toString('utf8'))),
          )
          res.on('error', reject)
        },
      )
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
      req.on('error', (err) => reject(new ConnectionError(`${base.origin}${target}`, err)))
      if (payload !== undefined) req.setHeader('content-length', Buffer.byteLength(payload))
      req.end(payload)
    })
  }

  return {
    request,
    get count() {
      return count
    },
    get remaining() {
      return budget - count
    },
    sent,
    budget,
    dryRun,
    close: () => agent.destroy(),
  }
}

module.exports = { createClient, BudgetExceeded, ConnectionError, NOT_SENT }
