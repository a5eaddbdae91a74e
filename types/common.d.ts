import type { IncomingMessage, ServerResponse } from 'node:http'

/** The request as rampart's middleware sees it: node:http's, plus what Express adds when present. */
export interface Request extends IncomingMessage {
  [key: string]: any
}

/** node:http's response (Express's `res` is one). */
export type Response = ServerResponse

export type NextFunction = (err?: unknown) => void

/** A middleware that runs under Express 4, Express 5, Connect and plain node:http. */
export type Middleware = (req: any, res: any, next: NextFunction) => void

/**
 * The fast paths that lean on node/V8 internals (docs/fast-paths.md): `true` (default) uses
 * each where this process has it, `false` neither, or name the ones to turn off.
 */
export type FastPathsOption = boolean | { headerTable?: boolean; dictionaryMode?: boolean }
