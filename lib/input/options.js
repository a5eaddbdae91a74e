'use strict'
// Start-up checks shared by mongoSanitize() and hpp(): an unknown option or a value of the
// wrong type throws now with the option's name, never at request time.

function checkOptions(name, options, shapes) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${name}: options must be an object`)
  }
  for (const key of Object.keys(options)) {
    const check = shapes[key]
    if (!check) {
      throw new TypeError(
        `${name}: unknown option ${JSON.stringify(key)}; the options are ${Object.keys(shapes).join(', ')}`,
      )
    }
    if (options[key] !== undefined) check(`${name}: \`${key}\``, options[key])
  }
  return options
}

const is = {
  boolean(label, v) {
    if (typeof v !== 'boolean') throw new TypeError(`${label} must be true or false`)
  },
  string(label, v) {
    if (typeof v !== 'string') throw new TypeError(`${label} must be a string`)
  },
  function(label, v) {
    if (typeof v !== 'function') throw new TypeError(`${label} must be a function`)
  },
  positiveInteger(label, v) {
    if (!Number.isInteger(v) || v < 1) throw new TypeError(`${label} must be a positive integer`)
  },
}

module.exports = { checkOptions, is }
