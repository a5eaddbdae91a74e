// Uses every export of rampart/monitor and rampart/audit the way a TypeScript user would.
import { metrics, logEvents, traceEvents, securityPage } from 'rampart/monitor'
import { audit, type AuditResult } from 'rampart/audit'

const stopLogging: () => void = logEvents(console, { ip: 'hash' })
// @ts-expect-error: 'mask' is not an ip mode
logEvents(console, { ip: 'mask' })
securityPage({ authorize: [(_q, _s, next) => next()] }).close()
void [metrics, traceEvents, stopLogging]
const result: Promise<AuditResult> = audit({ baseUrl: 'http://127.0.0.1:3000', budget: 50 })
void result
