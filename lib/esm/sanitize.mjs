// ESM entry for rampart/sanitize: the CommonJS module re-exported by name.
import mod from '../sanitize.js'

export const { sanitizeHtml, createSanitizer, escapeHtml, sanitize, simpleTransform, SanitizeOptionsError } =
  mod
export default mod
