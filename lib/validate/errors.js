'use strict'
// The errors rampart/validate raises: ValidationError (400, with every failure in
// `details`) and the body-parser-shaped errors of json() (`status`, `statusCode`, `type`,
// `expose`), so error handlers written for express.json() keep working.

/** A request (or body) that does not match its schema: status 400, `details` lists every failure. */
class ValidationError extends Error {
  /**
   * @param {Array<{location: string, path: string, message: string, keyword: string}>} details
   * @param {string} [message]
   */
  constructor(details = [], message) {
    // An expected outcome (a 400 for the client's data), not a bug to trace: no stack is
    // captured (the message line only). Capturing one cost more than the whole validation.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      super(message || summary(details))
    } finally {
      Error.stackTraceLimit = limit
    }
    this.name = 'ValidationError'
    this.status = 400
    this.statusCode = 400
    this.expose = true
    this.type = 'validation.failed'
    this.details = details
  }
}

function summary(details) {
  if (details.length === 0) return 'Validation failed'
  const first = details[0]
  const where = `${first.location}${first.path ? first.path : ''}`
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : ''
  return `Validation failed: ${where} ${first.message}${more}`
}

/** ajv errors for one request location as `details` entries. */
function toDetails(location, errors) {
  return errors.map((e) => ({
    location,
    path: e.instancePath,
    message: e.message,
    keyword: e.keyword,
  }))
}

/** An error shaped like body-parser's (http-errors): status, statusCode, type, expose. */
function bodyError(status, type, message, props) {
  const err = status === 400 && type === 'entity.parse.failed' ? new SyntaxError(message) : new Error(message)
  err.status = status
  err.statusCode = status
  err.type = type
  err.expose = true
  if (props) Object.assign(err, props)
  return err
}

module.exports = { ValidationError, toDetails, bodyError }
