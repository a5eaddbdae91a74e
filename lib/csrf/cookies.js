'use strict'
// The two cookie operations doubleCsrf needs, so it works with or without cookie-parser
// and on plain node:http: read one named cookie, and set one (through Express's res.cookie
// when there is one, so its options mean exactly what they mean there).

/** The value of cookie `name`: from req.cookies (cookie-parser) if present, else the header. */
function readCookie(req, name) {
  const parsed = req.cookies
  if (parsed && typeof parsed === 'object') return parsed[name]
  const header = req.headers && req.headers.cookie
  if (typeof header !== 'string') return undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    let value = pair.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      return decodeURIComponent(value)
    } catch {
      return value
    }
  }
  return undefined
}

/** Sets cookie `name`; Express's res.cookie when present, else a Set-Cookie header. */
function writeCookie(res, name, value, options) {
  if (typeof res.cookie === 'function') {
    res.cookie(name, value, options)
    return
  }
  let cookie = `${name}=${encodeURIComponent(value)}`
  if (options.maxAge !== undefined) {
    cookie += `; Max-Age=${Math.floor(options.maxAge / 1000)}`
    cookie += `; Expires=${new Date(Date.now() + options.maxAge).toUTCString()}`
  } else if (options.expires instanceof Date) cookie += `; Expires=${options.expires.toUTCString()}`
  if (options.domain) cookie += `; Domain=${options.domain}`
  cookie += `; Path=${options.path || '/'}`
  if (options.httpOnly) cookie += '; HttpOnly'
  if (options.secure) cookie += '; Secure'
  if (options.partitioned) cookie += '; Partitioned'
  if (options.sameSite) {
    const s = options.sameSite === true ? 'Strict' : String(options.sameSite)
    cookie += `; SameSite=${s[0].toUpperCase()}${s.slice(1).toLowerCase()}`
  }
  const prior = res.getHeader('Set-Cookie')
  res.setHeader('Set-Cookie', prior === undefined ? [cookie] : [].concat(prior, cookie))
}

module.exports = { readCookie, writeCookie }
