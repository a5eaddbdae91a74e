// Uses every export of rampart/input and rampart/csrf the way a TypeScript user would.
import { mongoSanitize, hpp } from 'rampart/input'
import { fetchMetadata, doubleCsrf } from 'rampart/csrf'

const clean = mongoSanitize({ replaceWith: '_', allowDots: false, onSanitize: ({ key }) => void key })
const dirty: boolean = mongoSanitize.has({ $ne: 1 }, false)
const sanitized = mongoSanitize.sanitize({ a: { $gt: 1 } }, { replaceWith: '_' })
const pollution = hpp({ whitelist: ['tags'], checkBody: true, checkBodyOnlyForContentType: 'urlencoded' })
const guard = fetchMetadata({ allowedOrigins: ['https://app.example'] })
const csrf = doubleCsrf({
  getSecret: () => 'a-secret-of-enough-length-for-hmac',
  getSessionIdentifier: () => 'session',
})
void [clean, dirty, sanitized, pollution, guard, csrf.doubleCsrfProtection, csrf.generateCsrfToken]
