'use strict'
// ipKeyGenerator(ip, ipv6Subnet = 56): the rate-limit key for a client address, as
// express-rate-limit 8 makes it. IPv4 addresses are their own key. An IPv6 address is
// grouped into its /ipv6Subnet network ("2001:db8:85a3:800::/56"), because one user
// usually holds a whole /56 or /64 and could otherwise rotate through addresses to get a
// fresh limit per request. IPv4-mapped (::ffff:1.2.3.4) and IPv4-compatible (::1.2.3.4)
// addresses count as the IPv4 address they carry.
const { isIPv6 } = require('node:net')

function ipKeyGenerator(ip, ipv6Subnet = 56) {
  if (typeof ip !== 'string' || ip.indexOf(':') === -1 || !isIPv6(ip)) return ip
  const groups = parseIPv6(ip)
  const dotted = ip.indexOf('.') !== -1
  const top80Zero =
    groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0
  if (top80Zero && (groups[5] === 0xffff || (dotted && groups[5] === 0))) {
    return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`
  }
  if (!ipv6Subnet) return ip
  let bits = ipv6Subnet
  for (let i = 0; i < 8; i++) {
    const keep = bits >= 16 ? 16 : bits > 0 ? bits : 0
    groups[i] = keep === 0 ? 0 : groups[i] & ((0xffff << (16 - keep)) & 0xffff)
    bits -= 16
  }
  return `${formatIPv6(groups)}/${ipv6Subnet}`
}

/** Eight 16-bit groups of a valid IPv6 address (zone id dropped, dotted tail allowed). */
function parseIPv6(ip) {
  const zone = ip.indexOf('%')
  if (zone !== -1) ip = ip.slice(0, zone)
  const parts = []
  const toGroups = (text) => {
    if (text === '') return []
    const out = []
    for (const piece of text.split(':')) {
      if (piece.indexOf('.') !== -1) {
        const o = piece.split('.').map(Number)
        out.push((o[0] << 8) | o[1], (o[2] << 8) | o[3])
      } else {
        out.push(parseInt(piece, 16))
      }
    }
    return out
  }
  const gap = ip.indexOf('::')
  if (gap === -1) return toGroups(ip)
  const head = toGroups(ip.slice(0, gap))
  const tail = toGroups(ip.slice(gap + 2))
  parts.push(...head)
  for (let i = head.length + tail.length; i < 8; i++) parts.push(0)
  parts.push(...tail)
  return parts
}

/** RFC 5952 text: lower-case hex, no leading zeros, the first longest run of 2+ zero groups as "::". */
function formatIPv6(groups) {
  let bestAt = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestAt = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (list) => list.map((g) => g.toString(16)).join(':')
  if (bestAt === -1) return hex(groups)
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`
}

module.exports = { ipKeyGenerator }
