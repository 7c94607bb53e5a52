// Pictures for the demo listings, drawn here (no network, no image files in the repository): a
// dozen scenes rendered once, their variants stored like any photo's, shared by the listings
// (variants are named by their content). Their alt text says they are drawings.
import type { Database } from '../db/database.js'
import type { PhotoRow } from '../db/schema.js'
import { uuidv7 } from '../ids.js'
import type { ObjectStorage } from '../infra/storage/port.js'
import { makeVariants, mimeOf, placeholderOf, variantKey } from '../modules/photos/images.js'
import { IMMUTABLE, type PhotoVariant } from '../modules/photos/service.js'
import { DEMO_PEOPLE } from './demo-data.js'

const WIDTH = 1200
const HEIGHT = 800
const PHOTOS_PER_PLACE = 3

interface Scene {
  alt: string
  svg: (hue: number) => string
}

const sky = (hue: number, light: number) =>
  `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% ${light}%)"/><stop offset="1" stop-color="hsl(${(hue + 30) % 360} 80% ${light + 20}%)"/></linearGradient></defs><rect width="1200" height="800" fill="url(#sky)"/>`

const SCENES: Scene[] = [
  {
    alt: 'Drawing: the sea at sunset seen from a terrace',
    svg: (hue) =>
      `${sky(20 + hue / 12, 55)}<circle cx="820" cy="430" r="110" fill="hsl(40 95% 70%)"/><rect y="470" width="1200" height="330" fill="hsl(${200 + hue / 20} 60% 35%)"/><path d="M0 470 H1200 V500 H0 Z" fill="hsl(30 80% 70%)" opacity=".5"/><rect y="690" width="1200" height="110" fill="hsl(25 30% 30%)"/><path d="M100 690 V600 M100 600 H420 M420 600 V690" stroke="hsl(0 0% 95%)" stroke-width="10" fill="none"/>`,
  },
  {
    alt: 'Drawing: green hills with a small white house',
    svg: (hue) =>
      `${sky(190, 65)}<path d="M0 560 Q300 380 600 520 T1200 470 V800 H0 Z" fill="hsl(${100 + hue / 10} 45% 45%)"/><path d="M0 650 Q400 520 800 640 T1200 600 V800 H0 Z" fill="hsl(${110 + hue / 10} 50% 35%)"/><rect x="700" y="470" width="160" height="110" fill="hsl(0 0% 96%)"/><path d="M685 475 L780 400 L875 475 Z" fill="hsl(10 60% 45%)"/><rect x="765" y="520" width="30" height="60" fill="hsl(20 40% 30%)"/>`,
  },
  {
    alt: 'Drawing: a bright bedroom with a window onto trees',
    svg: (hue) =>
      `<rect width="1200" height="800" fill="hsl(${30 + hue / 20} 40% 88%)"/><rect y="600" width="1200" height="200" fill="hsl(30 35% 55%)"/><rect x="720" y="140" width="340" height="300" fill="hsl(190 70% 75%)"/><circle cx="860" cy="360" r="90" fill="hsl(120 40% 45%)"/><rect x="720" y="140" width="340" height="300" fill="none" stroke="hsl(0 0% 100%)" stroke-width="16"/><rect x="140" y="470" width="480" height="160" rx="20" fill="hsl(${hue} 35% 60%)"/><rect x="140" y="430" width="480" height="70" rx="20" fill="hsl(0 0% 97%)"/><rect x="120" y="360" width="30" height="270" fill="hsl(30 35% 40%)"/>`,
  },
  {
    alt: 'Drawing: rooftops of an old town at dusk',
    svg: (hue) =>
      `${sky(260 + hue / 15, 35)}${[0, 1, 2, 3, 4, 5]
        .map(
          (i) =>
            `<rect x="${i * 200}" y="${420 + ((i * 53) % 120)}" width="190" height="400" fill="hsl(${20 + i * 8} 45% ${35 + (i % 3) * 8}%)"/><path d="M${i * 200 - 10} ${425 + ((i * 53) % 120)} L${i * 200 + 95} ${350 + ((i * 53) % 120)} L${i * 200 + 200} ${425 + ((i * 53) % 120)} Z" fill="hsl(8 55% 38%)"/><rect x="${i * 200 + 70}" y="${520 + ((i * 53) % 120)}" width="40" height="50" fill="hsl(45 90% 70%)"/>`,
        )
        .join('')}`,
  },
  {
    alt: 'Drawing: a living room with a sofa and plants',
    svg: (hue) =>
      `<rect width="1200" height="800" fill="hsl(${160 + hue / 20} 25% 85%)"/><rect y="620" width="1200" height="180" fill="hsl(35 40% 60%)"/><rect x="260" y="430" width="640" height="200" rx="30" fill="hsl(${hue} 40% 45%)"/><rect x="300" y="380" width="560" height="110" rx="25" fill="hsl(${hue} 40% 52%)"/><rect x="980" y="470" width="90" height="150" fill="hsl(20 40% 40%)"/><circle cx="1025" cy="420" r="80" fill="hsl(130 40% 40%)"/><rect x="420" y="150" width="320" height="180" fill="hsl(45 70% 70%)" stroke="hsl(30 30% 35%)" stroke-width="12"/>`,
  },
  {
    alt: 'Drawing: a garden with a lemon tree and a table',
    svg: (hue) =>
      `${sky(200, 70)}<rect y="520" width="1200" height="280" fill="hsl(${95 + hue / 15} 45% 50%)"/><rect x="280" y="300" width="40" height="260" fill="hsl(30 40% 30%)"/><circle cx="300" cy="280" r="150" fill="hsl(110 45% 35%)"/>${[
        0, 1, 2, 3, 4,
      ]
        .map((i) => `<circle cx="${230 + i * 35}" cy="${240 + (i % 2) * 60}" r="14" fill="hsl(52 95% 60%)"/>`)
        .join(
          '',
        )}<rect x="640" y="560" width="360" height="24" fill="hsl(0 0% 96%)"/><rect x="670" y="584" width="16" height="110" fill="hsl(0 0% 90%)"/><rect x="954" y="584" width="16" height="110" fill="hsl(0 0% 90%)"/>`,
  },
  {
    alt: 'Drawing: snowy mountains above a lake',
    svg: (hue) =>
      `${sky(210, 60)}<path d="M0 520 L260 220 L420 400 L620 160 L860 430 L1000 300 L1200 520 Z" fill="hsl(220 20% 45%)"/><path d="M200 290 L260 220 L320 290 Z M560 230 L620 160 L680 230 Z M950 350 L1000 300 L1050 350 Z" fill="hsl(0 0% 98%)"/><rect y="520" width="1200" height="280" fill="hsl(${200 + hue / 25} 55% 40%)"/><path d="M0 560 H1200" stroke="hsl(0 0% 100%)" stroke-width="4" opacity=".4"/>`,
  },
  {
    alt: 'Drawing: a kitchen with a wooden table',
    svg: (hue) =>
      `<rect width="1200" height="800" fill="hsl(${40 + hue / 25} 45% 90%)"/><rect y="330" width="1200" height="30" fill="hsl(0 0% 80%)"/><rect y="360" width="1200" height="200" fill="hsl(${hue} 30% 55%)"/>${[
        0, 1, 2, 3, 4, 5,
      ]
        .map(
          (i) =>
            `<rect x="${40 + i * 195}" y="380" width="170" height="160" rx="8" fill="hsl(${hue} 30% 62%)"/>`,
        )
        .join(
          '',
        )}<rect y="560" width="1200" height="240" fill="hsl(30 30% 75%)"/><rect x="380" y="600" width="440" height="30" fill="hsl(28 50% 40%)"/><rect x="410" y="630" width="24" height="140" fill="hsl(28 50% 35%)"/><rect x="766" y="630" width="24" height="140" fill="hsl(28 50% 35%)"/>`,
  },
]

interface RenderedScene {
  alt: string
  variants: string
  placeholder: string
}

/**
 * Renders the scenes, stores their variants, and gives each listing of the demo hosts that has no
 * photo three of them (never a real host's listing). Returns how many photos it added.
 */
export async function seedDemoPhotos(database: Database, storage: ObjectStorage): Promise<number> {
  const db = database.write
  const demoHosts = DEMO_PEOPLE.hosts.map((_, i) => `host${i + 1}@hbnb.io`)
  const places = await db
    .selectFrom('places')
    .innerJoin('users', 'users.id', 'places.owner_id')
    .select(['places.id', 'places.owner_id'])
    .where('users.email_key', 'in', demoHosts)
    .where('places.deleted_at', 'is', null)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('photos').select('id').whereRef('photos.place_id', '=', 'places.id'))),
    )
    .orderBy('places.id')
    .execute()
  if (places.length === 0) return 0
  const { default: sharp } = await import('sharp')
  const rendered: RenderedScene[] = []
  for (const [index, scene] of SCENES.entries()) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">${scene.svg(index * 45)}</svg>`
    const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer()
    const variants = await makeVariants(jpeg, WIDTH * HEIGHT)
    const stored: PhotoVariant[] = []
    for (const variant of variants) {
      const key = variantKey(variant)
      await storage.put(key, variant.bytes, { contentType: mimeOf(variant.format), cacheControl: IMMUTABLE })
      stored.push({ format: variant.format, width: variant.width, height: variant.height, key })
    }
    rendered.push({
      alt: scene.alt,
      variants: JSON.stringify(stored),
      placeholder: await placeholderOf(variants[0]!),
    })
  }
  const now = new Date().toISOString()
  const rows: PhotoRow[] = places.flatMap((place, p) =>
    Array.from({ length: PHOTOS_PER_PLACE }, (_, position) => {
      const scene = rendered[(p * PHOTOS_PER_PLACE + position * 5) % rendered.length]!
      return {
        id: uuidv7(),
        owner_id: place.owner_id,
        place_id: place.id,
        status: 'ready' as const,
        position,
        caption: null,
        alt_text: scene.alt,
        original_key: null,
        width: WIDTH,
        height: HEIGHT,
        variants: scene.variants,
        placeholder: scene.placeholder,
        error: null,
        created_at: now,
        updated_at: now,
      }
    }),
  )
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('photos')
      .values(rows.slice(i, i + 200))
      .execute()
  return rows.length
}
