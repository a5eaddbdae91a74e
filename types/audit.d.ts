// Types for rampart/audit: a security scan of a running API (see docs/audit.md).

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'

export interface Finding {
  /** The check that found it, e.g. 'jwt.alg-none'. */
  id: string
  title: string
  severity: Severity
  /** The OWASP API Security Top 10 (2023) category, e.g. 'API2:2023'. */
  owasp: string
  /** The HTTP method, or '-' for findings about the whole API or a token. */
  method: string
  /** The route, or '-'. */
  route: string
  evidence: string
  /** The rampart middleware and option that close it. */
  fix: string
  /** Set by a baseline file (CLI `--baseline`): known, shown, not counted. */
  suppressed?: boolean
}

export interface CheckState {
  id: string
  title: string
  status: 'ran' | 'skipped' | 'pending'
  /** Why it was skipped. */
  reason?: string
  /** jwt.weak-secret: how many candidates were tried, and how fast. */
  stats?: { candidates: number; candidatesPerSecond: number }
}

export interface AuditRoute {
  method?: string
  /** Starts with '/'; parameters as ':id' or '{id}'. */
  path: string
  body?: unknown
}

export interface AuditIdentity {
  name: string
  token?: string
  login?: { method?: string; path: string; body?: unknown; tokenPath?: string }
}

export interface AuditConfig {
  identities?: AuditIdentity[]
  routes?: AuditRoute[]
  login?: AuditRoute
  /** Check ids ('jwt.alg-none') or families ('ratelimit') not to run. */
  skip?: string[]
  /** Key material for the JWT probes that must sign (exp/nbf), and where the public key is. */
  jwt?: { secret?: string; privateKey?: string; publicKey?: string; jwksPath?: string; wordlist?: string[] }
  /** Requests per rate-limit burst (default 12, at most 50). */
  burst?: number
}

export interface AuditOptions {
  /** The API to audit; loopback only unless allowRemote. Give this or `app`. */
  baseUrl?: string
  /** An Express app (or node:http handler), served on 127.0.0.1 port 0 for the run. */
  app?: (req: any, res: any) => void
  /** A config object, or the path of a .json/.js/.mjs file. */
  config?: AuditConfig | string
  /** An OpenAPI 3 document, or its path: a source of routes. */
  openapi?: object | string
  /** A sample JWT for the JWT checks. */
  token?: string
  /** The most requests it may send (default 300). */
  budget?: number
  /** Allow a base URL that is not a loopback address (default false). */
  allowRemote?: boolean
  /** Send nothing; the result lists the requests it would send first. */
  dryRun?: boolean
  /** The whole audit's time bound in ms (default 60000); each family gets at most half. */
  timeMs?: number
}

export interface AuditResult {
  target: string
  findings: Finding[]
  checks: CheckState[]
  requests: number
  budget: number
  /** Dry runs only. */
  planned?: Array<{ method: string; path: string; label?: string }>
}

export interface CheckDefinition {
  id: string
  title: string
  severity: Severity
  owasp: string
  family: string
}

export declare function audit(options: AuditOptions): Promise<AuditResult>
export declare const definitions: CheckDefinition[]
export declare class UsageError extends Error {
  exitCode: 2
}
export declare class ConnectionError extends Error {
  exitCode: 2
}
