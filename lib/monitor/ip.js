'use strict'
// What to do with the client IP where events leave the process: keep it, drop it, or hash it
// (privacy regulations). The hash is an HMAC under a key made per process (or `salt`), so
// nobody can reverse it by hashing the 2^32 IPv4 addresses; it is stable within a process,
// which is what grouping by source needs.
const crypto = require('node:crypto')

const MODES = ['keep', 'hash', 'drop']

/** Returns ip → string | undefined for the mode. */
function ipPolicy(mode = 'keep', salt, where) {
  if (!MODES.includes(mode))
    throw new TypeError(`${where}: ip must be one of ${MODES.map((m) => `'${m}'`).join(', ')}`)
  if (mode === 'keep') return (ip) => ip
  if (mode === 'drop') return () => undefined
  if (salt !== undefined && (typeof salt !== 'string' || salt.length < 16)) {
    throw new TypeError(`${where}: ipSalt must be a string of at least 16 characters`)
  }
  const key = salt === undefined ? crypto.randomBytes(32) : Buffer.from(salt)
  return (ip) =>
    typeof ip === 'string' ? crypto.createHmac('sha256', key).update(ip).digest('hex').slice(0, 16) : ip
}

module.exports = { ipPolicy, MODES }
