// ESM entry for rampart/input: the CommonJS module re-exported by name.
import mod from '../input.js'

export const { mongoSanitize, hpp } = mod
export default mod
