'use strict'
// rampart/input: input hardening beyond schemas, on Express 4 and 5.
// mongoSanitize() replaces express-mongo-sanitize (NoSQL operator injection) and hpp()
// replaces hpp (HTTP parameter pollution); both report `input.rejected` events.
const { mongoSanitize } = require('./input/mongo-sanitize')
const { hpp } = require('./input/hpp')

module.exports = { mongoSanitize, hpp }
