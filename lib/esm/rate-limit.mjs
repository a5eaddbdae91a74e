// ESM entry for rampart/rate-limit: the CommonJS module re-exported by name.
import mod from '../rate-limit.js'

export const { rateLimit, MemoryStore, RedisStore, ipKeyGenerator, SECOND, MINUTE, HOUR, DAY } = mod
export default mod
