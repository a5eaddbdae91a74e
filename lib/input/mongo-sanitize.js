'use strict'
// mongoSanitize(options): express-mongo-sanitize's middleware, on Express 4 and 5.
// Cleans req.body, req.params, req.headers and req.query in that order (the original's),
// calls onSanitize({ req, key }) per location that had a refused key, and reports an
// `input.rejected` event. Input past the depth/size bound is a 400 passed to next().
const { compileWalk, has: hasProhibited, DEFAULT_DEPTH, DEFAULT_MAX_NODES } = require('./walk')
const { putOnRequest } = require('./request')
const { checkOptions, is } = require('./options')
const { report } = require('../events')

const LOCATIONS = ['body', 'params', 'headers', 'query']
const SHAPES = {
  replaceWith: is.string,
  allowDots: is.boolean,
  dryRun: is.boolean,
  onSanitize: is.function,
  depth: is.positiveInteger,
  maxNodes: is.positiveInteger,
}

function mongoSanitize(rawOptions) {
  const options = checkOptions('mongoSanitize', rawOptions, SHAPES)
  const walk = compileWalk(options)
  const { onSanitize } = options
  const dryRun = Boolean(options.dryRun)

  return function mongoSanitizeMiddleware(req, _res, next) {
    for (let i = 0; i < LOCATIONS.length; i++) {
      const location = LOCATIONS[i]
      const value = req[location]
      if (!value || typeof value !== 'object') continue
      let found
      try {
        found = walk(value)
      } catch (err) {
        report('input.rejected', req, `${location}: ${err.message}`)
        return next(err)
      }
      if (!found) continue
      // Express 5's query getter parses again on every read: keep the cleaned object.
      if (location === 'query' && !dryRun) putOnRequest(req, 'query', value)
      report('input.rejected', req, `operator or dotted key in ${location}`)
      if (onSanitize) onSanitize({ req, key: location })
    }
    next()
  }
}

/** express-mongo-sanitize's `sanitize(obj, options)`: cleans in place and returns obj. */
function sanitize(target, options) {
  compileWalk(checkOptions('mongoSanitize.sanitize', options, SHAPES))(target)
  return target
}

/** express-mongo-sanitize's `has(obj, allowDots)`. */
function has(target, allowDots) {
  return hasProhibited(target, Boolean(allowDots), DEFAULT_DEPTH, DEFAULT_MAX_NODES)
}

mongoSanitize.sanitize = sanitize
mongoSanitize.has = has

module.exports = { mongoSanitize }
