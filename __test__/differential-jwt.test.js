'use strict'
// verify() against jsonwebtoken (the library rampart/jwt replaces) on generated tokens,
// valid and mutated: both must agree on accept / reject. Tokens are signed by jsonwebtoken
// over a seeded set of claims and keys, then mutated (bit flips in each segment, swapped
// and stripped algorithms, re-encoded headers, padding, extra segments). Where they
// disagree, only the stricter direction (rampart rejects what jsonwebtoken accepts) may be
// explained, with a reason in EXPLAINED; rampart accepting what jsonwebtoken rejects fails.
const test = require('node:test')
const assert = require('node:assert')
const crypto = require('node:crypto')
const jsonwebtoken = require('jsonwebtoken')

const jwt = require('../lib/jwt')
const { prng } = require('./helpers/prng')
const landed = typeof jwt.verify === 'function' && typeof jwt.sign === 'function'
const NOW = 1_800_000_000 // seconds; both libraries are given it as clockTimestamp
const COUNT_BUDGET = 4000
const TIME_BUDGET_MS = 20_000

const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'])
const EXPLAINED = [
  [
    (m) => m.kind === 'padding' || m.kind === 'badBase64' || m.kind === 'trailingBits',
    "non-canonical base64url: jsonwebtoken decodes with Node's lenient Buffer.from (padding, stray characters and trailing bits ignored); rampart requires canonical base64url (RFC 7515 §2)",
  ],
  [
    (m) => m.kind === 'crit',
    'unknown crit header parameters: rejected by rampart (RFC 7515 §4.1.11); jsonwebtoken ignores crit',
  ],
]

function keys() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = (k, type) => k.export({ type, format: 'pem' })
  return [
    { algs: ['HS256', 'HS384', 'HS512'], sign: 'h'.repeat(64), verify: 'h'.repeat(64) },
    { algs: ['HS256'], sign: 's'.repeat(32), verify: 's'.repeat(32) },
    {
      algs: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
      sign: pem(rsa.privateKey, 'pkcs8'),
      verify: pem(rsa.publicKey, 'spki'),
    },
    { algs: ['ES256'], sign: pem(ec.privateKey, 'pkcs8'), verify: pem(ec.publicKey, 'spki') },
  ]
}

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url')

function claims(rnd) {
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)]
  const c = { sub: pick(['u1', 'admin', 'é😀', '']), role: pick(['user', 'admin']) }
  const r = rnd()
  if (r < 0.7) c.exp = NOW + pick([-3600, -1, 0, 1, 60, 86400])
  if (rnd() < 0.3) c.nbf = NOW + pick([-60, 0, 5, 3600])
  if (rnd() < 0.3) c.iat = NOW + pick([-60, 0, 3600])
  if (rnd() < 0.3) c.aud = pick(['api', ['api', 'web'], 'other'])
  if (rnd() < 0.3) c.iss = pick(['https://issuer.example', 'evil'])
  return c
}

/** Re-signs `header.payload` with an HMAC secret, so header changes reach the checks. */
function resign(header, p, secret) {
  const bits = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[header.alg]
  const input = `${b64(header)}.${p}`
  return `${input}.${crypto.createHmac(bits, secret).update(input).digest('base64url')}`
}

function mutations(token, rnd, secret) {
  const [h, p, s] = token.split('.')
  const header = JSON.parse(Buffer.from(h, 'base64url'))
  const payload = JSON.parse(Buffer.from(p, 'base64url'))
  const flip = (seg) => {
    if (!seg.length) return 'A'
    const i = Math.floor(rnd() * seg.length)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    let c = alphabet[Math.floor(rnd() * 64)]
    if (c === seg[i]) c = seg[i] === 'A' ? 'B' : 'A'
    return seg.slice(0, i) + c + seg.slice(i + 1)
  }
  return [
    { kind: 'valid', token },
    { kind: 'flipSig', token: `${h}.${p}.${flip(s)}` },
    { kind: 'flipPayload', token: `${h}.${flip(p)}.${s}` },
    { kind: 'flipHeader', token: `${flip(h)}.${p}.${s}` },
    { kind: 'noSig', token: `${h}.${p}.` },
    { kind: 'algNone', token: `${b64({ ...header, alg: 'none' })}.${p}.` },
    {
      kind: 'algSwap',
      token: `${b64({ ...header, alg: header.alg.startsWith('HS') ? 'RS256' : 'HS256' })}.${p}.${s}`,
    },
    { kind: 'payloadChanged', token: `${h}.${b64({ ...payload, role: 'admin', exp: NOW + 1e6 })}.${s}` },
    { kind: 'extraSegment', token: `${token}.x` },
    { kind: 'truncated', token: token.slice(0, Math.floor(rnd() * token.length)) },
    { kind: 'padding', token: `${h}=.${p}.${s}` },
    { kind: 'badBase64', token: `${h}.${p}.${s.slice(0, -1)}*` },
    { kind: 'whitespace', token: ` ${token}` },
    { kind: 'crit', token: `${b64({ ...header, crit: ['x'], x: 1 })}.${p}.${s}` },
    { kind: 'lowercaseAlg', token: `${b64({ ...header, alg: header.alg.toLowerCase() })}.${p}.${s}` },
    { kind: 'nonObjectPayload', token: `${h}.${Buffer.from('"str"').toString('base64url')}.${s}` },
    { kind: 'empty', token: '' },
    ...(header.alg.startsWith('HS') && typeof secret === 'string'
      ? [
          { kind: 'crit', token: resign({ ...header, crit: ['exp'] }, p, secret) },
          { kind: 'resignedKid', token: resign({ ...header, kid: 'k1', typ: 'at+jwt' }, p, secret) },
          { kind: 'resignedJku', token: resign({ ...header, jku: 'https://evil.example/jwks' }, p, secret) },
          { kind: 'resignedTypArray', token: resign({ ...header, typ: ['JWT'] }, p, secret) },
          { kind: 'resignedArrayPayload', token: resign(header, b64([1, 2]), secret) },
          {
            kind: 'resignedExpString',
            token: resign(header, b64({ ...payload, exp: String(NOW + 60) }), secret),
          },
          { kind: 'resignedNbfFloat', token: resign(header, b64({ ...payload, nbf: NOW + 0.5 }), secret) },
        ]
      : []),
  ]
}

const verdict = (fn) => {
  try {
    fn()
    return 'accept'
  } catch (err) {
    return err && err.name ? `reject:${err.name}` : 'reject:?'
  }
}

test(
  'differential: verify() agrees with jsonwebtoken on accept / reject',
  { skip: !landed && 'rampart/jwt has not landed yet' },
  (t) => {
    const rnd = prng(0x1badb002)
    const started = Date.now()
    const unexplained = []
    const explained = new Map()
    let compared = 0
    for (const key of keys()) {
      for (const alg of key.algs) {
        for (let i = 0; i < 40; i++) {
          if (compared > COUNT_BUDGET || Date.now() - started > TIME_BUDGET_MS) break
          const payload = claims(rnd)
          const token = jsonwebtoken.sign(payload, key.sign, {
            algorithm: alg,
            noTimestamp: !('iat' in payload),
          })
          const options = { algorithms: key.algs, clockTimestamp: NOW }
          if (rnd() < 0.3) options.audience = 'api'
          if (rnd() < 0.3) options.issuer = 'https://issuer.example'
          if (rnd() < 0.1) options.maxAge = '1h'
          for (const m of mutations(token, rnd, key.sign)) {
            const theirs = verdict(() => jsonwebtoken.verify(m.token, key.verify, options))
            const ours = verdict(() => jwt.verify(m.token, key.verify, options))
            compared++
            if (theirs.split(':')[0] === ours.split(':')[0]) {
              // Same verdict; on reject, the error class must match too (expiry vs signature).
              if (ours === theirs) continue
              const classWhy = EXPLAINED.find(([match]) => match(m))
              if (classWhy && ours === 'reject:JsonWebTokenError') {
                explained.set(classWhy[1], (explained.get(classWhy[1]) || 0) + 1)
              } else if (!JWT_ERRORS.has(theirs.slice(7)) && ours === 'reject:JsonWebTokenError') {
                const why = `jsonwebtoken lets a ${theirs.slice(7)} escape (a payload that is not JSON); rampart throws JsonWebTokenError, the documented class`
                explained.set(why, (explained.get(why) || 0) + 1)
              } else {
                unexplained.push(`${alg} ${m.kind}: rampart ${ours}, jsonwebtoken ${theirs}`)
              }
              continue
            }
            const why = ours.startsWith('reject') && EXPLAINED.find(([match]) => match(m))
            if (why) explained.set(why[1], (explained.get(why[1]) || 0) + 1)
            else
              unexplained.push(
                `${alg} ${m.kind} ${JSON.stringify(payload)}: rampart ${ours}, jsonwebtoken ${theirs}`,
              )
          }
        }
      }
    }
    for (const [reason, n] of explained) t.diagnostic(`${n} explained: ${reason}`)
    t.diagnostic(`${compared} tokens compared in ${Date.now() - started} ms`)
    assert.ok(compared > 500, `only ${compared} tokens compared`)
    const kinds = [...new Set(unexplained.map((u) => u.replace(/ \{.*\}:/, ':')))]
    assert.deepStrictEqual(kinds.slice(0, 40), [], `${unexplained.length} unexplained disagreements`)
  },
)
