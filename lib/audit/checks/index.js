'use strict'
// The check families in the order they run: the cheap, read-only ones first, the
// bursts last (they spend the API's own rate limits).
const families = [
  require('./headers'),
  require('./cors'),
  require('./errors'),
  require('./jwt'),
  require('./input'),
  require('./bola'),
  require('./ratelimit'),
]

const definitions = families.flatMap((f) => f.definitions.map((d) => ({ ...d, family: f.name })))

module.exports = { families, definitions }
