'use strict'
// One reading per token: the string the application holds is the string that is verified,
// and what jwtAuth verified is exactly what isRevoked and req.user see. The readers of a
// token (the native read, decode, the cookie reader, a custom getToken) are compared on
// seeded mutations of signed tokens: non-ASCII characters, lone surrogates, %-encoding,
// whitespace, padding, extra dots, huge lengths, non-canonical base64url.
const test = require('node:test')
const assert = require('node:assert')
const express = require('express')
const { sign, verify, decode, jwtAuth } = require('../lib/jwt')
const { serve } = require('./helpers/serve')
const { prng } = require('./helpers/prng')

const SECRET = 'one-reading-secret-'.padEnd(48, 'x')
const NOW = 1_800_000_000
const COUNT = 3000

/** The token with its character at `i` replaced by `c` (a string). */
const swapAt = (token, i, c) => token.slice(0, i) + c + token.slice(i + 1)

test('a character outside ASCII is refused, wherever it is, however its low byte reads', () => {
  const token = sign({ sub: 'u1', jti: 'revoked-1' }, SECRET)
  // Each of these has an ASCII low byte: a latin1 read (keep the low byte) turned them
  // back into the original token, which then verified.
  const lowByteTwins = (c) => [0x100 + c, 0xff00 + c, 0x4100 + c].map((u) => String.fromCharCode(u))
  let checked = 0
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i)
    for (const twin of [...lowByteTwins(c), '\ud800', '\udc00', '\u00e9', '\ufeff']) {
      const changed = swapAt(token, i, twin)
      assert.throws(() => verify(changed, SECRET), { name: 'JsonWebTokenError' }, `char ${i}`)
      assert.strictEqual(decode(changed), null, `decode of char ${i}`)
      checked++
    }
  }
  assert.ok(checked > token.length * 6)
  assert.strictEqual(verify(token, SECRET).jti, 'revoked-1', 'the original still verifies')
})

test('attack: a revoked token with one character swapped, sent as a cookie, stays revoked', async (t) => {
  const token = sign({ sub: 'u1', jti: 'revoked-1' }, SECRET)
  const revoked = new Set(['revoked-1'])
  const seen = []
  const app = express()
  app.get(
    '/me',
    jwtAuth({
      secret: SECRET,
      algorithms: ['HS256'],
      cookie: 'token',
      isRevoked: (req, decoded) => {
        seen.push(decoded)
        return revoked.has(decoded?.payload?.jti)
      },
    }),
    (req, res) => res.json(req.user),
  )
  app.use((err, req, res, _next) => res.status(err.status || 500).json({ code: err.code }))
  const { url, close } = await serve(app)
  t.after(close)
  const get = async (cookieValue) => {
    const res = await fetch(`${url}/me`, { headers: { cookie: `token=${cookieValue}` } })
    return { status: res.status, body: await res.json() }
  }
  assert.deepStrictEqual(await get(token), { status: 401, body: { code: 'revoked_token' } })
  const [, payload] = token.split('.')
  const at = token.indexOf('.') + 1 + Math.floor(payload.length / 2)
  const swapped = swapAt(token, at, String.fromCharCode(0x100 + token.charCodeAt(at)))
  const res = await get(encodeURIComponent(swapped)) // the cookie reader URI-decodes
  assert.strictEqual(res.status, 401)
  assert.strictEqual(res.body.code, 'invalid_token')
  assert.strictEqual(seen.length, 1, 'isRevoked only ever saw the verified token')
})

test('isRevoked gets the verified { header, payload, signature }, and req.user is that payload', async (t) => {
  const token = sign({ sub: 'u2', jti: 'j2', aud: 'api' }, SECRET, { keyid: 'k1' })
  let given
  const app = express()
  app.get(
    '/me',
    jwtAuth({
      secret: SECRET,
      algorithms: ['HS256'],
      audience: 'api',
      isRevoked: (req, decoded) => {
        given = decoded
        req.revokedSaw = decoded.payload
        return false
      },
    }),
    (req, res) => res.json({ same: req.user === req.revokedSaw, user: req.user }),
  )
  const { url, close } = await serve(app)
  t.after(close)
  const res = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })
  const body = await res.json()
  assert.strictEqual(res.status, 200)
  assert.strictEqual(body.same, true, 'one payload object: no second parse')
  assert.deepStrictEqual(given, verify(token, SECRET, { complete: true }))
  assert.deepStrictEqual(given.header, { alg: 'HS256', typ: 'JWT', kid: 'k1' })
  assert.strictEqual(given.signature, token.split('.')[2])
})

// Mutations of a signed token that a reader might read differently.
function mutate(token, rnd) {
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)]
  const at = Math.floor(rnd() * token.length)
  const c = token.charCodeAt(at)
  const lastDot = token.lastIndexOf('.')
  switch (Math.floor(rnd() * 14)) {
    case 0:
      return swapAt(token, at, String.fromCharCode(0x100 + c))
    case 1:
      return swapAt(token, at, pick(['\ud800', '\udfff', '\ud83d']))
    case 2:
      return swapAt(token, at, `%${c.toString(16).toUpperCase()}`)
    case 3:
      return pick([' ', '\t', '\n', '\u00a0', '\u2028']) + token + pick(['', ' ', '\r\n'])
    case 4:
      return swapAt(token, at, pick([' ', '\t', '+', '/', '=']))
    case 5:
      return token.slice(0, lastDot) + '=' + token.slice(lastDot) + pick(['', '=', '=='])
    case 6:
      return token + pick(['=', '==', '.', '.x', '..'])
    case 7:
      return swapAt(token, at, '.')
    case 8:
      return token + 'A'.repeat(pick([8192, 70000]))
    case 9: {
      // Non-canonical base64url: the signature's last character with other trailing bits.
      const last = token[token.length - 1]
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const i = alphabet.indexOf(last)
      return token.slice(0, -1) + alphabet[(i & ~3) | Math.floor(rnd() * 4)]
    }
    case 10:
      return token.toUpperCase()
    case 11:
      return swapAt(token, at, String.fromCharCode(c ^ (1 << Math.floor(rnd() * 7))))
    case 12:
      return encodeURIComponent(token.slice(0, at)) + token.slice(at)
    default:
      return token
  }
}

function outcome(fn) {
  try {
    return { ok: true, value: fn() }
  } catch (err) {
    assert.ok(err instanceof Error, `threw a non-Error: ${err}`)
    return { ok: false, name: err.name, message: err.message }
  }
}

// jwtAuth run directly on a node:http-shaped request, the token from `source`.
function throughMiddleware(middleware, req) {
  let result
  middleware(req, {}, (err) => (result = err ? { ok: false, code: err.code } : { ok: true }))
  assert.ok(result, 'a static-secret jwtAuth answers synchronously')
  return result
}

test('differential: verify, decode, getToken and the cookie reader agree on every mutation', () => {
  const rnd = prng(14)
  const tokens = [
    sign({ sub: 'u1', jti: 'a', exp: NOW + 60 }, SECRET),
    sign({ sub: 'é😀', roles: ['x'], exp: NOW + 60 }, SECRET, { algorithm: 'HS384' }),
    sign('a string payload', SECRET),
    sign({ n: 1 }, SECRET, { header: { typ: 'at+jwt' }, noTimestamp: true }),
  ]
  const options = { algorithms: ['HS256', 'HS384'], clockTimestamp: NOW, maxTokenLength: 65536 }
  let seen = null
  const capture = (req, decoded) => {
    seen = decoded
    return false
  }
  const viaGetToken = jwtAuth({
    secret: SECRET,
    ...options,
    getToken: (req) => req.token,
    isRevoked: capture,
  })
  const viaCookie = jwtAuth({ secret: SECRET, ...options, cookie: 'jwt', isRevoked: capture })
  const counts = { accepted: 0, refused: 0, decodedOnly: 0 }
  for (let n = 0; n < COUNT; n++) {
    const token = tokens[n % tokens.length]
    let s = mutate(token, rnd)
    if (rnd() < 0.3) s = mutate(s, rnd)
    const v = outcome(() => verify(s, SECRET, { ...options, complete: true }))
    const d = decode(s, { complete: true, maxTokenLength: options.maxTokenLength })
    if (v.ok) {
      counts.accepted++
      assert.deepStrictEqual(d, v.value, `decode reads what verify verified: ${JSON.stringify(s)}`)
      assert.ok(/^[\x21-\x7e]*$/.test(s), `only printable ASCII verifies: ${JSON.stringify(s)}`)
    } else {
      counts.refused++
      if (d !== null) counts.decodedOnly++
      assert.strictEqual(v.name, 'JsonWebTokenError', `${v.message}: ${JSON.stringify(s)}`)
    }
    // getToken: the very string, the same verdict; isRevoked and req.user get verify's value.
    seen = null
    const req = { headers: {}, token: s }
    const g = throughMiddleware(viaGetToken, req)
    assert.strictEqual(g.ok, v.ok, `getToken verdict: ${JSON.stringify(s)}`)
    if (v.ok) {
      assert.deepStrictEqual(seen, v.value)
      assert.strictEqual(req.user, seen.payload)
    } else {
      assert.strictEqual(seen, null, 'isRevoked never sees a refused token')
      assert.strictEqual(req.user, undefined)
    }
    // The cookie reader: a URI-encoded cookie is the same string, and the same verdict.
    seen = null
    const encoded = s.isWellFormed() ? encodeURIComponent(s) : s // lone surrogates: sent raw
    const creq = { headers: { cookie: `a=1; jwt=${encoded}` } }
    const c = throughMiddleware(viaCookie, creq)
    if (s.trim() === s && s.isWellFormed()) {
      assert.strictEqual(c.ok, v.ok, `cookie verdict: ${JSON.stringify(s)}`)
      if (v.ok) assert.deepStrictEqual(seen, v.value)
    }
    if (c.ok) assert.strictEqual(creq.user, seen.payload, 'the cookie path sets what isRevoked saw')
  }
  // The mutations reach both verdicts, and decode reads some tokens verify refuses (it is
  // unverified), never the other way round.
  assert.ok(counts.accepted > 100 && counts.refused > 1000, JSON.stringify(counts))
})

test('differential: a raw %-encoded cookie is verified as the string the cookie reader decoded', () => {
  const token = sign({ sub: 'u3' }, SECRET)
  const mw = jwtAuth({ secret: SECRET, algorithms: ['HS256'], cookie: 'jwt' })
  // "%79" is "y": the reader decodes first, so what is verified is the decoded string.
  const i = token.indexOf('y')
  assert.ok(i > 0)
  const req = { headers: { cookie: `jwt=${token.slice(0, i)}%79${token.slice(i + 1)}` } }
  assert.deepStrictEqual(throughMiddleware(mw, req), { ok: true })
  assert.deepStrictEqual(req.user, verify(token, SECRET))
  // Percent-encoding of a non-ASCII character decodes to it, and is refused.
  const bad = { headers: { cookie: `jwt=${token.slice(0, i)}%C5%81${token.slice(i + 1)}` } }
  assert.deepStrictEqual(throughMiddleware(mw, bad), { ok: false, code: 'invalid_token' })
})

test('verify and decode share one payload rule (typ JWT with a non-JSON payload is refused by both)', () => {
  const b64 = (v) => Buffer.from(v).toString('base64url')
  const crypto = require('node:crypto')
  const make = (header, text) => {
    const input = `${b64(JSON.stringify(header))}.${b64(text)}`
    return `${input}.${crypto.createHmac('sha256', SECRET).update(input).digest('base64url')}`
  }
  const cases = [
    [{ alg: 'HS256', typ: 'JWT' }, 'not json', false],
    [{ alg: 'HS256' }, 'not json', true],
    [{ alg: 'HS256' }, '{not json', false],
    [{ alg: 'HS256', typ: 'JWT' }, '[1,2]', true],
    [{ alg: 'HS256', typ: 'JWT' }, '42', true],
  ]
  for (const [header, text, accepted] of cases) {
    const token = make(header, text)
    const v = outcome(() => verify(token, SECRET, { complete: true }))
    const d = decode(token, { complete: true })
    assert.strictEqual(v.ok, accepted, `verify ${JSON.stringify([header, text])}`)
    assert.strictEqual(d !== null, accepted, `decode ${JSON.stringify([header, text])}`)
    if (accepted) assert.deepStrictEqual(d, v.value)
  }
})

test('the header a complete result shows is the header the core verified (no member read two ways)', () => {
  const crypto = require('node:crypto')
  const b64 = (text) => Buffer.from(text).toString('base64url')
  // Raw header JSON text, so that repeated members and escapes reach both readers as written.
  const make = (headerText, hash = 'sha256') => {
    const input = `${b64(headerText)}.${b64('{"sub":"h"}')}`
    return `${input}.${crypto.createHmac(hash, SECRET).update(input).digest('base64url')}`
  }
  const cases = [
    // [header text, hash the signature used, accepted, alg the result must show]
    ['{"alg":"HS256"}', 'sha256', true, 'HS256'],
    ['{"alg":"HS\\u0032\\u0035\\u0036"}', 'sha256', true, 'HS256'],
    [' \n{"alg":"HS256"} \t', 'sha256', true, 'HS256'],
    // JSON.parse would take the last alg, the core the first: refused, whichever signed it.
    ['{"alg":"HS384","alg":"HS256"}', 'sha256', false],
    ['{"alg":"HS256","alg":"HS384"}', 'sha256', false],
    ['{"alg":"HS256","alg":"HS384"}', 'sha384', false],
    ['{"alg":"HS256","crit":[],"crit":null}', 'sha256', false],
    ['\ufeff{"alg":"HS256"}', 'sha256', false],
    ['\f{"alg":"HS256"}', 'sha256', false],
    ['{"alg":"HS256"}x', 'sha256', false],
    ['[{"alg":"HS256"}]', 'sha256', false],
  ]
  for (const [headerText, hash, accepted, alg] of cases) {
    const token = make(headerText, hash)
    const v = outcome(() => verify(token, SECRET, { complete: true, algorithms: ['HS256', 'HS384'] }))
    assert.strictEqual(v.ok, accepted, `${JSON.stringify(headerText)} signed ${hash}`)
    if (accepted) {
      assert.strictEqual(v.value.header.alg, alg)
      assert.deepStrictEqual(decode(token, { complete: true }), v.value)
    }
  }
})
