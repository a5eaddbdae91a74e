'use strict'
// Reporting-Endpoints (the Reporting API): names the URLs that CSP `report-to`, COOP/COEP
// and other reports go to. `reportingEndpoints({ default: 'https://r.example/reports',
// csp: '/csp' })` → `default="https://r.example/reports", csp="/csp"`. Names are
// structured-field keys; URLs are https (http only to localhost) or a path on this origin.
const { fixedHeaders, optionsObject, describe } = require('./middleware')

const NAME = 'Reporting-Endpoints'
const KEY = /^[a-z*][a-z0-9_\-.*]*$/
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function endpointUrl(name, url) {
  if (typeof url !== 'string' || url === '') {
    throw new TypeError(
      `${NAME}: the URL of endpoint ${name} must be a non-empty string, got ${describe(url)}`,
    )
  }
  if (/["\\\s]/.test(url) || [...url].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new Error(
      `${NAME}: the URL of endpoint ${name} holds a quote, backslash, space or control character`,
    )
  }
  if (url.startsWith('/') && !url.startsWith('//')) return url
  let parsed
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(
      `${NAME}: ${JSON.stringify(url)} (endpoint ${name}) is neither an absolute URL nor a path`,
    )
  }
  const trustworthy =
    parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOCAL_HOSTS.has(parsed.hostname))
  if (!trustworthy) {
    throw new Error(
      `${NAME}: browsers only report to https URLs; ${JSON.stringify(url)} (endpoint ${name}) is not one`,
    )
  }
  return url
}

function reportingEndpointsValue(endpoints) {
  const map = optionsObject(NAME, endpoints)
  const parts = []
  for (const name of Object.keys(map)) {
    if (!KEY.test(name)) {
      throw new Error(
        `${NAME}: ${JSON.stringify(name)} is not an endpoint name (lower-case letters, digits, _ - . *)`,
      )
    }
    parts.push(`${name}="${endpointUrl(name, map[name])}"`)
  }
  if (parts.length === 0) throw new Error(`${NAME}: no endpoints given; pass { default: 'https://…' }`)
  return parts.join(', ')
}

function reportingEndpoints(endpoints) {
  return fixedHeaders('reportingEndpointsMiddleware', [[NAME, reportingEndpointsValue(endpoints)]])
}

module.exports = { NAME, value: reportingEndpointsValue, reportingEndpoints }
