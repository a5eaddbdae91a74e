// ESM entry for rampart/jwt: the CommonJS module re-exported by name.
import mod from '../jwt.js'

export const {
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
} = mod
export default mod
