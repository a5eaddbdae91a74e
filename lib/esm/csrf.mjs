// ESM entry for rampart/csrf: the CommonJS module re-exported by name.
import mod from '../csrf.js'

export const { fetchMetadata, doubleCsrf } = mod
export default mod
