'use strict'
// Start-up checks shared by fetchMetadata() and doubleCsrf().

function checkOptions(name, options, known) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options))
    throw new TypeError(`${name}: options must be an object`)
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${name}: unknown option ${JSON.stringify(key)}; the options are ${known.join(', ')}`,
      )
    }
  }
  return options
}

/** An upper-cased method list as a Set; throws if it is not an array of strings. */
function methodSet(name, methods) {
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string')) {
    throw new TypeError(`${name}: \`ignoredMethods\` must be an array of method names`)
  }
  return new Set(methods.map((m) => m.toUpperCase()))
}

module.exports = { checkOptions, methodSet }
