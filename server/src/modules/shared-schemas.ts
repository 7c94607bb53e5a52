// Schema pieces shared by the modules' schemas (route-only pieces are in http/schemas.ts).
import * as Type from '../json-schema.js'

export const Timestamps = {
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
}
