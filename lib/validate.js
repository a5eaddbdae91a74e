'use strict'
// rampart/validate: not implemented yet.
module.exports = {}
