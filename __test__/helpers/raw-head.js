'use strict'
// The raw response head (status line and header lines, as sent) of one request written to a
// loopback socket: what a test must read to see headers exactly as node put them on the wire.
const net = require('node:net')

const GET = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'

function rawHead(port, request = GET) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk) => {
      data += chunk
      const end = data.indexOf('\r\n\r\n')
      if (end !== -1) {
        socket.destroy()
        resolve(data.slice(0, end))
      }
    })
    socket.on('error', reject)
    socket.write(request)
  })
}

module.exports = { rawHead }
