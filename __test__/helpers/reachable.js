'use strict'
// Whether something listens at host:port (a Redis, say), answered within a second: the suites
// that need a service skip with a message, or fail under CI=true, when it is not there.
const net = require('node:net')

function reachable(port = 6379, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    socket.setTimeout(1000)
    socket.once('connect', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

module.exports = { reachable }
