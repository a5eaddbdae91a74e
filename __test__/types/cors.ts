// Uses every export of rampart/cors the way a TypeScript user would.
import corsDefault, { cors, type CorsOptions, type CorsMiddleware } from 'rampart/cors'

const options: CorsOptions = {
  origin: ['https://app.example.com', /^https:\/\/([a-z0-9-]+\.)?example\.org$/],
  methods: ['GET', 'POST'],
  allowedHeaders: 'Content-Type,Authorization',
  exposedHeaders: ['X-Request-Id'],
  credentials: true,
  maxAge: 600,
  preflightContinue: false,
  optionsSuccessStatus: 200,
}
const all: CorsMiddleware[] = [
  cors(options),
  corsDefault({ origin: '*' }),
  cors({ origin: (origin, cb) => cb(null, origin === 'https://a.example.com') }),
  cors({ origin: async (origin) => origin === 'https://a.example.com' }),
  cors((req, cb) => cb(null, { origin: req.headers.host === 'x' ? 'https://x.example.com' : false })),
]
export { all }
