// Types for rampart/headers: helmet 8's headers, option names and per-header middlewares.
import type { Middleware, FastPathsOption } from './common'

/** A middleware for Express 4/5, Connect or plain node:http. */
export type HeadersMiddleware = Middleware

/**
 * A source computed per request, e.g. a nonce: `(req, res) => \`'nonce-${res.locals.nonce}'\``.
 * It gets node:http's request and response (Express's, when under Express).
 */
export type ContentSecurityPolicyDirectiveValueFunction = (req: any, res: any) => string

export type ContentSecurityPolicyDirectiveValue = string | ContentSecurityPolicyDirectiveValueFunction

export interface ContentSecurityPolicyOptions {
  /** Start from helmet's default directives (default true). */
  useDefaults?: boolean
  /**
   * Directive name (camelCase or dashed) → sources. `null` removes a default directive;
   * `contentSecurityPolicy.dangerouslyDisableDefaultSrc` removes `default-src`.
   */
  directives?: Record<
    string,
    | null
    | string
    | Iterable<ContentSecurityPolicyDirectiveValue>
    | typeof contentSecurityPolicy.dangerouslyDisableDefaultSrc
  >
  /** Send Content-Security-Policy-Report-Only instead. */
  reportOnly?: boolean
  /**
   * A fresh 128-bit nonce per request in `res.locals.cspNonce`, added to `script-src` and
   * `style-src` as `'nonce-…'` (fastify-helmet's enableCSPNonces).
   */
  nonce?: boolean
}

/** An allowlist entry: `'self'`, `'src'`, `'*'` (alone), or an origin like `'https://a.example'`. */
export type PermissionsPolicyAllowlist = string[] | '*' | 'self' | 'src'

export interface PermissionsPolicyOptions {
  /** Feature (camelCase or dashed) → allowlist; `[]` allows it nowhere. */
  features: Record<string, PermissionsPolicyAllowlist>
}

/** Endpoint name → https URL (http only to localhost) or a path on this origin. */
export type ReportingEndpoints = Record<string, string>

export interface CrossOriginEmbedderPolicyOptions {
  policy?: 'require-corp' | 'credentialless' | 'unsafe-none'
}
export interface CrossOriginOpenerPolicyOptions {
  policy?: 'same-origin' | 'same-origin-allow-popups' | 'noopener-allow-popups' | 'unsafe-none'
}
export interface CrossOriginResourcePolicyOptions {
  policy?: 'same-origin' | 'same-site' | 'cross-origin'
}
export type ReferrerPolicyToken =
  | 'no-referrer'
  | 'no-referrer-when-downgrade'
  | 'same-origin'
  | 'origin'
  | 'strict-origin'
  | 'origin-when-cross-origin'
  | 'strict-origin-when-cross-origin'
  | 'unsafe-url'
  | ''
export interface ReferrerPolicyOptions {
  policy?: ReferrerPolicyToken | ReferrerPolicyToken[]
}
export interface StrictTransportSecurityOptions {
  /** Seconds (default 365 days). */
  maxAge?: number
  /** Default true. */
  includeSubDomains?: boolean
  preload?: boolean
}
export interface XDnsPrefetchControlOptions {
  allow?: boolean
}
export interface XFrameOptionsOptions {
  action?: 'deny' | 'sameorigin' | 'DENY' | 'SAMEORIGIN' | 'same-origin'
}
export interface XPermittedCrossDomainPoliciesOptions {
  permittedPolicies?: 'none' | 'master-only' | 'by-content-type' | 'all'
}

/** secureHeaders() options: helmet 8's, plus `preset` and `cacheControl`. `false` turns a header off. */
export interface SecureHeadersOptions {
  /** Turn off the fast paths that lean on node/V8 internals (docs/fast-paths.md). */
  fastPaths?: FastPathsOption
  contentSecurityPolicy?: ContentSecurityPolicyOptions | boolean
  /** Off by default, as in helmet 8. */
  crossOriginEmbedderPolicy?: CrossOriginEmbedderPolicyOptions | boolean
  crossOriginOpenerPolicy?: CrossOriginOpenerPolicyOptions | boolean
  crossOriginResourcePolicy?: CrossOriginResourcePolicyOptions | boolean
  originAgentCluster?: boolean
  referrerPolicy?: ReferrerPolicyOptions | boolean
  strictTransportSecurity?: StrictTransportSecurityOptions | boolean
  /** Legacy alias of strictTransportSecurity (give one, not both). */
  hsts?: StrictTransportSecurityOptions | boolean
  xContentTypeOptions?: boolean
  /** Legacy alias of xContentTypeOptions. */
  noSniff?: boolean
  xDnsPrefetchControl?: XDnsPrefetchControlOptions | boolean
  /** Legacy alias of xDnsPrefetchControl. */
  dnsPrefetchControl?: XDnsPrefetchControlOptions | boolean
  xDownloadOptions?: boolean
  /** Legacy alias of xDownloadOptions. */
  ieNoOpen?: boolean
  xFrameOptions?: XFrameOptionsOptions | boolean
  /** Legacy alias of xFrameOptions. */
  frameguard?: XFrameOptionsOptions | boolean
  xPermittedCrossDomainPolicies?: XPermittedCrossDomainPoliciesOptions | boolean
  /** Legacy alias of xPermittedCrossDomainPolicies. */
  permittedCrossDomainPolicies?: XPermittedCrossDomainPoliciesOptions | boolean
  /** Removes X-Powered-By (default on). */
  xPoweredBy?: boolean
  /** Legacy alias of xPoweredBy. */
  hidePoweredBy?: boolean
  xXssProtection?: boolean
  /** Legacy alias of xXssProtection. */
  xssFilter?: boolean
  /**
   * `'api'`: for JSON APIs — CSP `default-src 'none'; frame-ancestors 'none'` and
   * `Cache-Control: no-store`, helmet's other headers unchanged.
   */
  preset?: 'default' | 'api'
  /** A Cache-Control value to set (`true` = `no-store`); default: off, or `no-store` with the api preset. */
  cacheControl?: string | boolean
  /** Permissions-Policy from a dictionary; off unless given. */
  permissionsPolicy?: PermissionsPolicyOptions | false
  /** Reporting-Endpoints; off unless given. */
  reportingEndpoints?: ReportingEndpoints | false
}

export interface SecureHeaders {
  /** helmet(): helmet 8's default headers (or as the options change them), in one middleware. */
  (options?: SecureHeadersOptions): HeadersMiddleware
  /** The `api` preset: `secureHeaders({ ...options, preset: 'api' })`. */
  api(options?: Omit<SecureHeadersOptions, 'preset'>): HeadersMiddleware
  secureHeaders: SecureHeaders
  default: SecureHeaders
  contentSecurityPolicy: typeof contentSecurityPolicy
  crossOriginEmbedderPolicy: typeof crossOriginEmbedderPolicy
  crossOriginOpenerPolicy: typeof crossOriginOpenerPolicy
  crossOriginResourcePolicy: typeof crossOriginResourcePolicy
  originAgentCluster: typeof originAgentCluster
  referrerPolicy: typeof referrerPolicy
  strictTransportSecurity: typeof strictTransportSecurity
  xContentTypeOptions: typeof xContentTypeOptions
  xDnsPrefetchControl: typeof xDnsPrefetchControl
  xDownloadOptions: typeof xDownloadOptions
  xFrameOptions: typeof xFrameOptions
  xPermittedCrossDomainPolicies: typeof xPermittedCrossDomainPolicies
  xPoweredBy: typeof xPoweredBy
  xXssProtection: typeof xXssProtection
  permissionsPolicy: typeof permissionsPolicy
  reportingEndpoints: typeof reportingEndpoints
  dnsPrefetchControl: typeof xDnsPrefetchControl
  xssFilter: typeof xXssProtection
  permittedCrossDomainPolicies: typeof xPermittedCrossDomainPolicies
  ieNoOpen: typeof xDownloadOptions
  noSniff: typeof xContentTypeOptions
  frameguard: typeof xFrameOptions
  hidePoweredBy: typeof xPoweredBy
  hsts: typeof strictTransportSecurity
}

export declare const secureHeaders: SecureHeaders
export default secureHeaders

/** Content-Security-Policy alone, with helmet's options. */
export declare const contentSecurityPolicy: {
  (options?: ContentSecurityPolicyOptions): HeadersMiddleware
  /** helmet 8's default directives (a fresh object each call). */
  getDefaultDirectives(): Record<string, string[]>
  /** Set `default-src` to this to leave it out on purpose. */
  readonly dangerouslyDisableDefaultSrc: unique symbol
}
export declare function crossOriginEmbedderPolicy(
  options?: CrossOriginEmbedderPolicyOptions,
): HeadersMiddleware
export declare function crossOriginOpenerPolicy(options?: CrossOriginOpenerPolicyOptions): HeadersMiddleware
export declare function crossOriginResourcePolicy(
  options?: CrossOriginResourcePolicyOptions,
): HeadersMiddleware
export declare function originAgentCluster(): HeadersMiddleware
export declare function referrerPolicy(options?: ReferrerPolicyOptions): HeadersMiddleware
export declare function strictTransportSecurity(options?: StrictTransportSecurityOptions): HeadersMiddleware
export declare function xContentTypeOptions(): HeadersMiddleware
export declare function xDnsPrefetchControl(options?: XDnsPrefetchControlOptions): HeadersMiddleware
export declare function xDownloadOptions(): HeadersMiddleware
export declare function xFrameOptions(options?: XFrameOptionsOptions): HeadersMiddleware
export declare function xPermittedCrossDomainPolicies(
  options?: XPermittedCrossDomainPoliciesOptions,
): HeadersMiddleware
export declare function xPoweredBy(): HeadersMiddleware
export declare function xXssProtection(): HeadersMiddleware
/** Permissions-Policy alone: `permissionsPolicy({ features: { camera: [], geolocation: ['self'] } })`. */
export declare function permissionsPolicy(options: PermissionsPolicyOptions): HeadersMiddleware
/** Reporting-Endpoints alone: `reportingEndpoints({ default: 'https://reports.example/r' })`. */
export declare function reportingEndpoints(endpoints: ReportingEndpoints): HeadersMiddleware
/** helmet's legacy alias names. */
export declare const dnsPrefetchControl: typeof xDnsPrefetchControl
export declare const xssFilter: typeof xXssProtection
export declare const permittedCrossDomainPolicies: typeof xPermittedCrossDomainPolicies
export declare const ieNoOpen: typeof xDownloadOptions
export declare const noSniff: typeof xContentTypeOptions
export declare const frameguard: typeof xFrameOptions
export declare const hidePoweredBy: typeof xPoweredBy
export declare const hsts: typeof strictTransportSecurity
