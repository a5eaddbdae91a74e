'use strict'
// rampart/jwt: a drop-in for jsonwebtoken (sign, verify, decode and its error classes) and
// express-jwt (jwtAuth, UnauthorizedError), plus createSigner/createVerifier for hot paths
// and authorize() for roles, scopes and object-level checks; RevocationList for revocation
// every process sees. The crypto runs in the native
// core (src/jwt); see lib/jwt/*.js for each concern.
const { sign, createSigner } = require('./jwt/sign')
const { verify, createVerifier } = require('./jwt/verify')
const { decode } = require('./jwt/decode')
const { jwtAuth } = require('./jwt/middleware')
const { authorize } = require('./jwt/authorize')
const { RevocationList } = require('./jwt/revocation')
const {
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  UnauthorizedError,
  ForbiddenError,
} = require('./jwt/errors')

module.exports = {
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
}
