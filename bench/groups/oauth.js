'use strict'
// `npm run bench -- oauth`: jwtAuth with DPoP (RFC 9449) against express-oauth2-jwt-bearer
// with DPoP, per request, in-process: the same access tokens (at+jwt, bound by cnf.jkt) and
// the same proofs, each contender called as Express calls a middleware. Proofs are
// pre-made, one per request (distinct jti), so rampart's replay store does its full work;
// when the pool wraps, rampart gets a fresh middleware (a fresh store) instead of refusing
// the replays. express-oauth2-jwt-bearer keeps no replay store, so it accepts any proof.
const assert = require('node:assert')
const crypto = require('node:crypto')
const { auth } = require('express-oauth2-jwt-bearer')
const rampart = require('../../lib/jwt')

const ISSUER = 'https://idp.example.test/'
const AUDIENCE = 'https://api.example.test'
const HOST = 'api.example.test'
const PATH = '/api/items'
const POOL = 20000

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')

function jws(header, payload, key, alg) {
  const input = `${b64(header)}.${b64(payload)}`
  const sig =
    alg === 'RS256'
      ? crypto.sign('sha256', Buffer.from(input), key)
      : crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${sig.toString('base64url')}`
}

function keyPair(alg) {
  return alg === 'RS256'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
}

// An Express-shaped request, as both middlewares read it.
function request(token, proof) {
  const headers = { host: HOST, authorization: `DPoP ${token}`, dpop: proof }
  return {
    method: 'GET',
    url: PATH,
    originalUrl: PATH,
    protocol: 'https',
    headers,
    query: {},
    body: undefined,
    socket: { remoteAddress: '127.0.0.1' },
    get: (name) => headers[name.toLowerCase()],
    is: () => false,
  }
}

function setup(alg) {
  const idp = keyPair(alg)
  const client = keyPair(alg)
  const jwk = client.publicKey.export({ format: 'jwk' })
  const members =
    alg === 'RS256'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
  const jkt = crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url')
  const now = Math.floor(Date.now() / 1000)
  const token = jws(
    { alg, typ: 'at+jwt', kid: 'k1' },
    {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'svc',
      client_id: 'svc',
      iat: now,
      exp: now + 3600,
      jti: 'at-1',
      scope: 'read',
      cnf: { jkt },
    },
    idp.privateKey,
    alg,
  )
  const ath = crypto.createHash('sha256').update(token).digest('base64url')
  const proofs = []
  for (let i = 0; i < POOL; i++) {
    proofs.push(
      jws(
        { typ: 'dpop+jwt', alg, jwk },
        { jti: `p-${i}-${crypto.randomUUID()}`, htm: 'GET', htu: `https://${HOST}${PATH}`, iat: now, ath },
        client.privateKey,
        alg,
      ),
    )
  }
  return { idp, token, proofs }
}

function contenders(alg) {
  const { idp, token, proofs } = setup(alg)
  const res = { setHeader() {}, getHeader() {} }
  const makeRampart = () =>
    rampart.jwtAuth({
      secret: idp.publicKey,
      algorithms: [alg],
      issuer: ISSUER,
      audience: AUDIENCE,
      profile: 'at+jwt',
      dpop: 'required',
      dpopWindow: 3600,
    })
  let mw = makeRampart()
  let i = 0
  const rampartCall = () => {
    if (i === proofs.length) {
      i = 0
      mw = makeRampart() // the pool wrapped: a fresh replay store rather than 20,000 replays
    }
    const req = request(token, proofs[i++])
    let failed = null
    mw(req, res, (err) => (failed = err || null))
    if (failed !== null || req.user === undefined) throw failed || new Error('rampart: next() was not called')
    return req.user
  }
  const peer = auth({
    issuer: ISSUER,
    audience: AUDIENCE,
    publicKey: idp.publicKey.export({ type: 'spki', format: 'pem' }),
    tokenSigningAlg: alg,
    dpop: { enabled: true, required: true, iatOffset: 3600, iatLeeway: 3600 },
  })
  let j = 0
  const peerCall = () =>
    new Promise((resolve, reject) => {
      const req = request(token, proofs[j++ % proofs.length])
      peer(req, res, (err) => (err ? reject(err) : resolve(req.auth.payload)))
    })
  // Checked once up front: rampart accepts the request (the harness probes the peer).
  assert.strictEqual(rampartCall().client_id, 'svc')
  return { rampart: rampartCall, 'express-oauth2-jwt-bearer': peerCall }
}

// The revocation check on the hot path: the same HS256 token through jwtAuth with and without
// a RevocationList holding 10,000 revoked ids and 1,000 revoked subjects (the token is not
// revoked). The difference of the two per-request times is what the check costs.
function revocationCase() {
  const secret = crypto.randomBytes(48)
  const list = new rampart.RevocationList()
  const exp = Math.floor(Date.now() / 1000) + 3600
  for (let i = 0; i < 10000; i++) list.revoke(`revoked-${i}`, exp)
  for (let i = 0; i < 1000; i++) list.revokeSubject(`gone-${i}`)
  const token = rampart.sign({ sub: 'user-1', jti: 'live-1' }, secret, { expiresIn: '1h' })
  const res = { setHeader() {}, getHeader() {} }
  const call = (mw) => () => {
    const req = { method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } }
    mw(req, res, (err) => {
      if (err) throw err
    })
    return req.user
  }
  const withList = call(rampart.jwtAuth({ secret, algorithms: ['HS256'], revocations: list }))
  const without = call(rampart.jwtAuth({ secret, algorithms: ['HS256'] }))
  assert.strictEqual(withList().sub, 'user-1')
  return {
    name: 'HS256 jwtAuth, RevocationList of 11,000 entries vs none (token not revoked)',
    // ≥ 0.9: on a ~2 µs request, the check costs well under 1 µs.
    target: [{ peer: 'jwtAuth without revocations', ratio: 0.9 }],
    fns: { rampart: withList, 'jwtAuth without revocations': without },
  }
}

module.exports = {
  name: 'oauth',
  title: 'OAuth 2.0 resource server with DPoP (jwtAuth vs express-oauth2-jwt-bearer)',
  cases() {
    return [
      ...['ES256', 'RS256'].map((alg) => ({
        name: `${alg} access token + ${alg} DPoP proof, per request`,
        target: [{ peer: 'express-oauth2-jwt-bearer', ratio: 2 }],
        fns: contenders(alg),
      })),
      revocationCase(),
    ]
  },
}
