import * as Type from '../../json-schema.js'
import { Timestamps } from '../shared-schemas.js'

export const Amenity = Type.Object({ id: Type.String(), name: Type.String(), ...Timestamps })

export const AmenityUpdated = Type.Object({
  message: Type.String(),
  id: Type.String(),
  name: Type.String(),
  ...Timestamps,
})

export const AmenityBody = Type.Object({ name: Type.String({ maxLength: 200 }) })

export type AmenityView = Type.Static<typeof Amenity>
