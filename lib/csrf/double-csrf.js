'use strict'
// doubleCsrf(options): csrf-csrf 4's double-submit cookie pattern, same option names, same
// token format (tokens made by either validate under the other), with the HMAC computed
// and every comparison done in constant time in Rust (csrf-csrf compares with `===`).
//
// A token is `hex(HMAC(secret, message)) + '.' + random`, where the message binds it to the
// session: `${sid.length}!${sid}!${random.length}!${random}`. It is sent both as a cookie
// and in a header (or the body); a cross-site page can make the browser send the cookie
// but can neither read it nor mint a token for the victim's session.
const crypto = require('node:crypto')
const { HttpError } = require('../errors/http-error')
const { report } = require('../events')
const { checkOptions, methodSet } = require('./options')
const { readCookie, writeCookie } = require('./cookies')
const { markChecked } = require('./guard')

const OPTIONS = [
  'getSecret',
  'getSessionIdentifier',
  'cookieName',
  'cookieOptions',
  'messageDelimiter',
  'csrfTokenDelimiter',
  'size',
  'hmacAlgorithm',
  'ignoredMethods',
  'getCsrfTokenFromRequest',
  'errorConfig',
  'skipCsrfProtection',
]

function requireFunction(name, value) {
  if (typeof value !== 'function') throw new TypeError(`doubleCsrf: \`${name}\` must be a function`)
}

function requireString(name, value) {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`doubleCsrf: \`${name}\` must be a non-empty string`)
}

/**
 * Browsers silently drop a `__Host-` cookie that is not Secure, has a Domain or a Path other
 * than `/`, and a `__Secure-` cookie that is not Secure: every later request would then be
 * refused with no hint why. Said at start-up instead (csrf-csrf does not check).
 */
function checkCookiePrefix(name, { secure, path, domain }) {
  const host = name.startsWith('__Host-')
  if (!host && !name.startsWith('__Secure-')) return
  const problems = []
  if (!secure) problems.push('secure: true')
  if (host && path !== '/') problems.push("path: '/'")
  if (host && domain !== undefined) problems.push('no domain')
  if (problems.length) {
    throw new TypeError(
      `doubleCsrf: browsers drop a ${name.slice(0, name.indexOf('-') + 1)} cookie without ${problems.join(', ')}; set cookieOptions accordingly, or choose a cookieName without the prefix (e.g. 'x-csrf-token' for local http)`,
    )
  }
}

function doubleCsrf(rawOptions) {
  const options = checkOptions('doubleCsrf', rawOptions, OPTIONS)
  const {
    getSecret,
    getSessionIdentifier,
    cookieName = '__Host-psifi.x-csrf-token',
    cookieOptions: {
      sameSite = 'strict',
      path = '/',
      secure = true,
      httpOnly = true,
      ...otherCookieOptions
    } = {},
    messageDelimiter = '!',
    csrfTokenDelimiter = '.',
    size = 32,
    hmacAlgorithm = 'sha256',
    ignoredMethods = ['GET', 'HEAD', 'OPTIONS'],
    getCsrfTokenFromRequest = (req) => req.headers['x-csrf-token'],
    errorConfig: { statusCode = 403, message = 'invalid csrf token', code = 'EBADCSRFTOKEN' } = {},
    skipCsrfProtection,
  } = options
  requireFunction('getSecret', getSecret)
  requireFunction('getSessionIdentifier', getSessionIdentifier)
  requireFunction('getCsrfTokenFromRequest', getCsrfTokenFromRequest)
  if (skipCsrfProtection !== undefined) requireFunction('skipCsrfProtection', skipCsrfProtection)
  requireString('cookieName', cookieName)
  requireString('messageDelimiter', messageDelimiter)
  requireString('csrfTokenDelimiter', csrfTokenDelimiter)
  if (!Number.isInteger(size) || size < 16 || size > 1024) {
    throw new TypeError('doubleCsrf: `size` must be an integer from 16 to 1024 (bytes of randomness)')
  }
  // The addon is loaded and its functions read now, so a missing addon fails at start-up
  // (and fetchMetadata alone never loads it).
  const native = require('../native')
  const sign = native.csrfSign
  const verify = native.csrfVerify
  const algorithms = native.csrfAlgorithms()
  const algorithm = algorithms.indexOf(String(hmacAlgorithm).toLowerCase())
  if (algorithm === -1) {
    throw new TypeError(`doubleCsrf: \`hmacAlgorithm\` must be one of ${algorithms.join(', ')}`)
  }
  const ignored = methodSet('doubleCsrf', ignoredMethods)
  const defaultCookieOptions = { sameSite, path, secure, httpOnly, ...otherCookieOptions }
  checkCookiePrefix(cookieName, defaultCookieOptions)
  // One instance, as csrf-csrf: apps compare `err === invalidCsrfTokenError`.
  const invalidCsrfTokenError = new HttpError(statusCode, message, { code })

  const possibleSecrets = (req) => {
    const secret = getSecret(req)
    const secrets = Array.isArray(secret) ? secret : [secret]
    // getSecret runs per request, so its result is checked here, with a message that says
    // which option is wrong (the native call's own type error would not).
    for (const s of secrets) {
      if (!((typeof s === 'string' && s !== '') || (Buffer.isBuffer(s) && s.length > 0))) {
        throw new TypeError(
          'doubleCsrf: `getSecret` must return a non-empty string or Buffer, or an array of them',
        )
      }
    }
    if (secrets.length === 0) throw new TypeError('doubleCsrf: `getSecret` returned an empty array')
    return secrets
  }
  const messageFor = (req, random) => {
    const sid = getSessionIdentifier(req)
    return `${sid.length}${messageDelimiter}${sid}${messageDelimiter}${random.length}${messageDelimiter}${random}`
  }

  /** Whether `token` (the cookie's) is well formed, `requestToken` equals it, and its HMAC holds. */
  function tokenHolds(req, secrets, token, requestToken) {
    if (
      typeof token !== 'string' ||
      typeof requestToken !== 'string' ||
      token === '' ||
      requestToken === ''
    ) {
      return false
    }
    const parts = token.split(csrfTokenDelimiter)
    const tag = parts[0]
    const random = parts[1]
    if (tag === '' || typeof random !== 'string' || random === '') return false
    const msg = messageFor(req, random)
    let ok = false
    // Every secret is tried (no early exit), so the time does not say which one matched.
    for (const secret of secrets) if (verify(algorithm, secret, msg, tag, token, requestToken)) ok = true
    return ok
  }

  function validateRequest(req) {
    return tokenHolds(req, possibleSecrets(req), readCookie(req, cookieName), getCsrfTokenFromRequest(req))
  }

  function generateCsrfToken(req, res, { cookieOptions, overwrite = false, validateOnReuse = false } = {}) {
    const secrets = possibleSecrets(req)
    const existing = readCookie(req, cookieName)
    let token
    if (existing !== undefined && !overwrite) {
      if (tokenHolds(req, secrets, existing, existing)) token = existing
      else if (validateOnReuse) throw invalidCsrfTokenError
    }
    if (token === undefined) {
      const random = crypto.randomBytes(size).toString('hex')
      token = `${sign(algorithm, secrets[0], messageFor(req, random))}${csrfTokenDelimiter}${random}`
    }
    writeCookie(res, cookieName, token, { ...defaultCookieOptions, ...cookieOptions })
    return token
  }

  function doubleCsrfProtection(req, res, next) {
    req.csrfToken = (opts) => generateCsrfToken(req, res, opts)
    const skip = typeof skipCsrfProtection === 'function' && skipCsrfProtection(req)
    if (ignored.has(req.method) || skip === true || validateRequest(req)) {
      markChecked(req)
      return next()
    }
    report('auth.forbidden', req, `csrf_rejected: missing or invalid CSRF token on ${req.method}`)
    next(invalidCsrfTokenError)
  }

  return { invalidCsrfTokenError, generateCsrfToken, validateRequest, doubleCsrfProtection }
}

module.exports = { doubleCsrf }
