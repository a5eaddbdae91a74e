'use strict'
// express-rate-limit's default keyGenerator: the client IP, IPv6 grouped by ipv6Subnet.
const { clientIp } = require('../events')
const { ipKeyGenerator } = require('./ip-key-generator')

const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function'

/**
 * `(req, res) => key`. The IP checks (trust proxy, X-Forwarded-For, ...) run on the first
 * request only, as in express-rate-limit. A function ipv6Subnet may answer with a promise;
 * then so does the key.
 */
function defaultKeyGenerator(ipv6Subnet, validations) {
  let ipChecksPending = true
  return function keyGenerator(req, res) {
    let ip = req.ip
    if (ip === undefined) ip = clientIp(req)
    if (ipChecksPending) {
      ipChecksPending = false
      validations.ip(ip)
      validations.trustProxy(req)
      validations.xForwardedForHeader(req)
      validations.forwardedHeader(req)
    }
    if (typeof ip !== 'string') return 'unknown-ip'
    if (ip.indexOf(':') === -1) return ip
    if (typeof ipv6Subnet !== 'function') return ipKeyGenerator(ip, ipv6Subnet)
    const subnet = ipv6Subnet(req, res)
    if (isThenable(subnet)) {
      return subnet.then((s) => {
        validations.ipv6Subnet(s)
        return ipKeyGenerator(ip, s)
      })
    }
    validations.ipv6Subnet(subnet)
    return ipKeyGenerator(ip, subnet)
  }
}

module.exports = { defaultKeyGenerator }
