// Types for rampart/errors: errorHandler (RFC 9457 problem details), HttpError, events.
import type { EventEmitter } from 'node:events'
import type { Middleware, NextFunction } from './common'

/** pino-compatible: `logger.error(obj, msg)`. */
export interface ErrorLogger {
  error(obj: object, msg?: string): void
}

export interface ErrorHandlerOptions {
  /** Where 5xx errors go in full (with requestId, status, method, url). Default: console. */
  logger?: ErrorLogger
  /** Absolute URI prefix: `type` becomes typeBase + code instead of 'about:blank'. */
  typeBase?: string
}

/** The application/problem+json body. */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  /** A 4xx's message (never a 5xx's). */
  detail?: string
  code: string
  /** Validation failures. */
  errors?: Array<{ location?: string; path?: string; message?: string; keyword?: string }>
}

/** Express error middleware (four parameters, so Express knows it handles errors). */
export type ErrorMiddleware = (err: unknown, req: any, res: any, next: NextFunction) => void

/** Express error middleware: mount it last. */
export declare function errorHandler(options?: ErrorHandlerOptions): ErrorMiddleware

/** For the end of the routes: unmatched requests become HttpError(404) for errorHandler(). */
export declare function notFound(): Middleware

export interface HttpErrorProperties {
  code?: string
  /** Show the message to the client (default: status < 500; a 5xx's message is never shown). */
  expose?: boolean
  /** A problem type URI. */
  type?: string
  /** Client-facing detail; shown for a 5xx only with expose: true. */
  detail?: string
  errors?: Array<{ location?: string; path?: string; message?: string; keyword?: string }>
  /** Extra response headers (http-errors style). */
  headers?: Record<string, string | number | string[]>
  /** Seconds, for 429/503 Retry-After. */
  retryAfter?: number
  cause?: unknown
  [extension: string]: unknown
}

export declare class HttpError extends Error {
  constructor(status: number, message?: string, properties?: HttpErrorProperties)
  constructor(status: number, properties: HttpErrorProperties)
  readonly status: number
  readonly statusCode: number
  expose: boolean
  code?: string
  type?: string
  detail?: string
  headers?: Record<string, string | number | string[]>
  retryAfter?: number;
  [extension: string]: unknown
}

export type SecurityEventType =
  | 'auth.failed'
  | 'auth.forbidden'
  | 'validation.failed'
  | 'ratelimit.exceeded'
  | 'cors.rejected'
  | 'body.rejected'
  | 'input.rejected'

export interface SecurityEvent {
  type: SecurityEventType
  /** Date.now() when it happened. */
  time: number
  ip: string | undefined
  method: string | undefined
  path: string | undefined
  reason: string | undefined
}

/** Every rampart middleware reports here; listen by type, or to '*' for all. */
export interface SecurityEvents extends EventEmitter {
  on(event: SecurityEventType | '*', listener: (event: SecurityEvent) => void): this
  once(event: SecurityEventType | '*', listener: (event: SecurityEvent) => void): this
  off(event: SecurityEventType | '*', listener: (event: SecurityEvent) => void): this
}

export declare const events: SecurityEvents
