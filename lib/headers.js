'use strict'
// rampart/headers: not implemented yet.
module.exports = {}
