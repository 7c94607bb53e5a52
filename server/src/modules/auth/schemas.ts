import Type from 'typebox'
import { UserPublic } from '../users/schemas.js'

export const LoginBody = Type.Object({
  email: Type.String({ maxLength: 254 }),
  password: Type.String({ maxLength: 256 }),
})

export const RefreshBody = Type.Object({ refresh_token: Type.String({ maxLength: 128 }) })

export const SessionResponse = Type.Object({
  access_token: Type.String({ description: 'HS256 JWT; `sub` is the user id' }),
  refresh_token: Type.String({ description: 'Opaque; single use: each refresh returns a new one' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
  user: UserPublic,
})

export const ProtectedResponse = Type.Object({ message: Type.String(), is_admin: Type.Boolean() })
