// ESM entry for rampart/errors: the CommonJS module re-exported by name.
import mod from '../errors.js'

export const { errorHandler, notFound, HttpError, events } = mod
export default mod
