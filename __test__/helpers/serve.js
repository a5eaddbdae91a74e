'use strict'
// Starts an Express app (or any node:http handler) on 127.0.0.1, port 0, for HTTP tests.
const http = require('node:http')

async function serve(handler) {
  const server = http.createServer(handler)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    server,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

module.exports = { serve }
