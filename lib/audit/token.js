'use strict'
// JWT pieces for the forgery probes: decode a sample token and sign a changed copy.
// Forging a handful of tokens is cheap, so it stays in JS (node:crypto).
const crypto = require('node:crypto')

const b64 = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

function decodeToken(token) {
  const parts = String(token).split('.')
  if (parts.length !== 3) return null
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return null
    return {
      header,
      payload,
      parts,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    }
  } catch {
    return null
  }
}

// An unsigned token (`alg` as given, empty signature).
function unsigned(header, payload) {
  return `${b64(header)}.${b64(payload)}.`
}

function hs256(header, payload, secret) {
  const input = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`
}

// Signs with the key the audit holds: an HMAC secret or a private key (RS/ES/PS).
function resign(header, payload, key) {
  if (key.secret !== undefined) return hs256(header, payload, key.secret)
  const alg = header.alg
  const input = `${b64(header)}.${b64(payload)}`
  const hash = `sha${alg.slice(2)}`
  const opts = { key: key.privateKey }
  if (alg.startsWith('PS'))
    Object.assign(opts, { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
  if (alg.startsWith('ES')) opts.dsaEncoding = 'ieee-p1363'
  return `${input}.${crypto.sign(hash, Buffer.from(input), opts).toString('base64url')}`
}

// The public key as the PEM strings a confused verifier would use as an HMAC secret.
function publicKeyPems(key) {
  const object =
    typeof key === 'string' && key.includes('-----BEGIN')
      ? crypto.createPublicKey(key)
      : crypto.createPublicKey({ key, format: 'jwk' })
  const spki = object.export({ type: 'spki', format: 'pem' })
  const pems = [spki, spki.trimEnd()]
  if (typeof key === 'string') pems.unshift(key)
  if (object.asymmetricKeyType === 'rsa') pems.push(object.export({ type: 'pkcs1', format: 'pem' }))
  return [...new Set(pems)]
}

module.exports = { b64, decodeToken, unsigned, hs256, resign, publicKeyPems }
