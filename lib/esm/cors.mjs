// ESM entry for rampart/cors: the CommonJS module re-exported by name.
import mod from '../cors.js'

export const { cors } = mod
export default mod
