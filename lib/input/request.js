'use strict'
// Puts a cleaned value back on the request. Express 5 made `req.query` a getter that parses
// the URL again on every read, so assigning to it throws (express-mongo-sanitize #200,
// #202) and mutating what it returned is lost; an own data property shadows the getter, as
// rampart/validate does. Express 4 and plain objects get the same own property.
// When the location is already an own property (Express 4, or a value put here before) the
// caller changed that very object in place, so nothing is left to do.
function putOnRequest(req, location, value) {
  if (Object.prototype.hasOwnProperty.call(req, location) && req[location] === value) return
  Object.defineProperty(req, location, { value, writable: true, configurable: true, enumerable: true })
}

module.exports = { putOnRequest }
