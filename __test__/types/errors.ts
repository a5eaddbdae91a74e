// Uses every export of rampart/errors the way a TypeScript user would.
import express from 'express'
import secureHeaders from 'rampart/headers'
import cors from 'rampart/cors'
import {
  errorHandler,
  notFound,
  HttpError,
  events,
  type ErrorMiddleware,
  type ProblemDetails,
  type SecurityEvent,
} from 'rampart/errors'

const logger = { error: (obj: object, msg?: string): void => void [obj, msg] }
const handlers: ErrorMiddleware[] = [
  errorHandler(),
  errorHandler({ logger, typeBase: 'https://example.com/problems/' }),
]

const missing = new HttpError(404)
const fallthrough = notFound()
const conflict = new HttpError(409, 'Email already registered', { code: 'email_taken' })
const slow = new HttpError(429, { retryAfter: 30 })
const status: number = missing.status + conflict.statusCode + (slow.retryAfter ?? 0)
const expose: boolean = conflict.expose

const seen: SecurityEvent[] = []
events.on('cors.rejected', (event) => seen.push(event))
events.on('*', (event) => void event.reason)

const problem: ProblemDetails = { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found' }
export { fallthrough, handlers, status, expose, seen, problem }

// Each middleware plugs into Express as is.

const app = express()
app.use(secureHeaders())
app.use(secureHeaders.api())
app.use(cors({ origin: 'https://app.example.com' }))
app.use(notFound())
app.use(errorHandler())
export { app }
