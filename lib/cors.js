'use strict'
// rampart/cors: not implemented yet.
module.exports = {}
