// Type-checks rampart/jwt the way a TypeScript user would use it (every export).
import { generateKeyPairSync } from 'node:crypto'
import express from 'express'
import {
  sign,
  verify,
  decode,
  createSigner,
  createVerifier,
  jwtAuth,
  authorize,
  RevocationList,
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  UnauthorizedError,
  ForbiddenError,
  type JwtPayload,
  type Jwt,
} from 'rampart/jwt'

const secret = 'a-secret-of-at-least-thirty-two-bytes!!'
const token: string = sign({ sub: 'u1', role: 'admin' }, secret, { expiresIn: '1h', audience: 'api' })
sign({ a: 1 }, secret, (err, t) => console.log(err, t))
const payload = verify(token, secret, { audience: 'api', algorithms: ['HS256'], clockTolerance: 5 })
const complete: Jwt = verify(token, secret, { complete: true })
verify(token, secret, {}, (err, decoded) => console.log(err?.message, decoded))
const decoded = decode(token)
const full = decode(token, { complete: true })
console.log(payload, complete.header.alg, decoded, full?.signature)

const { privateKey, publicKey } = generateKeyPairSync('ed25519')
const signer = createSigner({ key: privateKey, algorithm: 'EdDSA', expiresIn: 600 })
const verifier = createVerifier({ key: publicKey, cache: 1000, issuer: 'me' })
const p = verifier(signer({ iss: 'me' })) as JwtPayload
console.log(p.iss)

const app = express()
app.use(jwtAuth({ secret, algorithms: ['HS256'], cookie: 'session' }).unless({ path: ['/login'] }))
app.get('/admin', authorize('admin'), (_req, res) => {
  res.end()
})
app.get(
  '/docs/:id',
  jwtAuth({ jwksUri: 'https://issuer.example.com/.well-known/jwks.json', audience: 'api' }),
  authorize(async (user, req) => user.sub === req.params.id),
  (_req, res) => {
    res.end()
  },
)
app.get(
  '/scoped',
  jwtAuth({ secret: async (_req, t) => (t?.header.kid === 'a' ? secret : secret) }),
  authorize(['read', 'write'], { all: true, claim: 'scope' }),
)

function describe(err: unknown): string {
  if (err instanceof TokenExpiredError) return `expired at ${err.expiredAt.toISOString()}`
  if (err instanceof NotBeforeError) return `not before ${err.date.toISOString()}`
  if (err instanceof JsonWebTokenError) return err.message
  if (err instanceof UnauthorizedError) return `${err.status} ${err.code}`
  if (err instanceof ForbiddenError) return `${err.status} ${err.code}`
  return 'unknown'
}
console.log(describe(new UnauthorizedError('invalid_token', { message: 'x' })))

// OAuth 2.0 resource server options (issue 16).
const revocations = new RevocationList({ failOpen: false, prefix: 'app:revoked' })
void revocations.revoke('jti-1', Math.floor(Date.now() / 1000) + 600)
void revocations.revokeSubject('user-1')
const revokedNow: boolean = revocations.isRevoked({ jti: 'jti-1' })
void revokedNow
jwtAuth({
  issuer: 'https://idp.example.com/realms/x',
  audience: 'https://api.example.com',
  profile: 'at+jwt',
  dpop: 'required',
  dpopWindow: 30,
  dpopNonce: { secret: 'shared', period: 300 },
  revocations,
})
jwtAuth({ secret: 's'.repeat(32), typ: ['JWT'] })
