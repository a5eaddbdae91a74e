'use strict'
// rampart/rate-limit: not implemented yet.
module.exports = {}
