'use strict'
// jwtAuth().unless(...): express-unless's options (path, method, ext, custom,
// useOriginalUrl), the common part.

function unless(middleware, opts) {
  const options = typeof opts === 'function' ? { custom: opts } : opts || {}
  const paths = options.path === undefined ? [] : [].concat(options.path)
  const methods = options.method === undefined ? [] : [].concat(options.method)
  const exts = options.ext === undefined ? [] : [].concat(options.ext)
  const useOriginalUrl = options.useOriginalUrl === undefined ? true : options.useOriginalUrl
  return function (req, res, next) {
    const url = (useOriginalUrl ? req.originalUrl || req.url : req.url) || ''
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const method = req.method
    const skip =
      (typeof options.custom === 'function' && options.custom(req)) ||
      methods.includes(method) ||
      exts.some((ext) => path.endsWith(ext)) ||
      paths.some((p) => {
        if (typeof p === 'string') return p === path
        if (p instanceof RegExp) return p.test(path)
        if (p && typeof p === 'object') {
          const match =
            typeof p.url === 'string' ? p.url === path : p.url instanceof RegExp && p.url.test(path)
          return match && (!p.methods || p.methods.includes(method))
        }
        return false
      })
    if (skip) return next()
    return middleware(req, res, next)
  }
}

module.exports = { unless }
