'use strict'
// JWT: forged variants of each sample token replayed on a route that the token opens.
const { decodeToken, unsigned, hs256, resign, publicKeyPems } = require('../token')
const { crackHs256 } = require('../crack')

const AUTH = 'API2:2023'
const definitions = [
  {
    id: 'jwt.signature-stripped',
    title: 'Token accepted without a valid signature',
    severity: 'critical',
    owasp: AUTH,
    fix: "verify every token: jwtAuth({ secret, algorithms: ['HS256'] }) (rampart/jwt) rejects a missing or wrong signature",
  },
  {
    id: 'jwt.alg-none',
    title: 'Token accepted with alg: none',
    severity: 'critical',
    owasp: AUTH,
    fix: "jwtAuth({ algorithms: ['HS256'] }) (rampart/jwt): pin the algorithms; rampart never accepts 'none'",
  },
  {
    id: 'jwt.alg-confusion',
    title: 'RS/ES token accepted re-signed as HS256 with the public key',
    severity: 'critical',
    owasp: AUTH,
    fix: "jwtAuth({ secret: publicKey, algorithms: ['RS256'] }) (rampart/jwt): pin the asymmetric algorithm",
  },
  {
    id: 'jwt.kid-injection',
    title: 'Token accepted with an injected kid',
    severity: 'critical',
    owasp: AUTH,
    fix: 'jwtAuth({ secret: { keys: [...] } }) or jwtAuth({ jwksUri }) (rampart/jwt): a JWK Set picks the key by kid; never build a file path or query from kid',
  },
  {
    id: 'jwt.weak-secret',
    title: 'HS256 secret found in the wordlist',
    severity: 'critical',
    owasp: AUTH,
    fix: 'sign with a random secret of 32+ bytes (crypto.randomBytes(32)) kept in the environment; jwtAuth() without a secret reads process.env.JWT_SECRET and refuses a short one',
  },
  {
    id: 'jwt.time-claims',
    title: 'Expired or not-yet-valid token accepted',
    severity: 'high',
    owasp: AUTH,
    fix: 'jwtAuth() (rampart/jwt) checks exp and nbf; do not pass ignoreExpiration or ignoreNotBefore',
  },
  {
    id: 'jwt.no-exp',
    title: 'Token has no exp claim',
    severity: 'medium',
    owasp: AUTH,
    fix: "sign(payload, secret, { expiresIn: '1h' }) (rampart/jwt); jwtAuth() then refuses the token once it expires",
  },
  {
    id: 'jwt.no-aud-iss',
    title: 'Token has no aud or iss claim',
    severity: 'low',
    owasp: AUTH,
    fix: 'sign(payload, secret, { audience, issuer }) and jwtAuth({ audience, issuer }) (rampart/jwt)',
  },
]

// The key the audit may sign with: the config's, or a cracked secret.
function configuredKey(config, header) {
  const jwt = config.jwt || {}
  if (/^HS/.test(header.alg) && jwt.secret !== undefined) return { secret: jwt.secret }
  if (jwt.privateKey) return { privateKey: jwt.privateKey }
  return null
}

async function publicKeyFor(ctx, header) {
  const jwt = ctx.config.jwt || {}
  if (jwt.publicKey) return jwt.publicKey
  const res = await ctx.send({ path: jwt.jwksPath || '/.well-known/jwks.json', label: 'jwks' })
  const keys = res.json?.keys
  if (!Array.isArray(keys) || !keys.length) return null
  return keys.find((k) => k.kid === header.kid) || keys[0]
}

async function run(ctx) {
  const tokens = [...new Set(ctx.identities.map((i) => i.token).filter(Boolean))].slice(0, 3)
  if (!tokens.length) {
    for (const d of definitions) ctx.skip(d.id, 'no sample token: pass --token or identities in the config')
    return
  }
  const stats = {}
  for (const token of tokens) {
    const t = decodeToken(token)
    if (!t) continue
    const { header, payload } = t
    const where = { method: '-', route: '-' }
    const who = ctx.identities.find((i) => i.token === token).name
    if (payload.exp === undefined)
      ctx.find('jwt.no-exp', {
        ...where,
        evidence: `${who}'s token has no exp: ${JSON.stringify(payload).slice(0, 100)}`,
      })
    if (payload.aud === undefined || payload.iss === undefined) {
      ctx.find('jwt.no-aud-iss', {
        ...where,
        evidence: `${who}'s token has no ${[payload.aud === undefined && 'aud', payload.iss === undefined && 'iss'].filter(Boolean).join(' or ')}`,
      })
    }
    let key = configuredKey(ctx.config, header)
    if (header.alg === 'HS256' && ctx.wants('jwt.weak-secret')) {
      const result = crackHs256(token, { extraWords: ctx.config.jwt?.wordlist || [] })
      Object.assign(stats, { candidates: result.tried, candidatesPerSecond: result.perSecond })
      if (result.secret !== undefined) {
        ctx.find('jwt.weak-secret', {
          ...where,
          evidence: `${who}'s token is signed with ${JSON.stringify(result.secret)} (found after ${result.tried} candidates)`,
        })
        key = key || { secret: result.secret }
      }
    }
    const routes = (await ctx.authRoutes(token)).slice(0, 5)
    if (!routes.length) {
      for (const id of [
        'jwt.signature-stripped',
        'jwt.alg-none',
        'jwt.alg-confusion',
        'jwt.kid-injection',
        'jwt.time-claims',
      ]) {
        ctx.skip(
          id,
          'no GET route that this token opens and that refuses a request without it: list one in the config routes',
        )
      }
      continue
    }
    for (const route of routes) {
      const rw = { method: 'GET', route: route.path }
      const accepted = async (forged, label) =>
        ctx.ok(await ctx.send({ path: route.path, headers: ctx.bearer(forged), label }))
      // A wrong signature first: when even that passes, nothing else says more.
      const flipped = Buffer.from(t.signature)
      flipped[0] ^= 1
      if (await accepted(`${t.signingInput}.${flipped.toString('base64url')}`, 'jwt wrong signature')) {
        ctx.find('jwt.signature-stripped', {
          ...rw,
          evidence: 'a token with a wrong signature was accepted: signatures are not verified',
        })
        continue
      }
      if (await accepted(`${t.signingInput}.`, 'jwt signature stripped')) {
        ctx.find('jwt.signature-stripped', {
          ...rw,
          evidence: `the token without its signature (${header.alg}) was accepted`,
        })
      } else {
        for (const alg of ['none', 'None']) {
          if (await accepted(unsigned({ ...header, alg }, payload), `jwt alg ${alg}`)) {
            ctx.find('jwt.alg-none', {
              ...rw,
              evidence: `an unsigned token with alg: ${JSON.stringify(alg)} was accepted`,
            })
            break
          }
        }
      }
      const kids = [
        ['../../../../../../../../dev/null', ''],
        ["x' UNION SELECT 'rampart-audit", 'rampart-audit'],
      ]
      for (const [kid, secret] of kids) {
        if (await accepted(hs256({ ...header, kid }, payload, secret), 'jwt kid injection')) {
          ctx.find('jwt.kid-injection', {
            ...rw,
            evidence: `kid ${JSON.stringify(kid)} with a token signed by ${JSON.stringify(secret)} was accepted`,
          })
          break
        }
      }
      if (/^(RS|ES|PS)/.test(header.alg)) {
        const pub = await publicKeyFor(ctx, header)
        if (!pub)
          ctx.skip('jwt.alg-confusion', 'no public key: set jwt.publicKey or jwt.jwksPath in the config')
        else {
          ctx.ran('jwt.alg-confusion')
          for (const pem of publicKeyPems(pub)) {
            if (await accepted(hs256(header, payload, pem), 'jwt alg confusion')) {
              ctx.find('jwt.alg-confusion', {
                ...rw,
                evidence: `the ${header.alg} token re-signed as HS256 with the public key (PEM) was accepted`,
              })
              break
            }
          }
        }
      } else ctx.skip('jwt.alg-confusion', `the sample token is ${header.alg}, not RS/ES/PS`)
      const now = Math.floor(Date.now() / 1000)
      if (payload.exp !== undefined && payload.exp < now) {
        ctx.find('jwt.time-claims', {
          ...rw,
          evidence: `the sample token expired at ${payload.exp} and was accepted`,
        })
      } else if (!key) {
        ctx.skip(
          'jwt.time-claims',
          'needs the signing key (jwt.secret or jwt.privateKey in the config) or a cracked secret to forge exp/nbf',
        )
      } else {
        ctx.ran('jwt.time-claims')
        if (await accepted(resign(header, { ...payload, exp: now - 3600 }, key), 'jwt expired')) {
          ctx.find('jwt.time-claims', { ...rw, evidence: 'a token that expired an hour ago was accepted' })
        }
        if (await accepted(resign(header, { ...payload, nbf: now + 3600 }, key), 'jwt nbf future')) {
          ctx.find('jwt.time-claims', { ...rw, evidence: 'a token with nbf an hour ahead was accepted' })
        }
      }
    }
  }
  if (stats.candidates) ctx.ran('jwt.weak-secret', { stats })
  else ctx.skip('jwt.weak-secret', 'no HS256 sample token')
}

module.exports = { name: 'jwt', definitions, run }
