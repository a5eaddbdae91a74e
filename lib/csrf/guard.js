'use strict'
// Links rampart/csrf to jwtAuth({ cookie }): a cookie is sent by the browser on cross-site
// requests too, so a cookie-carried token needs a CSRF check in front of every
// state-changing route. fetchMetadata() and doubleCsrfProtection mark each request they
// pass; jwtAuth asks `warnUnguardedCookie` and, the first time a state-changing request it
// authenticated by cookie was never checked, logs one warning naming the fix.
const { requestPath } = require('../events')

const CHECKED = Symbol.for('rampart.csrf.checked')
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Records that a CSRF check let this request through. */
function markChecked(req) {
  req[CHECKED] = true
}

function isChecked(req) {
  return req[CHECKED] === true
}

/**
 * For jwtAuth({ cookie }): `(req) => void`, called after a request was authenticated from
 * the cookie. Warns once per jwtAuth instance (process warning RAMPART_COOKIE_CSRF).
 */
function cookieCsrfWarning(cookieName) {
  let warned = false
  return function warnUnguardedCookie(req) {
    if (warned || SAFE_METHODS.has(req.method) || isChecked(req)) return
    warned = true
    process.emitWarning(
      `jwtAuth({ cookie: ${JSON.stringify(cookieName)} }) authenticated ${req.method} ${requestPath(req)} from a cookie with no CSRF check in front of it; browsers send cookies on cross-site requests too. Fix: app.use(fetchMetadata()) (or doubleCsrf(...).doubleCsrfProtection) from rampart/csrf before jwtAuth.`,
      { code: 'RAMPART_COOKIE_CSRF' },
    )
  }
}

module.exports = { markChecked, isChecked, cookieCsrfWarning, SAFE_METHODS }
