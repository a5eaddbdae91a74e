'use strict'
// rampart/validate: compile() (a drop-in for ajv's compiled validators), validate()
// (request validation middleware, like celebrate) and json() (a safe express.json()).

const { compile } = require('./validate/compile')
const { validate } = require('./validate/middleware')
const { json } = require('./validate/json')
const { ValidationError } = require('./validate/errors')

module.exports = { compile, validate, json, ValidationError }
