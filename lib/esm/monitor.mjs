// ESM entry for rampart/monitor: the CommonJS module re-exported by name.
import mod from '../monitor.js'

export const { metrics, logEvents, traceEvents, securityPage } = mod
export default mod
