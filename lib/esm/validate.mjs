// ESM entry for rampart/validate: the CommonJS module re-exported by name.
import mod from '../validate.js'

export const { compile, validate, json, ValidationError } = mod
export default mod
