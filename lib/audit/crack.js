'use strict'
// The offline HS256 secret check: the shipped wordlist (plus the config's own words)
// tried in Rust over the token's signing input.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const native = require('../native')

const WORDLIST = path.join(__dirname, 'wordlist.txt')
let shipped

// Read once, on first use (the audit may never see an HS256 token).
function shippedWordlist() {
  if (!shipped) shipped = fs.readFileSync(WORDLIST)
  return shipped
}

// The native cracker, read when an audit starts: a missing addon fails then, with the
// loader's message, and never halfway through a run.
function nativeCracker() {
  const crack = native.auditCrackHs256
  if (typeof crack !== 'function')
    throw new Error('rampart audit: the native addon has no auditCrackHs256 (rebuild it: npm run build)')
  return crack
}

// → { secret, tried, perSecond } (secret undefined when none matched).
function crackHs256(token, { extraWords = [], threads = os.availableParallelism?.() || 1 } = {}) {
  const crack = nativeCracker()
  const parts = String(token).split('.')
  const list = extraWords.length
    ? Buffer.concat([Buffer.from(`${extraWords.join('\n')}\n`), shippedWordlist()])
    : shippedWordlist()
  const tried = countLines(list)
  const start = process.hrtime.bigint()
  const index = crack(
    Buffer.from(`${parts[0]}.${parts[1]}`),
    Buffer.from(parts[2] || '', 'base64url'),
    list,
    threads,
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const secret = index < 0 ? undefined : lineAt(list, index)
  return {
    secret,
    tried: index < 0 ? tried : index + 1,
    perSecond: Math.round((index < 0 ? tried : index + 1) / Math.max(seconds, 1e-9)),
  }
}

function countLines(buf) {
  let n = 0
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++
  return buf.length && buf[buf.length - 1] !== 10 ? n + 1 : n
}

function lineAt(buf, index) {
  const line = buf.toString('utf8').split('\n')[index]
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

module.exports = { crackHs256, nativeCracker, shippedWordlist, WORDLIST }
