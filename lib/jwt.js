'use strict'
// rampart/jwt: not implemented yet.
module.exports = {}
