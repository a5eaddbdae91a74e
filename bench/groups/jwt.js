'use strict'
// `npm run bench -- jwt`: rampart/jwt against fast-jwt, jsonwebtoken and
// @node-rs/jsonwebtoken on ../shared/workloads/jwt.json. Every verifier checks the same
// claims (signature, exp, iss, aud); each contender is checked once up front.
const assert = require('node:assert')
const crypto = require('node:crypto')
const rampart = require('../../lib/jwt')
const jsonwebtoken = require('jsonwebtoken')
const fastJwt = require('fast-jwt')
const nodeRs = require('@node-rs/jsonwebtoken')

// Verifies and returns the payload; throws on a wrong answer.
function checked(name, fn, expected) {
  const p = fn()
  assert.match(p.sub, /^user-/, name)
  assert.strictEqual(p.iss, expected.iss, name)
  assert.strictEqual(p.aud, expected.aud, name)
  return fn
}

module.exports = {
  name: 'jwt',
  title: 'JWT sign and verify',
  cases({ jwt: w }) {
    const e = w.expected
    const secretBuf = Buffer.from(w.hs256.secretB64u, 'base64url')
    const secretKey = crypto.createSecretKey(secretBuf)
    const claims = { audience: e.aud, issuer: e.iss }
    const fastClaims = { allowedAud: e.aud, allowedIss: e.iss }
    const nodeRsValidation = (alg) => ({ algorithms: [nodeRs.Algorithm[alg]], aud: [e.aud], iss: [e.iss] })
    const hs = w.tokens.HS256
    const distinct = w.hs256Distinct
    let i = 0
    const next = () => distinct[(i = (i + 1) % distinct.length)]

    const rampartHs = rampart.createVerifier({ key: secretBuf, algorithms: ['HS256'], ...claims })
    const rampartHsCached = rampart.createVerifier({
      key: secretBuf,
      algorithms: ['HS256'],
      ...claims,
      cache: 1000,
    })
    const fastHs = fastJwt.createVerifier({
      key: secretBuf,
      algorithms: ['HS256'],
      ...fastClaims,
      cache: false,
    })
    const fastHsCached = fastJwt.createVerifier({
      key: secretBuf,
      algorithms: ['HS256'],
      ...fastClaims,
      cache: true,
    })

    const verifyCases = []
    for (const [alg, entry, target] of [
      ['RS256', w.rs256, [{ peer: 'fast-jwt', ratio: 1.2 }]],
      [
        'ES256',
        w.es256,
        [
          { peer: 'fast-jwt', ratio: 1.5 },
          { peer: 'jsonwebtoken (KeyObject)', ratio: 1.5 },
          { peer: '@node-rs/jsonwebtoken', ratio: 1.5 },
        ],
      ],
      [
        'EdDSA',
        w.eddsa,
        [
          { peer: 'fast-jwt', ratio: 1.5 },
          { peer: '@node-rs/jsonwebtoken', ratio: 1.5 },
        ],
      ],
    ]) {
      const token = w.tokens[alg]
      const pem = entry.publicKeyPem
      const keyObject = crypto.createPublicKey(pem)
      const mine = rampart.createVerifier({ key: pem, algorithms: [alg], ...claims })
      const fast = fastJwt.createVerifier({ key: pem, algorithms: [alg], ...fastClaims, cache: false })
      const fns = {
        rampart: checked('rampart', () => mine(token), e),
        'fast-jwt': checked('fast-jwt', () => fast(token), e),
        '@node-rs/jsonwebtoken': checked(
          '@node-rs/jsonwebtoken',
          () => nodeRs.verifySync(token, pem, nodeRsValidation(alg)),
          e,
        ),
      }
      // jsonwebtoken 9 has no EdDSA.
      if (alg !== 'EdDSA') {
        fns['jsonwebtoken (KeyObject)'] = checked(
          'jsonwebtoken',
          () => jsonwebtoken.verify(token, keyObject, { algorithms: [alg], ...claims }),
          e,
        )
      }
      verifyCases.push({ name: `${alg} verify`, target, fns })
    }

    const payload = { sub: 'user-42', role: 'admin', iss: e.iss, aud: e.aud }
    const signOpts = { algorithm: 'HS256', expiresIn: '1h' }
    const signer = rampart.createSigner({ key: secretBuf, ...signOpts })
    const fastSigner = fastJwt.createSigner({ key: secretBuf, algorithm: 'HS256', expiresIn: 3600000 })
    const signCheck = (fn) => {
      assert.strictEqual(rampart.verify(fn(), secretBuf).sub, 'user-42')
      return fn
    }

    return [
      {
        name: 'HS256 verify, same token, no cache',
        target: [
          { peer: 'fast-jwt', ratio: 3 },
          { peer: 'jsonwebtoken (KeyObject)', ratio: 4 },
          { peer: '@node-rs/jsonwebtoken', ratio: 3 },
        ],
        fns: {
          rampart: checked('rampart', () => rampartHs(hs), e),
          'fast-jwt': checked('fast-jwt', () => fastHs(hs), e),
          'jsonwebtoken (KeyObject)': checked(
            'jsonwebtoken',
            () => jsonwebtoken.verify(hs, secretKey, { algorithms: ['HS256'], ...claims }),
            e,
          ),
          '@node-rs/jsonwebtoken': checked(
            '@node-rs/jsonwebtoken',
            () => nodeRs.verifySync(hs, secretBuf, nodeRsValidation('HS256')),
            e,
          ),
        },
      },
      {
        // The drop-in call: verify(token, secret, options) with the secret as a string or
        // Buffer, as most apps write it. rampart's key cache makes it as fast as a bound verifier.
        name: 'HS256 verify(token, secret), drop-in call',
        target: [
          { peer: 'jsonwebtoken (string secret)', ratio: 50 },
          { peer: '@node-rs/jsonwebtoken', ratio: 3 },
        ],
        fns: {
          rampart: checked('rampart', () => rampart.verify(hs, secretBuf, claims), e),
          'jsonwebtoken (string secret)': checked(
            'jsonwebtoken',
            () => jsonwebtoken.verify(hs, secretBuf, claims),
            e,
          ),
          '@node-rs/jsonwebtoken': checked(
            '@node-rs/jsonwebtoken',
            () => nodeRs.verifySync(hs, secretBuf, nodeRsValidation('HS256')),
            e,
          ),
        },
      },
      {
        name: 'HS256 verify, 10,000 distinct tokens, no cache',
        target: [{ peer: 'fast-jwt', ratio: 3 }],
        fns: {
          rampart: checked('rampart', () => rampartHs(next()), e),
          'fast-jwt': checked('fast-jwt', () => fastHs(next()), e),
          'jsonwebtoken (KeyObject)': checked(
            'jsonwebtoken',
            () => jsonwebtoken.verify(next(), secretKey, { algorithms: ['HS256'], ...claims }),
            e,
          ),
        },
      },
      {
        name: 'HS256 verify, same token, with cache',
        target: [{ peer: 'fast-jwt', ratio: 5 }],
        fns: {
          rampart: checked('rampart', () => rampartHsCached(hs), e),
          'fast-jwt': checked('fast-jwt', () => fastHsCached(hs), e),
        },
      },
      ...verifyCases,
      {
        name: 'HS256 sign',
        target: [{ peer: 'jsonwebtoken', ratio: 3 }],
        fns: {
          rampart: signCheck(() => rampart.sign(payload, secretBuf, signOpts)),
          jsonwebtoken: signCheck(() => jsonwebtoken.sign(payload, secretBuf, signOpts)),
          'fast-jwt': signCheck(() => fastSigner(payload)),
          '@node-rs/jsonwebtoken': signCheck(() =>
            nodeRs.signSync({ ...payload, exp: Math.floor(Date.now() / 1000) + 3600 }, secretBuf),
          ),
        },
      },
      {
        name: 'HS256 sign, bound signer',
        target: [{ peer: 'fast-jwt', ratio: 1 }],
        fns: {
          rampart: signCheck(() => signer(payload)),
          'fast-jwt': signCheck(() => fastSigner(payload)),
        },
      },
    ]
  },
}
