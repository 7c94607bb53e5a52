// What an uploaded image is (by its bytes, never its name or declared type), and the variants made
// from it: orientation applied, every metadata block (EXIF with GPS, XMP, IPTC) dropped.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import type { Sharp } from 'sharp'

export type ImageType = 'jpeg' | 'png' | 'webp' | 'avif' | 'heif'

export type VariantFormat = 'avif' | 'webp' | 'jpeg'

export interface VariantImage {
  format: VariantFormat
  width: number
  height: number
  bytes: Buffer
}

export class ImageProblem extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

const MIME: Record<VariantFormat, string> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' }
export const mimeOf = (format: VariantFormat) => MIME[format]

/** The image type its first bytes say, or undefined for anything else (a script named `.jpg`, an SVG...). */
export function sniffImageType(head: Buffer): ImageType | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp'
  if (head.toString('latin1', 4, 8) === 'ftyp') {
    const brand = head.toString('latin1', 8, 12)
    if (brand === 'avif' || brand === 'avis') return 'avif'
    if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'heif'
  }
  return undefined
}

/**
 * sharp (libvips, about 23 MB of memory) is loaded by the first photo, not at start-up. Its cache of
 * operations is off: every photo is decoded once, and the cache would keep tens of MB of pixels.
 */
let sharpLoading: Promise<typeof import('sharp').default> | undefined

function sharp() {
  sharpLoading ??= import('sharp').then(({ default: library }) => {
    library.cache(false)
    return library
  })
  return sharpLoading
}

/** Whether the file ends the way a whole image of its type ends (a cut-off upload does not). */
async function endsWhole(path: string, type: ImageType, size: number): Promise<boolean> {
  if (type !== 'jpeg' && type !== 'png') return true
  const file = await open(path, 'r')
  try {
    const tail = Buffer.alloc(Math.min(size, 16))
    await file.read(tail, 0, tail.length, size - tail.length)
    // JPEG: the end-of-image marker (some cameras pad after it); PNG: the IEND chunk and its CRC.
    if (type === 'jpeg') return tail.includes(Buffer.from([0xff, 0xd9]))
    return tail.subarray(-8, -4).toString('latin1') === 'IEND'
  } finally {
    await file.close()
  }
}

export interface InspectedImage {
  type: ImageType
  width: number
  height: number
}

/**
 * Checks an uploaded file (already limited in bytes) without decoding it: its type by its bytes,
 * its pixel count from its header (a small file announcing 20,000 x 20,000 is refused before any
 * decoding), and that it is whole.
 */
export async function inspectImage(path: string, size: number, maxPixels: number): Promise<InspectedImage> {
  const file = await open(path, 'r')
  const head = Buffer.alloc(16)
  try {
    await file.read(head, 0, 16, 0)
  } finally {
    await file.close()
  }
  const type = sniffImageType(head)
  if (!type) {
    throw new ImageProblem('not a photo: upload a JPEG, PNG, WebP, AVIF or HEIC image', 'unsupported_image')
  }
  let width: number | undefined
  let height: number | undefined
  try {
    const metadata = await (await sharp())(path, { limitInputPixels: false }).metadata()
    width = metadata.width
    height = metadata.height
  } catch {
    throw new ImageProblem('the image cannot be read: it is damaged or incomplete', 'damaged_image')
  }
  if (!width || !height) throw new ImageProblem('the image has no size: it is damaged', 'damaged_image')
  if (width * height > maxPixels) {
    throw new ImageProblem(
      `the image is ${width} x ${height} pixels: at most ${Math.round(maxPixels / 1e6)} megapixels are accepted`,
      'image_too_large',
    )
  }
  if (!(await endsWhole(path, type, size))) {
    throw new ImageProblem('the image is incomplete (cut off): upload it again', 'damaged_image')
  }
  return { type, width, height }
}

/** Widths made of every photo (never wider than the photo itself). */
export const VARIANT_WIDTHS = [320, 640, 1024, 1600] as const
/**
 * Encoder efforts chosen for CPU (a 1,600-pixel variant of a photo, one core): AVIF effort 0 takes
 * 0.18 s for 118 kB where effort 1 takes 0.65 s for 109 kB; mozjpeg 0.16 s for 235 kB against
 * 0.04 s for 271 kB progressive. Browsers that read AVIF (nearly all) get the smallest anyway.
 */
const ENCODERS: Record<VariantFormat, (image: Sharp) => Sharp> = {
  avif: (image) => image.avif({ quality: 50, effort: 0 }),
  webp: (image) => image.webp({ quality: 75, effort: 2 }),
  jpeg: (image) => image.jpeg({ quality: 78, progressive: true, optimiseCoding: true }),
}

/**
 * The photo turned upright at each width in each format. It is decoded once, at the largest width
 * (a JPEG decodes straight to a fraction of its size), into raw pixels that the smaller widths are
 * made from: memory holds that one width's pixels, never the full-size photo decoded. sharp writes
 * no metadata unless asked: no EXIF (GPS position included) survives. A damaged image fails here.
 */
export async function makeVariants(original: Buffer, maxPixels: number): Promise<VariantImage[]> {
  const sharpOf = await sharp()
  const input = { limitInputPixels: maxPixels, failOn: 'truncated' } as const
  const metadata = await sharpOf(original, input).metadata()
  // EXIF orientations 5 to 8 turn the photo a quarter: its upright width is its stored height.
  const uprightWidth = (metadata.orientation ?? 1) >= 5 ? metadata.height : metadata.width
  const largest = Math.min(uprightWidth, VARIANT_WIDTHS.at(-1)!)
  const widths = [largest, ...VARIANT_WIDTHS.filter((width) => width < largest).reverse()]
  const decoded = await sharpOf(original, input)
    .rotate()
    .resize({ width: largest })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const rawOf = (info: { width: number; height: number; channels: number }) => ({
    raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 },
  })
  const variants: VariantImage[] = []
  for (const width of widths) {
    const { data, info } =
      width === largest
        ? decoded
        : await sharpOf(decoded.data, rawOf(decoded.info))
            .resize({ width })
            .raw()
            .toBuffer({ resolveWithObject: true })
    for (const format of Object.keys(ENCODERS) as VariantFormat[]) {
      const bytes = await ENCODERS[format](sharpOf(data, rawOf(info))).toBuffer()
      variants.push({ format, width: info.width, height: info.height, bytes })
    }
  }
  return variants.sort((a, b) => a.width - b.width)
}

/** A 24-pixel-wide blurred WebP as a data URI: shown, stretched, while the photo loads. */
export async function placeholderOf(variant: VariantImage): Promise<string> {
  const bytes = await (await sharp())(variant.bytes)
    .resize({ width: 24 })
    .blur(1.5)
    .webp({ quality: 40 })
    .toBuffer()
  return `data:image/webp;base64,${bytes.toString('base64')}`
}

/** A content-addressed object key: the same bytes always get the same name. */
export function variantKey(variant: VariantImage): string {
  const digest = createHash('sha256').update(variant.bytes).digest('hex').slice(0, 32)
  return `media/${digest}-${variant.width}.${variant.format === 'jpeg' ? 'jpg' : variant.format}`
}
