'use strict'
// oidc-provider (the real authorization server, npm) in-process on 127.0.0.1 as the IdP of
// the rampart/jwt OAuth tests: client_credentials issuing RFC 9068 JWT access tokens
// (DPoP-bound when the token request carries a proof), key rotation (the provider is
// rebuilt with new keys behind the same issuer URL), and stop/start on the same port.
const http = require('node:http')
const crypto = require('node:crypto')

const AUDIENCE = 'https://api.example.test'
const CLIENT = { id: 'svc', secret: 'svc-secret-0123456789-0123456789-0123' }

function signingKey(kid) {
  const jwk = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })
  return { ...jwk, kid, alg: 'ES256', use: 'sig' }
}

async function startIdp() {
  const { default: Provider } = await import('oidc-provider')
  const jose = await import('jose')
  let handler = null
  const hits = new Map() // path -> requests served, to count fetches
  const sockets = new Set()
  let server = null
  let port = 0
  let issuer = ''

  function build(keys) {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'ES256',
        },
      ],
      features: {
        clientCredentials: { enabled: true },
        dPoP: { enabled: true },
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'read write',
            audience: AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      ttl: { ClientCredentials: 600 },
      jwks: { keys },
    })
    handler = provider.callback()
  }

  async function listen() {
    server = http.createServer((req, res) => {
      const path = req.url.split('?')[0]
      hits.set(path, (hits.get(path) || 0) + 1)
      handler(req, res)
    })
    server.on('connection', (s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    })
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
    port = server.address().port
  }

  async function stop() {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  }

  await listen()
  issuer = `http://127.0.0.1:${port}`
  let keys = [signingKey('k1')]
  build(keys)

  /** An access token by client_credentials; DPoP-bound when `dpopKey` ({ publicJwk, privateKey }) is given. */
  async function token({ scope = 'read', dpopKey } = {}) {
    const headers = {
      authorization: 'Basic ' + Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    }
    if (dpopKey) headers.dpop = await proof(jose, dpopKey, { htm: 'POST', htu: `${issuer}/token` })
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers,
      body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
    })
    const body = await res.json()
    if (res.status !== 200) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`)
    return body
  }

  return {
    get issuer() {
      return issuer
    },
    audience: AUDIENCE,
    jose,
    /** How many requests reached `path` so far. */
    hits: (path) => hits.get(path) || 0,
    token,
    /** The current signing keys (private JWKs), for tests that sign look-alike tokens. */
    keys: () => keys,
    /** New signing key first; the old one stays published unless `drop`. */
    rotate(kid, { drop = false } = {}) {
      keys = drop ? [signingKey(kid)] : [signingKey(kid), ...keys]
      build(keys)
    },
    stop,
    start: listen,
    close: stop,
  }
}

/** A DPoP proof (RFC 9449) made with jose, independent of rampart. */
async function proof(jose, key, claims, header = {}) {
  return new jose.SignJWT({ jti: crypto.randomUUID(), iat: Math.floor(Date.now() / 1000), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...header })
    .sign(key.privateKey)
}

async function clientKey(jose, alg = 'ES256') {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true })
  return { publicJwk: await jose.exportJWK(publicKey), privateKey, alg }
}

module.exports = { startIdp, proof, clientKey, AUDIENCE }
