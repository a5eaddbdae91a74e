'use strict'
// rampart/sanitize: not implemented yet.
module.exports = {}
