'use strict'
// authorize(): roles, scopes (`scope` or `scp`) or a named claim, or a predicate for object-level checks
// (BOLA), after jwtAuth. No user → UnauthorizedError (401, auth.failed); refused →
// ForbiddenError (403, auth.forbidden).
const { UnauthorizedError, ForbiddenError } = require('./errors')
const { getPath, isThenable } = require('./util')
const { report } = require('../events')

const NO_TOKEN = { message: 'No authorization token was found' }

function userRoles(user, claim) {
  const out = []
  const add = (v) => {
    if (typeof v === 'string') {
      for (const part of v.split(' ')) if (part) out.push(part)
    } else if (Array.isArray(v)) {
      for (const part of v) if (typeof part === 'string') out.push(part)
    }
  }
  if (claim !== undefined) {
    add(getPath(user, claim))
    return out
  }
  add(user.role)
  add(user.roles)
  add(user.scope)
  add(user.scp) // Entra ID, Okta: scopes as `scp` (a string or an array)
  return out
}

/**
 * authorize(rolesOrPredicate, options?): after jwtAuth. A role name or list is granted
 * when the user has any of them (all of them with `{ all: true }`), read from the `role`,
 * `roles` and `scope` claims or from `options.claim`. A predicate `(user, req) => boolean |
 * Promise<boolean>` decides object-level access. No user → 401; refused → 403.
 */
function authorize(required, options) {
  const o = options || {}
  const requestProperty = typeof o.requestProperty === 'string' ? o.requestProperty : 'user'
  let predicate = null
  let roles = null
  if (typeof required === 'function') predicate = required
  else {
    roles = typeof required === 'string' ? [required] : required
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string' && r)) {
      throw new TypeError(
        'authorize: pass a role name, a non-empty array of role names, or a predicate (user, req) => boolean',
      )
    }
  }
  if (o.claim !== undefined && (typeof o.claim !== 'string' || o.claim === '')) {
    throw new TypeError('authorize: options.claim must be the name of a claim')
  }
  const all = o.all === true

  function forbid(req, next, reason, code) {
    report('auth.forbidden', req, reason)
    next(new ForbiddenError(code === 'forbidden' ? 'Forbidden' : 'Insufficient permissions', code))
  }

  return function authorizeMiddleware(req, res, next) {
    const user = getPath(req, requestProperty)
    if (user === undefined || user === null || (typeof user !== 'object' && typeof user !== 'string')) {
      report('auth.failed', req, 'credentials_required: authorize() found no authenticated user')
      return next(new UnauthorizedError('credentials_required', NO_TOKEN))
    }
    if (predicate !== null) {
      let result
      try {
        result = predicate(user, req)
      } catch (err) {
        return next(err)
      }
      if (isThenable(result)) {
        result.then(
          (ok) => (ok === true ? next() : forbid(req, next, 'predicate refused', 'forbidden')),
          next,
        )
        return
      }
      return result === true ? next() : forbid(req, next, 'predicate refused', 'forbidden')
    }
    const granted = typeof user === 'object' ? userRoles(user, o.claim) : []
    const ok = all ? roles.every((r) => granted.includes(r)) : roles.some((r) => granted.includes(r))
    if (ok) return next()
    return forbid(
      req,
      next,
      `requires ${all ? 'all of' : 'one of'}: ${roles.join(', ')}`,
      'insufficient_scope',
    )
  }
}

module.exports = { authorize }
