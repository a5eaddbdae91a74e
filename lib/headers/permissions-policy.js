'use strict'
// Permissions-Policy from a dictionary: `{ features: { camera: [], geolocation: ['self'] } }`
// → `camera=(), geolocation=(self)`. helmet declined this header (#470, #234) because its
// syntax is easy to get wrong; here every feature name and allowlist entry is checked at
// start-up. Names may be camelCase (`displayCapture`) or dashed; an allowlist is `[]`
// (nobody), `['*']` (everyone), or `'self'`, `'src'` and origins (`'https://a.example'`,
// `'https://*.a.example'`).
const { fixedHeaders, optionsObject, describe } = require('./middleware')

const NAME = 'Permissions-Policy'

// The features of the W3C registry (features.md: standardized, proposed and experimental)
// and the client hints that are controlled by this header.
const FEATURES = new Set(
  `accelerometer all-screens-capture ambient-light-sensor attribution-reporting autofill autoplay
  battery bluetooth browsing-topics camera captured-surface-control ch-device-memory ch-downlink
  ch-dpr ch-ect ch-prefers-color-scheme ch-prefers-reduced-motion ch-prefers-reduced-transparency
  ch-rtt ch-save-data ch-ua ch-ua-arch ch-ua-bitness ch-ua-form-factors ch-ua-full-version
  ch-ua-full-version-list ch-ua-high-entropy-values ch-ua-mobile ch-ua-model ch-ua-platform
  ch-ua-platform-version ch-ua-wow64 ch-viewport-height ch-viewport-width ch-width
  clipboard-read clipboard-write compute-pressure conversion-measurement cross-origin-isolated
  deferred-fetch deferred-fetch-minimal digital-credentials-create digital-credentials-get
  direct-sockets direct-sockets-private display-capture document-domain encrypted-media
  execution-while-not-rendered execution-while-out-of-viewport focus-without-user-activation
  fullscreen gamepad geolocation gyroscope hid identity-credentials-get idle-detection
  interest-cohort join-ad-interest-group keyboard-map language-detector language-model
  local-fonts local-network-access magnetometer manual-text microphone midi navigation-override
  on-device-speech-recognition otp-credentials payment picture-in-picture private-aggregation
  private-state-token-issuance private-state-token-redemption publickey-credentials-create
  publickey-credentials-get rewriter run-ad-auction screen-wake-lock serial shared-autofill
  shared-storage shared-storage-select-url smart-card speaker-selection storage-access
  summarizer sync-script sync-xhr translator trust-token-redemption unload usb vertical-scroll
  web-share window-management window-placement writer xr-spatial-tracking`.split(/\s+/),
)
const KEYWORDS = new Map([
  ['self', 'self'],
  ["'self'", 'self'],
  ['src', 'src'],
  ["'src'", 'src'],
])

function dashed(name) {
  return name.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase())
}

/** One allowlist entry as it goes in the header: `self`, `src` or a quoted origin. */
function entryValue(feature, entry) {
  if (typeof entry !== 'string') {
    throw new TypeError(`${NAME}: the allowlist of ${feature} holds ${describe(entry)}; use strings`)
  }
  const keyword = KEYWORDS.get(entry)
  if (keyword) return keyword
  if (entry === 'none' || entry === "'none'") {
    throw new Error(
      `${NAME}: write \`${feature}: []\` to allow ${feature} nowhere ('none' is not a keyword here)`,
    )
  }
  // A wildcard may stand for one or more subdomains: https://*.example.com.
  const probe = entry.replace('://*.', '://wildcard.')
  let url
  try {
    url = new URL(probe)
  } catch {
    url = null
  }
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.origin !== probe.replace(/\/$/, '')
  ) {
    throw new Error(
      `${NAME}: ${JSON.stringify(entry)} in the allowlist of ${feature} is not 'self', 'src', '*' or an origin like 'https://example.com'`,
    )
  }
  return `"${entry.replace(/\/$/, '')}"`
}

function permissionsPolicyValue(options) {
  const { features, ...rest } = optionsObject(NAME, options)
  const unknown = Object.keys(rest)
  if (unknown.length > 0)
    throw new Error(`${NAME}: unknown option ${JSON.stringify(unknown[0])}; it takes { features }`)
  if (features === null || typeof features !== 'object' || Array.isArray(features)) {
    throw new TypeError(`${NAME}: \`features\` must be an object like { camera: [], geolocation: ['self'] }`)
  }
  const parts = []
  const seen = new Set()
  for (const rawName of Object.keys(features)) {
    const name = dashed(rawName)
    if (!FEATURES.has(name)) {
      throw new Error(
        `${NAME}: unknown feature ${JSON.stringify(rawName)} (the W3C registry's names, e.g. camera, geolocation, microphone)`,
      )
    }
    if (seen.has(name)) throw new Error(`${NAME}: feature ${name} is given twice`)
    seen.add(name)
    const raw = features[rawName]
    const list = typeof raw === 'string' ? [raw] : raw
    if (!Array.isArray(list)) {
      throw new TypeError(`${NAME}: the allowlist of ${name} must be an array, got ${describe(raw)}`)
    }
    if (list.includes('*')) {
      if (list.length !== 1) throw new Error(`${NAME}: '*' allows ${name} everywhere, so it must stand alone`)
      parts.push(`${name}=*`)
      continue
    }
    const entries = [...new Set(list.map((entry) => entryValue(name, entry)))]
    parts.push(`${name}=(${entries.join(' ')})`)
  }
  if (parts.length === 0)
    throw new Error(`${NAME}: \`features\` is empty; give at least one feature or leave the header off`)
  return parts.join(', ')
}

function permissionsPolicy(options) {
  return fixedHeaders('permissionsPolicyMiddleware', [[NAME, permissionsPolicyValue(options)]])
}

module.exports = { NAME, value: permissionsPolicyValue, permissionsPolicy, FEATURES }
