// Compiled by `tsc --noEmit` in `npm test`: uses the package the way a TypeScript user would.
// Each subpath has its own file beside this one (jwt.ts, validate.ts, ...).
import * as rampart from 'rampart'

export const loaded: object = rampart

// The fast paths' status and option.
import { fastPathStatus, type FastPathsOption } from 'rampart'
const fastPathOff: FastPathsOption = { headerTable: false }
const status: 'active' | 'unavailable' | 'disabled by RAMPART_NO_HEADER_TABLE' = fastPathStatus().headerTable
void [fastPathOff, status]
