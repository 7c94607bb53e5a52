import * as Type from '../../json-schema.js'

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const Size = Type.Union([Type.Integer(), Type.Null()])

export const Photo = Type.Object(
  {
    id: Type.String(),
    place_id: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')], {
      description: '`processing` until its variants exist; `failed` with `error` saying why',
    }),
    position: Type.Integer({ description: 'Order in the listing: 0 is the cover' }),
    caption: Nullable(Type.String()),
    alt_text: Type.String({ description: 'Text alternative for people who cannot see the photo' }),
    width: Size,
    height: Size,
    placeholder: Nullable(
      Type.String({ description: 'A tiny blurred image (data URI) to show while loading' }),
    ),
    src: Nullable(Type.String({ description: 'The largest JPEG variant' })),
    srcset: Type.Object(
      {
        avif: Type.Optional(Type.String()),
        webp: Type.Optional(Type.String()),
        jpeg: Type.Optional(Type.String()),
      },
      { description: '`srcset` values per format (`<url> <width>w, ...`), for `<picture>` sources' },
    ),
    error: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Photo' },
)

export const PhotoCover = Type.Object(
  {
    id: Type.String(),
    alt_text: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    placeholder: Type.Union([Type.String(), Type.Null()]),
    src: Type.String(),
    srcset: Photo.properties.srcset,
  },
  { description: "A listing's cover photo (its first ready photo)" },
)

/** Where a listing is shown as a card: its cover photo, or null while it has none. */
export const CoverPhoto = Type.Union([PhotoCover, Type.Null()])

export const PhotoParams = Type.Object({ id: Type.String(), photo_id: Type.String() })

export const PhotoUpdate = Type.Object(
  {
    caption: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    alt_text: Type.Optional(Type.String()),
    position: Type.Optional(
      Type.Integer({ minimum: 0, description: 'New place in the order: 0 makes it the cover' }),
    ),
  },
  { additionalProperties: false },
)

export const MediaParams = Type.Object({ '*': Type.String() })

export const DirectUploadBody = Type.Object(
  {
    content_type: Type.String({ description: 'image/jpeg, image/png, image/webp, image/avif or image/heic' }),
    size: Type.Integer({ minimum: 1, description: 'The exact size of the file in bytes' }),
  },
  { additionalProperties: false },
)

export const DirectUpload = Type.Object({
  upload_id: Type.String(),
  url: Type.String({ description: 'Send the file here, with `method` and exactly these `headers`' }),
  method: Type.Literal('PUT'),
  headers: Type.Record(Type.String(), Type.String()),
  expires_at: Type.String(),
})

export const UploadParams = Type.Object({ id: Type.String(), upload_id: Type.String() })

export const CompleteUploadBody = Type.Object(
  {
    alt_text: Type.Optional(Type.String()),
    caption: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
