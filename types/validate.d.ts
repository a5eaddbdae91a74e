// Types for rampart/validate: compile (ajv-style compiled validators), validate (request
// validation middleware), json (a safe express.json()) and ValidationError.
import type { IncomingMessage, ServerResponse } from 'node:http'

/** A JSON Schema (draft 2020-12 by default, draft-07 with `$schema` or `draft: '07'`). */
export type JsonSchema = boolean | { [keyword: string]: unknown }

/** One failure, in ajv 8's shape. */
export interface ValidationErrorObject {
  /** JSON Pointer to the failing value, `''` for the root (`/items/0/sku`). */
  instancePath: string
  /** JSON Pointer fragment of the failing keyword (`#/properties/sku/pattern`). */
  schemaPath: string
  /** The keyword that failed (`type`, `required`, `pattern`, `format`, ...). */
  keyword: string
  /** Keyword details with ajv's names (`{ missingProperty }`, `{ limit }`, `{ format }`, ...). */
  params: Record<string, unknown>
  /** ajv's message (`must have required property 'email'`). */
  message: string
}

export interface CompileOptions {
  /** Report every failure instead of the first (ajv's `allErrors`). Default false. */
  allErrors?: boolean
  /**
   * Coerce values to the schema's `type` as ajv does: strings to numbers/booleans/null and
   * back; `'array'` also wraps scalars into arrays and unwraps one-item arrays. Mutates the data.
   */
  coerceTypes?: boolean | 'array'
  /**
   * Delete additional properties as ajv does: `true` where `additionalProperties: false`;
   * `'all'` every key not named by `properties` / `patternProperties` in any object schema
   * that has `properties` or `additionalProperties` (the mass-assignment guard); `'failing'`
   * those failing the `additionalProperties` schema.
   */
  removeAdditional?: boolean | 'all' | 'failing'
  /** Fill in `default`s of missing properties (and draft-07 tuple items). Mutates the data. */
  useDefaults?: boolean
  /** Assert `format` (default true, like ajv with ajv-formats). False makes it an annotation. */
  validateFormats?: boolean
  /**
   * The app's own schemas, for `$ref` by URI: an array of schemas with `$id`, or an object of
   * schemas keyed by URI. Nothing else is ever fetched.
   */
  schemas?: JsonSchema[] | Record<string, JsonSchema>
  /** Draft of a schema that has no `$schema`: `'2020-12'` (default) or `'07'`. */
  draft?: '2020-12' | '2019-09' | '07' | 'draft-07' | 'draft7' | '7'
  /** Accepted for ajv compatibility; has no effect. */
  strict?: boolean | 'log'
}

/** A compiled schema: `true` when `data` is valid; `.errors` says why not. */
export interface ValidateFunction<T = unknown> {
  (data: unknown): data is T
  /** `null` after a success, the failures after a failure. */
  errors: ValidationErrorObject[] | null
  /** The schema this was compiled from. */
  schema: JsonSchema
}

/**
 * Compiles a schema once into a reusable validator (ajv's `ajv.compile`). Throws at start-up
 * on an invalid schema, an unknown option, or a `$ref` that is not local or in `schemas`.
 */
export function compile<T = unknown>(schema: JsonSchema, options?: CompileOptions): ValidateFunction<T>

/** One failure of a request, as `ValidationError.details` lists it. */
export interface ValidationDetail {
  /** Where it failed: `'body'`, `'query'`, `'params'` or `'headers'`. */
  location: 'body' | 'query' | 'params' | 'headers' | string
  /** JSON Pointer inside that location (`/email`), `''` for the whole value. */
  path: string
  /** ajv's message. */
  message: string
  /** The keyword that failed. */
  keyword: string
}

/** A request or body that does not match its schema: status 400, every failure in `details`. */
export class ValidationError extends Error {
  constructor(details?: ValidationDetail[], message?: string)
  name: 'ValidationError'
  status: 400
  statusCode: 400
  expose: true
  type: 'validation.failed'
  details: ValidationDetail[]
}

/** Schemas per request location. Header names are lower-case, as Node gives them. */
export interface RequestSchemas {
  body?: JsonSchema
  query?: JsonSchema
  params?: JsonSchema
  headers?: JsonSchema
}

/**
 * compile()'s options, applied to every location; `allErrors` is always on. Query, params
 * and headers are coerced from strings (`coerceTypes: 'array'`) unless `coerceTypes` is given.
 */
export type ValidateOptions = Omit<CompileOptions, 'allErrors'>

/** Middleware that runs on node:http requests (Express 4/5, Connect, plain http). */
export type RequestHandler = (
  req: IncomingMessage & { body?: unknown; query?: unknown; params?: unknown },
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void

/**
 * Request validation middleware (like celebrate). On failure calls `next(ValidationError)`;
 * on success the coerced, cleaned and defaulted values replace `req.query`, `req.params` and
 * `req.body`.
 */
export function validate(schemas: RequestSchemas, options?: ValidateOptions): RequestHandler

export interface JsonOptions extends Omit<CompileOptions, 'allErrors' | 'draft' | 'strict'> {
  /** Largest body accepted, in bytes or as `'100kb'`/`'1mb'` (default `'100kb'`): else 413. */
  limit?: number | string
  /** Content types parsed (default `'application/json'`): a type, `'+json'`, a list, or a predicate. */
  type?: string | string[] | ((req: IncomingMessage) => boolean)
  /** Only objects and arrays at the top level (default true). */
  strict?: boolean
  /** Deepest nesting of objects and arrays (default 64): deeper is 400. */
  depth?: number
  /** `__proto__` and `constructor.prototype` keys: `'error'` (default, 400), `'remove'` or `'ignore'`. */
  protoAction?: 'error' | 'remove' | 'ignore'
  /**
   * A schema checked on the raw bytes in Rust before JSON.parse builds the object; a failure is
   * a ValidationError. It judges the value JSON.parse builds: a repeated key by its last value,
   * integers beyond 2^53 as doubles, and under `protoAction: 'remove'` the object left after
   * removal. With a schema, other content types get 415.
   */
  schema?: JsonSchema
  /** 415 for a body whose content type does not match `type` (default false). */
  strictType?: boolean
  /** Inflate gzip, deflate and br bodies (default true); false makes them 415. */
  inflate?: boolean
  /** Passed to JSON.parse. */
  reviver?: (this: unknown, key: string, value: unknown) => unknown
  /** Called with the raw body before parsing; throw to reject it with 403. */
  verify?: (req: IncomingMessage, res: ServerResponse, buf: Buffer, encoding: string) => void
}

/** The errors json() passes to `next`, as body-parser's. */
export interface BodyParserError extends Error {
  status: number
  statusCode: number
  expose: boolean
  /** `'entity.parse.failed'` (400), `'entity.too.large'` (413), `'charset.unsupported'`, ... */
  type: string
  /** The raw body, for parse failures. */
  body?: string
  limit?: number
  length?: number
}

/** A body parser that replaces `express.json()`. */
export function json(options?: JsonOptions): RequestHandler
