// Types for `rampart`: every subpath's exports, plus fortify().
export * from './types/jwt'
export * from './types/validate'
export * from './types/sanitize'
export * from './types/rate-limit'
export * from './types/headers'
export * from './types/cors'
export * from './types/errors'
export * from './types/fortify'
