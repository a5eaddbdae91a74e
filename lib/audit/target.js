'use strict'
// Where the audit sends its requests: a base URL (loopback unless allowRemote) or an
// Express app served on an ephemeral loopback port for the length of the audit.
const http = require('node:http')
const net = require('node:net')

class UsageError extends Error {
  constructor(message) {
    super(message)
    this.name = 'UsageError'
    this.exitCode = 2
  }
}

// By address only: a name other than localhost would need DNS, and DNS can lie.
function isLoopback(hostname) {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (net.isIPv4(host)) return host.startsWith('127.')
  if (net.isIPv6(host)) return host === '::1' || /^::ffff:127\./.test(host)
  return false
}

function parseBaseUrl(baseUrl, allowRemote) {
  let url
  try {
    url = new URL(baseUrl)
  } catch {
    throw new UsageError(`rampart audit: not a URL: ${baseUrl}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`rampart audit: the base URL must be http or https, not ${url.protocol}`)
  }
  if (!allowRemote && !isLoopback(url.hostname)) {
    throw new UsageError(
      `rampart audit: ${url.hostname} is not a loopback address; pass --allow-remote (allowRemote: true) to audit a remote API you are allowed to test`,
    )
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

// Serves `app` on 127.0.0.1:0; close() also drops keep-alive sockets so the audit ends at once.
async function serveApp(app) {
  const server = http.createServer(app)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve)
        server.closeAllConnections?.()
      }),
  }
}

module.exports = { UsageError, isLoopback, parseBaseUrl, serveApp }
