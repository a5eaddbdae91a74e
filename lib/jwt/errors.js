'use strict'
// The error classes of rampart/jwt: jsonwebtoken's three, express-jwt's UnauthorizedError,
// and ForbiddenError for authorize(). Names, properties and prototype chains match the
// libraries they replace, so `err instanceof TokenExpiredError` and `err.name` checks keep
// working after the require line changes.

class JsonWebTokenError extends Error {
  constructor(message, error) {
    super(message)
    this.name = 'JsonWebTokenError'
    if (error) this.inner = error
  }
}

class TokenExpiredError extends JsonWebTokenError {
  constructor(message, expiredAt) {
    super(message)
    this.name = 'TokenExpiredError'
    this.expiredAt = expiredAt
  }
}

class NotBeforeError extends JsonWebTokenError {
  constructor(message, date) {
    super(message)
    this.name = 'NotBeforeError'
    this.date = date
  }
}

/** express-jwt's error: `code` says what was wrong, `inner` is the cause, status 401. */
class UnauthorizedError extends Error {
  constructor(code, error) {
    super(error && error.message ? error.message : String(code))
    this.name = 'UnauthorizedError'
    this.code = code
    this.status = 401
    this.inner = error
  }
}

/** authorize(): the user is known but not allowed. */
class ForbiddenError extends Error {
  constructor(message, code) {
    super(message || 'Forbidden')
    this.name = 'ForbiddenError'
    this.code = code || 'forbidden'
    this.status = 403
  }
}

// Status numbers from the native core (src/jwt/status.rs) → jsonwebtoken's messages.
const STATUS_MESSAGES = [
  undefined,
  'jwt malformed',
  'invalid token',
  'invalid algorithm',
  'invalid signature',
  'jwt signature is required',
  'jwt has a critical header parameter (crit) that rampart does not implement',
  'jwt too long',
  'invalid token',
  'signing failed',
]
const STATUS = {
  MALFORMED: 1,
  INVALID_TOKEN: 2,
  INVALID_ALGORITHM: 3,
  INVALID_SIGNATURE: 4,
  SIGNATURE_REQUIRED: 5,
  UNSUPPORTED_CRIT: 6,
  TOO_LONG: 7,
  INVALID_PAYLOAD: 8,
  SIGN_FAILED: 9,
}

module.exports = {
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  UnauthorizedError,
  ForbiddenError,
  STATUS,
  STATUS_MESSAGES,
}
