// ESM entry for rampart/headers: the CommonJS module re-exported by name.
import mod from '../headers.js'

export const {
  secureHeaders,
  contentSecurityPolicy,
  crossOriginEmbedderPolicy,
  crossOriginOpenerPolicy,
  crossOriginResourcePolicy,
  originAgentCluster,
  referrerPolicy,
  strictTransportSecurity,
  xContentTypeOptions,
  xDnsPrefetchControl,
  xDownloadOptions,
  xFrameOptions,
  xPermittedCrossDomainPolicies,
  xPoweredBy,
  xXssProtection,
  permissionsPolicy,
  reportingEndpoints,
  dnsPrefetchControl,
  xssFilter,
  permittedCrossDomainPolicies,
  ieNoOpen,
  noSniff,
  frameguard,
  hidePoweredBy,
  hsts,
} = mod
export default mod
