'use strict'
// The one media-type test hpp needs (`typeis(req, type)`), compiled once: a request matches
// when it has a body and its Content-Type (parameters dropped) fits the pattern. Patterns
// are type-is's: a shorthand ('urlencoded', 'json', 'multipart', 'text', …), 'type/sub',
// 'type/*', '*/sub', '*/*' or '+suffix'.
const SHORTHANDS = {
  urlencoded: 'application/x-www-form-urlencoded',
  json: 'application/json',
  multipart: 'multipart/*',
  text: 'text/plain',
  html: 'text/html',
  xml: 'application/xml',
  form: 'multipart/form-data',
}
const MEDIA = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/

function compilePattern(raw) {
  if (typeof raw !== 'string' || raw === '') throw new TypeError('a media type must be a non-empty string')
  const lower = raw.toLowerCase()
  if (lower.startsWith('+')) {
    const suffix = lower
    return (type) => type.endsWith(suffix)
  }
  const full = SHORTHANDS[lower] || (lower.includes('/') ? lower : null)
  if (!full || !(MEDIA.test(full) || full === '*/*')) {
    throw new TypeError(
      `${JSON.stringify(raw)} is not a media type (e.g. 'urlencoded', 'application/json', 'text/*')`,
    )
  }
  const [major, minor] = full.split('/')
  return (type) => {
    const slash = type.indexOf('/')
    if (slash === -1) return false
    return (
      (major === '*' || major === type.slice(0, slash)) && (minor === '*' || minor === type.slice(slash + 1))
    )
  }
}

/** `(req) => boolean` for one pattern or an array of them. */
function compileContentType(patterns) {
  const tests = (Array.isArray(patterns) ? patterns : [patterns]).map(compilePattern)
  return function matches(req) {
    const headers = req.headers || {}
    // type-is: no body (neither Transfer-Encoding nor a Content-Length) never matches.
    if (headers['transfer-encoding'] === undefined && !(Number(headers['content-length']) >= 0)) return false
    const header = headers['content-type']
    if (typeof header !== 'string') return false
    const semi = header.indexOf(';')
    const type = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase()
    for (let i = 0; i < tests.length; i++) if (tests[i](type)) return true
    return false
  }
}

module.exports = { compileContentType }
