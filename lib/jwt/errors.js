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

module.exports = {
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  UnauthorizedError,
  ForbiddenError,
}
