'use strict'
// Bare Express (examples/bare.js) plus only the one thing fortify() does to Express itself:
// req/res moved to V8's dictionary mode (lib/dictionary-mode.js). No security work.
// In the end-to-end benchmark it shows how much of the rampart stack's speed comes from that
// alone, so the cost of the security work can be read off as rampart ÷ this.
const { createApp: createBareApp } = require('../../examples/bare')
const { toDictionaryMode } = require('../../lib/dictionary-mode')

function dictionaryMode(req, res, next) {
  toDictionaryMode(req, res)
  next()
}

function createApp() {
  // First in the stack, where fortify() sits in examples/server.js.
  return createBareApp({ first: [dictionaryMode] })
}

module.exports = { createApp }
