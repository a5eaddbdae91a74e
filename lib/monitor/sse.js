'use strict'
// A bounded Server-Sent Events hub: at most maxClients connections; each client's unsent
// bytes are capped (a client that cannot keep up is dropped, not buffered without end).

class SseHub {
  constructor({ maxClients, maxBufferBytes }) {
    this.maxClients = maxClients
    this.maxBufferBytes = maxBufferBytes
    this.clients = new Set()
    this.dropped = 0
  }

  /** Takes a response as a client; false (and a 503) when the hub is full. */
  accept(req, res, first) {
    if (this.clients.size >= this.maxClients) {
      res.statusCode = 503
      res.setHeader('Retry-After', '10')
      res.end('too many security page connections')
      return false
    }
    res.statusCode = 200
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('X-Accel-Buffering', 'no')
    if (typeof res.flushHeaders === 'function') res.flushHeaders()
    if (req.socket && typeof req.socket.setNoDelay === 'function') req.socket.setNoDelay(true)
    // A reconnecting EventSource waits 3 s (a dropped client should not hammer back at once).
    res.write('retry: 3000\n\n')
    this.clients.add(res)
    const leave = () => this.clients.delete(res)
    res.on('close', leave)
    req.on('close', leave)
    if (first !== undefined) this.send(res, first.event, first.data)
    return true
  }

  send(res, event, data) {
    if (res.destroyed || res.writableEnded) return this.clients.delete(res)
    if (res.writableLength > this.maxBufferBytes) {
      // A slow or stalled reader: drop it. Its browser's EventSource reconnects by itself.
      this.clients.delete(res)
      this.dropped++
      res.destroy()
      return
    }
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    // Under compression(), a stream sits in the gzip buffer until flushed.
    if (typeof res.flush === 'function') res.flush()
  }

  broadcast(event, data) {
    for (const res of this.clients) this.send(res, event, data)
  }

  closeAll() {
    for (const res of this.clients) res.end()
    this.clients.clear()
  }
}

module.exports = { SseHub }
