'use strict'
// decode (jsonwebtoken.decode) and the header reader the other files share. Nothing here is
// trusted: it only reads what a token says.

const EMPTY = Object.freeze({})
const SEGMENT = /^[A-Za-z0-9_-]+$/
const headerCache = new Map()

function parseJsonObject(text) {
  try {
    const value = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

/** The token's header as an object, or null. Cached by its encoded form (it rarely varies). */
function decodeHeader(token) {
  const dot = token.indexOf('.')
  if (dot <= 0) return null
  const encoded = token.slice(0, dot)
  let header = headerCache.get(encoded)
  if (header === undefined) {
    header = SEGMENT.test(encoded)
      ? parseJsonObject(Buffer.from(encoded, 'base64url').toString('utf8'))
      : null
    if (headerCache.size >= 256) headerCache.clear()
    headerCache.set(encoded, header)
  }
  return header === null ? null : { ...header }
}

/**
 * The payload of `token` from its JSON text, as both verify and decode read it (one rule,
 * so they can never disagree): a JSON object or array as that value; text that is not JSON
 * as the text itself (jsonwebtoken's tokens signed over a string), except when it looks
 * like an object (`{`), when the header says `typ: 'JWT'`, or with `json` — then
 * `undefined`, which refuses the token.
 */
function readPayload(text, token, json) {
  if (text.charCodeAt(0) === 123 /* { */) {
    try {
      return JSON.parse(text)
    } catch {
      return undefined
    }
  }
  try {
    const value = JSON.parse(text)
    return value !== null && typeof value === 'object' ? value : text
  } catch {
    if (json) return undefined
    const header = decodeHeader(token)
    return header !== null && header.typ === 'JWT' ? undefined : text
  }
}

/** jsonwebtoken.decode: the payload (or `{ header, payload, signature }`), unverified. */
function decode(token, options) {
  const o = options || EMPTY
  if (typeof token !== 'string' || token.length > (o.maxTokenLength || 1 << 20)) return null
  const parts = token.split('.')
  if (parts.length !== 3 || !SEGMENT.test(parts[1])) return null
  if (parts[2] !== '' && !SEGMENT.test(parts[2])) return null
  const header = decodeHeader(token)
  if (header === null) return null
  const payload = readPayload(Buffer.from(parts[1], 'base64url').toString('utf8'), token, o.json)
  if (payload === undefined) return null
  return o.complete ? { header, payload, signature: parts[2] } : payload
}

module.exports = { decode, decodeHeader, readPayload }
