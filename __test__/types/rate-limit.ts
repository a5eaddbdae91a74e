// Type-checks rampart/rate-limit the way a TypeScript user writes it.
import rateLimitDefault, {
  rateLimit,
  MemoryStore,
  RedisStore,
  ipKeyGenerator,
  MINUTE,
  type RateLimitOptions,
  type RateLimitInfo,
  type RateLimitStore,
  type RateLimitValidationError,
} from 'rampart/rate-limit'
import type { Request, Response } from 'express'

const strict = rateLimit({
  windowMs: 15 * MINUTE,
  limit: 5,
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  identifier: 'login',
  keyGenerator: (req: Request) => ipKeyGenerator(req.ip ?? '', 56),
  handler: (_req: Request, res: Response, _next, options: RateLimitOptions) => {
    res.status(options.statusCode).json({ error: 'slow down' })
  },
  algorithm: 'gcra',
  store: new MemoryStore({ maxKeys: 100_000 }),
})
strict.resetKey('1.2.3.4')

const global = rateLimitDefault({
  limit: async (req) => (req.headers['x-plan'] === 'pro' ? 1000 : 100),
  skip: (req) => req.url === '/health',
  message: { error: 'too many requests' },
  passOnStoreError: true,
  validate: { trustProxy: false },
  store: new RedisStore({
    sendCommand: async (...args: string[]) => args.length,
    prefix: 'api:',
    timeout: 500,
  }),
})

// A cluster client, Redis's clock and a hot key split over shards.
const clustered = new RedisStore({ client: {} as never, clock: 'redis', shards: 4 })
void clustered

export function readInfo(req: Request & { rateLimit?: RateLimitInfo }): number {
  return req.rateLimit ? req.rateLimit.remaining : -1
}

const custom: RateLimitStore = {
  increment: async () => ({ totalHits: 1, resetTime: new Date() }),
  decrement: async () => {},
  resetKey: async () => {},
}
const err: RateLimitValidationError | undefined = undefined

export const used = [strict, global, custom, err]
