// ESM entry for rampart/audit: the CommonJS module re-exported by name.
import mod from '../audit.js'

export const { audit, definitions, UsageError, ConnectionError } = mod
export default mod
