import * as Type from '../../json-schema.js'
import { PhotoCover } from '../photos/schemas.js'
import { PlaceCard } from '../places/schemas.js'
import { Timestamps } from '../shared-schemas.js'

export const Wishlist = Type.Object({
  id: Type.String(),
  name: Type.String(),
  place_count: Type.Integer(),
  cover_photo: Type.Union([PhotoCover, Type.Null()], {
    description: 'The cover photo of the most recently saved listing that has one',
  }),
  ...Timestamps,
})

export const WishlistDetail = Type.Object({ ...Wishlist.properties, places: Type.Array(PlaceCard) })

export const WishlistBody = Type.Object({ name: Type.String({ maxLength: 300 }) })

export const WishlistPlaceParams = Type.Object({ id: Type.String(), place_id: Type.String() })

export type WishlistView = Type.Static<typeof Wishlist>
export type WishlistDetailView = Type.Static<typeof WishlistDetail>
