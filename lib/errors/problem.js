'use strict'
// Maps any error to RFC 9457 problem details: status, body fields and extra headers.
// Duck-typed, so it reads rampart's errors, express-jwt's, jsonwebtoken's, body-parser's
// and http-errors' alike without importing any of them.
const { STATUS_CODES } = require('node:http')
const { HttpError } = require('./http-error')

// body-parser / raw-body error types (rampart's json() uses the same ones).
const BODY_PARSER_STATUS = {
  'entity.too.large': 413,
  'entity.parse.failed': 400,
  'entity.verify.failed': 403,
  'encoding.unsupported': 415,
  'charset.unsupported': 415,
  'request.aborted': 400,
  'request.size.invalid': 400,
  'parameters.too.many': 413,
}
const STATUS_BY_NAME = {
  UnauthorizedError: 401,
  JsonWebTokenError: 401,
  TokenExpiredError: 401,
  NotBeforeError: 401,
  ForbiddenError: 403,
  ValidationError: 400,
}
const CODE_BY_NAME = {
  JsonWebTokenError: 'invalid_token',
  TokenExpiredError: 'token_expired',
  NotBeforeError: 'token_not_active',
  ValidationError: 'validation_failed',
  ForbiddenError: 'forbidden',
}
// 401s where no bearer token was sent at all (RFC 6750 §3.1: no error code then).
const NO_TOKEN_CODES = new Set(['credentials_required', 'credentials_bad_scheme'])
const TOKEN_ERROR_NAMES = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'])
const CODE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/
const URI = /^[a-z][a-z0-9+.-]*:\S+$/i
const MAX_DETAIL = 1000
const MAX_ERRORS = 100

function statusOf(err) {
  if (err === null || typeof err !== 'object') return 500
  for (const s of [err.status, err.statusCode]) {
    if (Number.isInteger(s) && s >= 400 && s <= 599) return s
  }
  if (typeof err.type === 'string' && BODY_PARSER_STATUS[err.type]) return BODY_PARSER_STATUS[err.type]
  if (typeof err.name === 'string' && STATUS_BY_NAME[err.name]) return STATUS_BY_NAME[err.name]
  return 500
}

function defaultCode(status) {
  const text = STATUS_CODES[status] || (status < 500 ? 'Client Error' : 'Server Error')
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
}

function codeOf(err, status) {
  // A 5xx shows its own code only when the app made it on purpose, as an HttpError.
  if (status >= 500 && !(err instanceof HttpError)) return defaultCode(status)
  if (typeof err.code === 'string' && CODE.test(err.code)) return err.code
  if (typeof err.type === 'string' && BODY_PARSER_STATUS[err.type]) return err.type.replace(/\./g, '_')
  if (typeof err.name === 'string' && CODE_BY_NAME[err.name]) return CODE_BY_NAME[err.name]
  return defaultCode(status)
}

function detailOf(err, title) {
  if (err.expose === false) return undefined
  const text = typeof err.detail === 'string' ? err.detail : err.message
  if (typeof text !== 'string' || text === '' || text === title) return undefined
  return text.length > MAX_DETAIL ? text.slice(0, MAX_DETAIL) + '…' : text
}

function pathString(path) {
  if (Array.isArray(path)) return path.join('.')
  return typeof path === 'string' || typeof path === 'number' ? String(path) : undefined
}

/** Validation errors as `{ location, path, message, keyword }` (rampart, ajv and joi shapes). */
function validationErrors(err) {
  const raw = Array.isArray(err.details) ? err.details : Array.isArray(err.errors) ? err.errors : null
  if (!raw || raw.length === 0) return undefined
  const out = []
  for (const item of raw.slice(0, MAX_ERRORS)) {
    if (item === null || typeof item !== 'object') continue
    const entry = {}
    if (typeof item.location === 'string') entry.location = item.location
    const path = pathString(item.path ?? item.instancePath)
    if (path !== undefined) entry.path = path
    if (typeof item.message === 'string') entry.message = item.message
    const keyword = item.keyword ?? item.type
    if (typeof keyword === 'string') entry.keyword = keyword
    out.push(entry)
  }
  return out.length ? out : undefined
}

function typeOf(err, status, code, typeBase) {
  const own = err.type
  if (typeof own === 'string' && URI.test(own) && (status < 500 || err instanceof HttpError)) return own
  if (typeBase && code) return typeBase + code
  return 'about:blank'
}

/** The WWW-Authenticate challenge of a 401/403 (RFC 6750 §3), or undefined. */
function challengeOf(err, status, code) {
  if (status === 401) {
    if (NO_TOKEN_CODES.has(code)) return 'Bearer'
    const tokenProblem =
      code === 'invalid_token' ||
      code === 'revoked_token' ||
      code === 'credentials_bad_format' ||
      TOKEN_ERROR_NAMES.has(err.name) ||
      (err.inner && TOKEN_ERROR_NAMES.has(err.inner.name))
    return tokenProblem ? 'Bearer error="invalid_token"' : 'Bearer'
  }
  if (status === 403 && code === 'insufficient_scope') return 'Bearer error="insufficient_scope"'
  return undefined
}

/**
 * toProblem(err, { typeBase }) → `{ status, body, challenge, retryAfter }`. The body never
 * carries a 5xx's message, stack or cause.
 */
function toProblem(err, typeBase) {
  const status = statusOf(err)
  const error = err !== null && typeof err === 'object' ? err : {}
  const title = STATUS_CODES[status] || (status < 500 ? 'Client Error' : 'Server Error')
  const code = codeOf(error, status)
  const body = { type: typeOf(error, status, code, typeBase), title, status }
  if (status < 500) {
    const detail = detailOf(error, title)
    if (detail !== undefined) body.detail = detail
  } else if (error instanceof HttpError && error.expose === true && typeof error.detail === 'string') {
    // A deliberate, app-written detail ("down for maintenance"), never the message.
    body.detail = error.detail
  }
  body.code = code
  if (status < 500) {
    const errors = validationErrors(error)
    if (errors) body.errors = errors
  }
  let retryAfter
  if (status === 429 || status === 503) {
    const r = error.retryAfter
    if (typeof r === 'number' && Number.isFinite(r) && r >= 0) retryAfter = String(Math.ceil(r))
    else if (r instanceof Date && !Number.isNaN(r.getTime())) retryAfter = r.toUTCString()
  }
  return { status, body, challenge: challengeOf(error, status, code), retryAfter }
}

module.exports = { toProblem, statusOf }
