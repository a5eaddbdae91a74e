// Type-checks rampart/validate the way a TypeScript app uses it.
import { compile, validate, json, ValidationError } from 'rampart/validate'
import type { ValidateFunction, ValidationErrorObject, ValidationDetail, JsonOptions } from 'rampart/validate'

interface User {
  email: string
}

const isUser: ValidateFunction<User> = compile<User>(
  { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
  { allErrors: true, coerceTypes: 'array', removeAdditional: 'failing', useDefaults: true, schemas: [] },
)
const data: unknown = JSON.parse('{"email":"a@example.com"}')
if (isUser(data)) {
  const email: string = data.email
  void email
} else {
  const errors: ValidationErrorObject[] | null = isUser.errors
  void errors
}

export const check = validate(
  { body: { type: 'object' }, query: { properties: { n: { type: 'integer' } } } },
  { useDefaults: true },
)

const options: JsonOptions = {
  limit: '1mb',
  type: ['application/json', '+json'],
  strict: true,
  depth: 32,
  protoAction: 'remove',
  schema: { type: 'object' },
  strictType: true,
  inflate: true,
  reviver: (_key, value) => value,
  verify: (_req, _res, buf) => {
    if (buf.length === 0) throw new Error('empty')
  },
}
export const parser = json(options)

const details: ValidationDetail[] = [
  { location: 'body', path: '/a', message: 'must be string', keyword: 'type' },
]
const err = new ValidationError(details)
export const status: 400 = err.status
