// Types for rampart/monitor: security events as Prometheus metrics, structured logs,
// OpenTelemetry span events and a live page. prom-client and @opentelemetry/api are optional
// peers; their types are not needed to use these.
import type { Middleware, NextFunction } from './common'

/** What to do with client IPs where events leave the process. */
export type IpPolicy = 'keep' | 'hash' | 'drop'

/** The part of a prom-client Registry that metrics() uses. */
export interface PromRegistry {
  contentType: string
  metrics(): Promise<string>
  getSingleMetric(name: string): unknown
  removeSingleMetric(name: string): void
}

export interface MetricsOptions {
  /** A prom-client Registry; default: prom-client's default registry. */
  registry?: PromRegistry
  /** Prepended to every metric name (`${prefix}rampart_events_total`). */
  prefix?: string
  /** Distinct `route` label values before the rest become 'other' (default 200). */
  maxRoutes?: number
  /** Histogram of native-call durations, timing one call in `every` (default 100). Off by default. */
  nativeDurations?: boolean | { every?: number }
}

export interface Metrics {
  registry: PromRegistry
  contentType: string
  /** Serves the registry in the Prometheus text format: `app.get('/metrics', m.handler)`. */
  handler(req: any, res: any): Promise<void>
  /** Stops counting and removes rampart's metrics from the registry. */
  stop(): void
}

/**
 * Registers rampart_events_total{type,reason,route}, rampart_ratelimit_decisions_total{result},
 * rampart_jwt_verifications_total{result,alg}, rampart_body_rejections_total{code} (and, with
 * nativeDurations, rampart_native_call_duration_seconds{fn}). Throws if prom-client is not installed.
 */
export declare function metrics(options?: MetricsOptions): Metrics

/** pino-compatible: `logger.warn(obj, msg)`. */
export interface WarnLogger {
  warn(obj: object, msg?: string): void
}

export interface LogEventsOptions {
  /** Default 'keep'. 'hash': an HMAC under a per-process key (or ipSalt), 16 hex characters. */
  ip?: IpPolicy
  /** A key of at least 16 characters, for hashes that stay the same across processes. */
  ipSalt?: string
  /** The aggregation window in ms (default 10000): one line per source per window. */
  windowMs?: number
  /** Sources tracked at once (default 10000); past it, new sources share one summary. */
  maxSources?: number
}

/** Writes each security event to the logger, floods aggregated. Returns the function that stops it. */
export declare function logEvents(logger: WarnLogger, options?: LogEventsOptions): () => void

export interface TraceEventsOptions {
  ip?: IpPolicy
  ipSalt?: string
}

/** Adds each security event to the active OpenTelemetry span; a no-op without @opentelemetry/api. Returns the stop function. */
export declare function traceEvents(options?: TraceEventsOptions): () => void

export interface SecurityPageOptions {
  /** The guard: middleware that calls next() only for your operators (e.g. [jwtAuth(...), authorize('admin')]). */
  authorize?: Middleware | Middleware[]
  /** Without authorize: serve loopback clients only (no proxy headers). For local development. */
  allowInsecureLocal?: boolean
  /** Shown on the page as the current policy (e.g. the options given to fortify); secrets are masked. */
  policy?: object
  ip?: IpPolicy
  ipSalt?: string
  /** Open event streams at once (default 5); more get 503. */
  maxClients?: number
  /** Unsent bytes per stream before that client is dropped (default 262144). */
  maxBufferBytes?: number
  /** Events pushed to the page per second (default 50); the rest are only counted. */
  maxEventsPerSecond?: number
  /** How often the page's totals, chart and tables refresh, in ms (default 1000). */
  intervalMs?: number
}

export interface SecurityPageRouter {
  (req: any, res: any, next: NextFunction): void
  /** Stops collecting and closes the open streams. */
  close(): void
}

/** A router serving the live page and its Server-Sent Events stream: `app.use('/_rampart', securityPage({...}))`. */
export declare function securityPage(options: SecurityPageOptions): SecurityPageRouter
