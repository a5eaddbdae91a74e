'use strict'
// HttpError: an error that carries its HTTP status, in the shape http-errors made common
// (`status`, `statusCode`, `expose`), so errorHandler() and other handlers both read it.
const { STATUS_CODES } = require('node:http')

class HttpError extends Error {
  /**
   * `new HttpError(404)`, `new HttpError(409, 'Email already registered', { code: 'email_taken' })`,
   * `new HttpError(429, { retryAfter: 30 })`.
   * @param {number} status 400–599
   * @param {string} [message] defaults to the status text ("Not Found")
   * @param {object} [properties] `code`, `expose`, `type` (a problem type URI), `detail`,
   *   `errors`, `headers`, `retryAfter`, `cause`, or any other extension member
   */
  constructor(status, message, properties) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`HttpError: status must be an integer from 400 to 599, got ${String(status)}`)
    }
    if (message !== null && typeof message === 'object' && properties === undefined) {
      properties = message
      message = undefined
    }
    if (message !== undefined && message !== null && typeof message !== 'string') {
      throw new TypeError('HttpError: message must be a string')
    }
    const rest = { ...properties }
    const cause = rest.cause
    delete rest.cause
    delete rest.status
    delete rest.statusCode
    super(message ?? STATUS_CODES[status] ?? 'Error', cause === undefined ? undefined : { cause })
    this.status = status
    this.expose = status < 500
    Object.assign(this, rest)
  }

  /** The same as `status` (http-errors and Express read either). */
  get statusCode() {
    return this.status
  }
}
Object.defineProperty(HttpError.prototype, 'name', {
  value: 'HttpError',
  writable: true,
  configurable: true,
  enumerable: false,
})

module.exports = { HttpError }
