// Compiled by `tsc --noEmit` in `npm test`: uses the package the way a TypeScript user would.
// Each subpath has its own file beside this one (jwt.ts, validate.ts, ...).
import * as rampart from 'rampart'

export const loaded: object = rampart
