// What search engines and link previews read before the web client runs: each listing's and
// search's title, description, canonical URL, Open Graph tags and (for a listing) schema.org
// LodgingBusiness JSON-LD, written into the built index.html shell. The client then takes over.

export interface ListingMeta {
  id: string
  title: string
  description: string
  price: number
  currency: string
  address: string
  city: string
  country: string
  latitude: number
  longitude: number
  rating_avg: number
  rating_count: number
  /** Absolute URL of the cover photo, if the listing has one. */
  image?: string
}

const DESCRIPTION_MAX = 160

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON safe inside a <script> element: no `</script>` or comment opener can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= DESCRIPTION_MAX ? flat : `${flat.slice(0, DESCRIPTION_MAX - 1).trimEnd()}…`
}

/** What a page's HTML asks the browser to fetch at once, before the client's code asks for it. */
export interface Preloads {
  /** The page's largest picture, fetched with the HTML rather than after the client's code and data. */
  preloadImage?: { srcset: string; sizes: string; type: string }
  /** API reads (same-origin paths) the page makes first, fetched with the HTML rather than after the code. */
  preloadData?: string[]
}

interface Head extends Preloads {
  title: string
  description: string
  canonical: string
  image?: string
  jsonLd?: unknown
}

function preloadTags(preloads: Preloads): string[] {
  const image = preloads.preloadImage
  return [
    ...(image
      ? [
          `<link rel="preload" as="image" fetchpriority="high" type="${escapeHtml(image.type)}" ` +
            `imagesrcset="${escapeHtml(image.srcset)}" imagesizes="${escapeHtml(image.sizes)}" />`,
        ]
      : []),
    ...(preloads.preloadData ?? []).map(
      (href) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${escapeHtml(href)}" />`,
    ),
  ]
}

/** The shell asking for the page's first files and data at once. */
export function withPreloads(shell: string, preloads: Preloads): string {
  const tags = preloadTags(preloads)
  return tags.length ? shell.replace('</head>', `${tags.join('\n    ')}\n  </head>`) : shell
}

/** The shell with the page's own head: its title and description replaced, the rest added. */
export function withHead(shell: string, head: Head): string {
  const tags = [
    `<link rel="canonical" href="${escapeHtml(head.canonical)}" />`,
    `<meta property="og:type" content="website" />`,
    `<meta property="og:site_name" content="HBNB" />`,
    `<meta property="og:title" content="${escapeHtml(head.title)}" />`,
    `<meta property="og:description" content="${escapeHtml(head.description)}" />`,
    `<meta property="og:url" content="${escapeHtml(head.canonical)}" />`,
    ...(head.image ? [`<meta property="og:image" content="${escapeHtml(head.image)}" />`] : []),
    `<meta name="twitter:card" content="${head.image ? 'summary_large_image' : 'summary'}" />`,
    ...preloadTags(head),
    ...(head.jsonLd ? [`<script type="application/ld+json">${scriptJson(head.jsonLd)}</script>`] : []),
  ]
  return shell
    .replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(head.title)}</title>`)
    .replace(
      /<meta name="description"[^>]*>/,
      `<meta name="description" content="${escapeHtml(head.description)}" />`,
    )
    .replace('</head>', `${tags.join('\n    ')}\n  </head>`)
}

export function listingHead(listing: ListingMeta, canonical: string) {
  const where = [listing.city, listing.country].filter(Boolean).join(', ')
  const price = `${listing.price} ${listing.currency}`
  const description = shorten(
    listing.description
      ? `${listing.description} (${where}, from ${price} a night)`
      : `${where}, from ${price} a night`,
  )
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'LodgingBusiness',
    '@id': canonical,
    name: listing.title,
    description: listing.description || undefined,
    url: canonical,
    ...(listing.image ? { image: listing.image } : {}),
    address: {
      '@type': 'PostalAddress',
      ...(listing.address ? { streetAddress: listing.address } : {}),
      ...(listing.city ? { addressLocality: listing.city } : {}),
      ...(listing.country ? { addressCountry: listing.country } : {}),
    },
    geo: { '@type': 'GeoCoordinates', latitude: listing.latitude, longitude: listing.longitude },
    ...(listing.rating_count > 0
      ? {
          aggregateRating: {
            '@type': 'AggregateRating',
            ratingValue: listing.rating_avg,
            reviewCount: listing.rating_count,
            bestRating: 5,
          },
        }
      : {}),
    makesOffer: {
      '@type': 'Offer',
      price: listing.price,
      priceCurrency: listing.currency,
      url: canonical,
      description: 'Price per night, before fees and taxes',
    },
  }
  return {
    title: `${listing.title}${where ? ` · ${where}` : ''} · HBNB`,
    description,
    canonical,
    ...(listing.image ? { image: listing.image } : {}),
    jsonLd,
  }
}

/** A search page: named after the place searched for; canonical without dates, guests or paging. */
export function searchHead(base: string, params: URLSearchParams) {
  const place = params.get('q') ?? params.get('city') ?? ''
  const canonical = new URL('/search', base)
  if (place) canonical.searchParams.set(params.has('q') ? 'q' : 'city', place)
  return {
    title: place ? `Stays in ${place} · HBNB` : 'Places to stay · HBNB',
    description: place
      ? `Holiday rentals in ${place}: compare prices, photos, reviews and availability, and book on HBNB.`
      : 'Holiday rentals: compare prices, photos, reviews and availability, and book on HBNB.',
    canonical: canonical.toString(),
  }
}

/** `robots.txt`: everything but the API, with the sitemap's address. */
export function robotsTxt(base: string): string {
  return `User-agent: *\nDisallow: /api/\nDisallow: /host/\nDisallow: /admin\nAllow: /\n\nSitemap: ${base}/sitemap.xml\n`
}

/** `sitemap.xml` of the given pages (the published listings and the search page). */
export function sitemapXml(base: string, listings: { id: string; updated_at: string }[]): string {
  const url = (loc: string, lastmod?: string) =>
    `  <url><loc>${escapeHtml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    url(`${base}/`),
    url(`${base}/search`),
    ...listings.map((listing) => url(`${base}/places/${encodeURIComponent(listing.id)}`, listing.updated_at)),
    '</urlset>',
    '',
  ].join('\n')
}
