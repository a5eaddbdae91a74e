'use strict'
// rampart/headers: helmet 8's headers, defaults and option names, precomputed at start-up.
//
// `secureHeaders(options)` resolves every option once into a list of `[name, value]`
// pairs (and `X-Powered-By` to remove); a request then costs one pass that stores them.
// Only a Content-Security-Policy with function values (nonces) is built per request.
const { compileHeaders } = require('./headers/set-headers')
const { dictionaryModeStep } = require('./dictionary-mode')
const { parseFastPaths } = require('./fast-paths')
const { optionsObject } = require('./headers/middleware')
const csp = require('./headers/content-security-policy')
const coep = require('./headers/cross-origin-embedder-policy')
const coop = require('./headers/cross-origin-opener-policy')
const corp = require('./headers/cross-origin-resource-policy')
const oac = require('./headers/origin-agent-cluster')
const referrer = require('./headers/referrer-policy')
const hsts = require('./headers/strict-transport-security')
const noSniff = require('./headers/x-content-type-options')
const dnsPrefetch = require('./headers/x-dns-prefetch-control')
const downloadOptions = require('./headers/x-download-options')
const frameOptions = require('./headers/x-frame-options')
const crossDomain = require('./headers/x-permitted-cross-domain-policies')
const poweredBy = require('./headers/x-powered-by')
const xssProtection = require('./headers/x-xss-protection')
const permissions = require('./headers/permissions-policy')
const reporting = require('./headers/reporting-endpoints')

// The `api` preset: a JSON API renders no documents, so nothing may load or frame it.
const API_DIRECTIVES = () => ({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] })
const API_SEPARATOR = '; '
const PRESETS = new Set(['default', 'api'])

// helmet's option names (current name first, then its legacy alias), in helmet's header order.
const HEADERS = [
  { option: 'crossOriginEmbedderPolicy', module: coep, defaultOn: false },
  { option: 'crossOriginOpenerPolicy', module: coop },
  { option: 'crossOriginResourcePolicy', module: corp },
  { option: 'originAgentCluster', module: oac, noOptions: true },
  { option: 'referrerPolicy', module: referrer },
  { option: 'strictTransportSecurity', alias: 'hsts', module: hsts },
  { option: 'xContentTypeOptions', alias: 'noSniff', module: noSniff, noOptions: true },
  { option: 'xDnsPrefetchControl', alias: 'dnsPrefetchControl', module: dnsPrefetch },
  { option: 'xDownloadOptions', alias: 'ieNoOpen', module: downloadOptions, noOptions: true },
  { option: 'xFrameOptions', alias: 'frameguard', module: frameOptions },
  {
    option: 'xPermittedCrossDomainPolicies',
    alias: 'permittedCrossDomainPolicies',
    module: crossDomain,
  },
  { option: 'xPoweredBy', alias: 'hidePoweredBy', module: poweredBy, noOptions: true, remove: true },
  { option: 'xXssProtection', alias: 'xssFilter', module: xssProtection, noOptions: true },
]
// Headers helmet does not set: off unless given, and then their options are required.
const OPT_IN_HEADERS = [
  { option: 'permissionsPolicy', module: permissions },
  { option: 'reportingEndpoints', module: reporting },
]
const KNOWN_OPTIONS = new Set([
  'contentSecurityPolicy',
  'preset',
  'cacheControl',
  'permissionsPolicy',
  'reportingEndpoints',
  'fastPaths',
])
for (const h of HEADERS) {
  KNOWN_OPTIONS.add(h.option)
  if (h.alias) KNOWN_OPTIONS.add(h.alias)
}

/** The value of one header's option, honouring helmet's legacy alias (both given → error). */
function headerOption(options, { option, alias, module }) {
  if (!alias) return options[option]
  if (option in options && alias in options) {
    throw new Error(
      `${module.NAME} option was specified twice. Remove the \`${alias}\` option to fix this error.`,
    )
  }
  return options[option] ?? options[alias]
}

/**
 * Resolves secureHeaders options into `{ policy, entries, removals }`: the CSP (fixed or per
 * request, or null when off), then the fixed `[name, value]` pairs in helmet's order.
 */
function resolveHeaders(rawOptions) {
  if (rawOptions && rawOptions.constructor && rawOptions.constructor.name === 'IncomingMessage') {
    throw new Error(
      'It appears you have done something like `app.use(secureHeaders)`, but it should be `app.use(secureHeaders())`.',
    )
  }
  const options = optionsObject('secureHeaders', rawOptions)
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new Error(
        `secureHeaders received an unknown option ${JSON.stringify(key)}; the options are helmet's: ${[...KNOWN_OPTIONS].join(', ')}`,
      )
    }
  }
  const preset = options.preset === undefined ? 'default' : options.preset
  if (!PRESETS.has(preset)) {
    throw new Error(
      `secureHeaders received an unknown preset ${JSON.stringify(preset)}; use 'api' or leave it out`,
    )
  }
  const api = preset === 'api'

  let policy = null
  const cspOption = options.contentSecurityPolicy
  if (cspOption !== false) {
    const cspOptions = cspOption === undefined || cspOption === true ? {} : cspOption
    policy = api
      ? csp.compileContentSecurityPolicy(cspOptions, { defaults: API_DIRECTIVES(), separator: API_SEPARATOR })
      : csp.compileContentSecurityPolicy(cspOptions)
  }

  const entries = []
  const removals = []
  for (const header of HEADERS) {
    const value = headerOption(options, header)
    const on = value === undefined ? header.defaultOn !== false : value !== false
    if (!on) continue
    if (header.noOptions && value !== undefined && value !== true) {
      console.warn(
        `${header.module.NAME} does not take options. Remove the property to silence this warning.`,
      )
    }
    if (header.remove) {
      removals.push(header.module.NAME)
      continue
    }
    const headerOptions = value === undefined || value === true ? {} : value
    entries.push([header.module.NAME, header.module.value(headerOptions)])
  }

  for (const { option, module } of OPT_IN_HEADERS) {
    const value = options[option]
    if (value === undefined || value === false) continue
    if (value === true) {
      throw new TypeError(
        `secureHeaders: \`${option}\` takes its options (see rampart/headers' ${option}()), not true`,
      )
    }
    entries.push([module.NAME, module.value(value)])
  }

  const cacheControl = options.cacheControl === undefined ? (api ? 'no-store' : false) : options.cacheControl
  if (cacheControl !== false) {
    const value = cacheControl === true ? 'no-store' : cacheControl
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(
        'secureHeaders: `cacheControl` must be a non-empty string, true (no-store) or false',
      )
    }
    entries.push(['Cache-Control', value])
  }
  return { policy, entries, removals }
}

/**
 * helmet(): every default header of helmet 8 (or as the options change them), plus the
 * `api` preset. One middleware; no per-request allocation unless the CSP has nonces.
 */
function secureHeaders(options = {}) {
  const { policy, entries, removals } = resolveHeaders(options)
  const fastPaths = parseFastPaths(options.fastPaths, 'secureHeaders')
  const toDictionaryMode = dictionaryModeStep(fastPaths.dictionaryMode)
  const compile = (list) => compileHeaders(list, removals, { headerTable: fastPaths.headerTable })
  if (policy && typeof policy.value === 'string') {
    const write = compile([[policy.name, policy.value], ...entries])
    return function secureHeadersMiddleware(req, res, next) {
      toDictionaryMode(req, res)
      write(res)
      next()
    }
  }
  const write = compile(entries)
  if (!policy) {
    return function secureHeadersMiddleware(req, res, next) {
      toDictionaryMode(req, res)
      write(res)
      next()
    }
  }
  const { name, value } = policy
  return function secureHeadersMiddleware(req, res, next) {
    toDictionaryMode(req, res)
    const header = value(req, res)
    if (header instanceof Error) return next(header)
    res.setHeader(name, header)
    write(res)
    next()
  }
}

/** The `api` preset: `secureHeaders({ ...options, preset: 'api' })`. */
function api(options = {}) {
  return secureHeaders({ ...optionsObject('secureHeaders.api', options), preset: 'api' })
}

const exportsByName = {
  secureHeaders,
  contentSecurityPolicy: csp.contentSecurityPolicy,
  crossOriginEmbedderPolicy: coep.crossOriginEmbedderPolicy,
  crossOriginOpenerPolicy: coop.crossOriginOpenerPolicy,
  crossOriginResourcePolicy: corp.crossOriginResourcePolicy,
  originAgentCluster: oac.originAgentCluster,
  referrerPolicy: referrer.referrerPolicy,
  strictTransportSecurity: hsts.strictTransportSecurity,
  xContentTypeOptions: noSniff.xContentTypeOptions,
  xDnsPrefetchControl: dnsPrefetch.xDnsPrefetchControl,
  xDownloadOptions: downloadOptions.xDownloadOptions,
  xFrameOptions: frameOptions.xFrameOptions,
  xPermittedCrossDomainPolicies: crossDomain.xPermittedCrossDomainPolicies,
  xPoweredBy: poweredBy.xPoweredBy,
  xXssProtection: xssProtection.xXssProtection,
  permissionsPolicy: permissions.permissionsPolicy,
  reportingEndpoints: reporting.reportingEndpoints,
  // helmet 8's legacy aliases
  dnsPrefetchControl: dnsPrefetch.xDnsPrefetchControl,
  xssFilter: xssProtection.xXssProtection,
  permittedCrossDomainPolicies: crossDomain.xPermittedCrossDomainPolicies,
  ieNoOpen: downloadOptions.xDownloadOptions,
  noSniff: noSniff.xContentTypeOptions,
  frameguard: frameOptions.xFrameOptions,
  hidePoweredBy: poweredBy.xPoweredBy,
  hsts: hsts.strictTransportSecurity,
}

// `require('rampart/headers')` is secureHeaders itself, with the named exports on it (as helmet).
// `api` and `default` are not enumerable, so spreading this module (as rampart's index does)
// copies only the helmet names.
module.exports = Object.assign(secureHeaders, exportsByName)
Object.defineProperty(secureHeaders, 'api', { value: api, writable: true, configurable: true })
Object.defineProperty(secureHeaders, 'default', { value: secureHeaders, writable: true, configurable: true })
