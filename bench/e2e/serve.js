#!/usr/bin/env node
'use strict'
// Starts one example server for the end-to-end benchmark and the soak test:
//   node bench/e2e/serve.js <server module>
// If the module exports createApp(), the app it returns listens on 127.0.0.1 at PORT (0: any
// free port); otherwise the module is run as the main script with PORT set. Either way, once
// the server is up this prints one line, "E2E_LISTENING <port>", that the parent waits for.
const http = require('node:http')
const path = require('node:path')

const NO_CREATE_APP = 64 // the parent then runs the module as the main script instead

async function main() {
  const file = process.argv[2]
  if (!file) throw new Error('usage: node bench/e2e/serve.js <server module>')
  const resolved = path.resolve(file)
  const port = Number(process.env.PORT) || 0
  const mod = require(resolved)
  if (!mod || typeof mod.createApp !== 'function') {
    console.error(`serve: ${file} does not export createApp()`)
    process.exit(NO_CREATE_APP)
  }
  const app = await mod.createApp()
  const server = typeof app.listen === 'function' && !app.handle ? app : http.createServer(app)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  process.stdout.write(`E2E_LISTENING ${server.address().port}\n`)
  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  console.error(`serve: ${err && err.stack ? err.stack : err}`)
  process.exit(1)
})
