import * as Type from '../../json-schema.js'
import { Timestamps } from '../shared-schemas.js'

export const UserLocale = Type.Union([Type.Literal('en'), Type.Literal('fr')], {
  description: 'Language of the emails the user receives',
})

export const UserPublic = Type.Object({
  id: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String(),
  is_admin: Type.Boolean(),
  locale: UserLocale,
  email_verified_at: Type.Union([Type.String(), Type.Null()], {
    description: 'When the user verified their email address; null until then',
  }),
  ...Timestamps,
})

const PRIVATE = 'Only to admins and the user themselves when emails are private (HBNB_PUBLIC_EMAILS)'

/** A user as others see them: the email address and its verification may be private. */
export const UserProfile = Type.Object({
  ...UserPublic.properties,
  email: Type.Optional(Type.String({ description: PRIVATE })),
  email_verified_at: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: `When the user verified their email address; null until then. ${PRIVATE}`,
    }),
  ),
})

export const UserCreated = Type.Object({
  id: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String(),
  is_admin: Type.Boolean(),
  message: Type.String(),
  ...Timestamps,
})

export const UserCreateBody = Type.Object({
  first_name: Type.String({ maxLength: 200 }),
  last_name: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 254 }),
  password: Type.String({ maxLength: 256 }),
  is_admin: Type.Optional(Type.Boolean({ description: 'Admins only' })),
  locale: Type.Optional(UserLocale),
})

export const UserUpdateBody = Type.Object({
  first_name: Type.Optional(Type.String({ maxLength: 200 })),
  last_name: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ maxLength: 254, description: 'Admins only' })),
  password: Type.Optional(Type.String({ maxLength: 256, description: 'Admins only' })),
  is_admin: Type.Optional(Type.Boolean({ description: 'Admins only' })),
  locale: Type.Optional(UserLocale),
})

export type UserCreateInput = Type.Static<typeof UserCreateBody>
export type UserUpdateInput = Type.Static<typeof UserUpdateBody>
export type UserView = Type.Static<typeof UserPublic>
export type UserProfileView = Type.Static<typeof UserProfile>
