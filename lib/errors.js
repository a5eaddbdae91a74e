'use strict'
// rampart/errors: not implemented yet.
module.exports = {}
