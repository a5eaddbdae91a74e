// Types for `rampart`: every subpath's exports, plus fortify().
export * from './types/jwt'
export * from './types/validate'
export * from './types/sanitize'
export * from './types/rate-limit'
export * from './types/headers'
export * from './types/cors'
export * from './types/errors'
export * from './types/input'
export * from './types/csrf'
export * from './types/monitor'
export * from './types/fortify'

export type { FastPathsOption } from './types/common'
type FastPathState<Var extends string> = 'active' | 'unavailable' | `disabled by ${Var}`
/** Whether this process uses each fast path that leans on node/V8 internals. */
export function fastPathStatus(): {
  headerTable: FastPathState<'RAMPART_NO_HEADER_TABLE'>
  dictionaryMode: FastPathState<'RAMPART_NO_DICTIONARY_MODE'>
}
