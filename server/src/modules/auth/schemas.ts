import * as Type from '../../json-schema.js'
import { UserPublic } from '../users/schemas.js'

export const LoginBody = Type.Object({
  email: Type.String({ maxLength: 254 }),
  password: Type.String({ maxLength: 256 }),
})

export const RefreshBody = Type.Object({
  refresh_token: Type.Optional(
    Type.String({
      maxLength: 128,
      description:
        'Required unless the session cookie is sent instead, with the header `X-HBNB-Session: cookie`',
    }),
  ),
})

export const SessionResponse = Type.Object({
  access_token: Type.String({ description: 'HS256 JWT; `sub` is the user id' }),
  refresh_token: Type.Optional(
    Type.String({
      description:
        'Opaque; single use: each refresh returns a new one. Absent when the request had the header `X-HBNB-Session: cookie`: the refresh token is then an HttpOnly cookie',
    }),
  ),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
  user: UserPublic,
})

export const ProtectedResponse = Type.Object({ message: Type.String(), is_admin: Type.Boolean() })
