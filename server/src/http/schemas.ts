import * as Type from '../json-schema.js'

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'What went wrong, for a person' }),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    request_id: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'Error' },
)

/**
 * Path ids are not length-checked here: the contract answers 404 for malformed ids, which the
 * lookup gives. The router bounds their length (Fastify's maxParamLength; longer is a 404 too).
 */
export const IdParams = Type.Object({ id: Type.String() })

export const MessageResponse = Type.Object({ message: Type.String() })

export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Page size (clamped to the configured maximum)' }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 64, description: 'Value from the `Link: rel="next"` header' }),
  ),
})

const errorRef = Type.Ref('Error')

/** The error responses a route can give, for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorRef]))
}

export const bearerAuth = [{ bearerAuth: [] }]
