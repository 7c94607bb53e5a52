// Where a listing is, without typing codes: a small built-in list of cities (no geocoding service
// is needed, so it works offline and self-hosted) gives a pin's likely time zone, country and
// currency; the host can always choose others.

export interface City {
  name: string
  /** ISO 3166-1 alpha-2. */
  country: string
  latitude: number
  longitude: number
  timezone: string
}

// biome-ignore format: a table, one or two cities a line
const CITIES: [string, string, number, number, string][] = [
  ['Paris', 'FR', 48.8566, 2.3522, 'Europe/Paris'], ['Lyon', 'FR', 45.764, 4.8357, 'Europe/Paris'],
  ['Marseille', 'FR', 43.2965, 5.3698, 'Europe/Paris'], ['Nice', 'FR', 43.7102, 7.262, 'Europe/Paris'],
  ['Bordeaux', 'FR', 44.8378, -0.5792, 'Europe/Paris'], ['London', 'GB', 51.5074, -0.1278, 'Europe/London'],
  ['Edinburgh', 'GB', 55.9533, -3.1883, 'Europe/London'], ['Dublin', 'IE', 53.3498, -6.2603, 'Europe/Dublin'],
  ['Lisbon', 'PT', 38.7223, -9.1393, 'Europe/Lisbon'], ['Porto', 'PT', 41.1579, -8.6291, 'Europe/Lisbon'],
  ['Madrid', 'ES', 40.4168, -3.7038, 'Europe/Madrid'], ['Barcelona', 'ES', 41.3874, 2.1686, 'Europe/Madrid'],
  ['Seville', 'ES', 37.3891, -5.9845, 'Europe/Madrid'], ['Palma', 'ES', 39.5696, 2.6502, 'Europe/Madrid'],
  ['Las Palmas', 'ES', 28.1235, -15.4363, 'Atlantic/Canary'], ['Rome', 'IT', 41.9028, 12.4964, 'Europe/Rome'],
  ['Milan', 'IT', 45.4642, 9.19, 'Europe/Rome'], ['Florence', 'IT', 43.7696, 11.2558, 'Europe/Rome'],
  ['Venice', 'IT', 45.4408, 12.3155, 'Europe/Rome'], ['Naples', 'IT', 40.8518, 14.2681, 'Europe/Rome'],
  ['Berlin', 'DE', 52.52, 13.405, 'Europe/Berlin'], ['Munich', 'DE', 48.1351, 11.582, 'Europe/Berlin'],
  ['Hamburg', 'DE', 53.5511, 9.9937, 'Europe/Berlin'], ['Amsterdam', 'NL', 52.3676, 4.9041, 'Europe/Amsterdam'],
  ['Brussels', 'BE', 50.8503, 4.3517, 'Europe/Brussels'], ['Luxembourg', 'LU', 49.6116, 6.1319, 'Europe/Luxembourg'],
  ['Zurich', 'CH', 47.3769, 8.5417, 'Europe/Zurich'], ['Geneva', 'CH', 46.2044, 6.1432, 'Europe/Zurich'],
  ['Vienna', 'AT', 48.2082, 16.3738, 'Europe/Vienna'], ['Prague', 'CZ', 50.0755, 14.4378, 'Europe/Prague'],
  ['Warsaw', 'PL', 52.2297, 21.0122, 'Europe/Warsaw'], ['Krakow', 'PL', 50.0647, 19.945, 'Europe/Warsaw'],
  ['Budapest', 'HU', 47.4979, 19.0402, 'Europe/Budapest'], ['Copenhagen', 'DK', 55.6761, 12.5683, 'Europe/Copenhagen'],
  ['Stockholm', 'SE', 59.3293, 18.0686, 'Europe/Stockholm'], ['Oslo', 'NO', 59.9139, 10.7522, 'Europe/Oslo'],
  ['Helsinki', 'FI', 60.1699, 24.9384, 'Europe/Helsinki'], ['Reykjavik', 'IS', 64.1466, -21.9426, 'Atlantic/Reykjavik'],
  ['Athens', 'GR', 37.9838, 23.7275, 'Europe/Athens'], ['Istanbul', 'TR', 41.0082, 28.9784, 'Europe/Istanbul'],
  ['Dubrovnik', 'HR', 42.6507, 18.0944, 'Europe/Zagreb'], ['Bucharest', 'RO', 44.4268, 26.1025, 'Europe/Bucharest'],
  ['Kyiv', 'UA', 50.4501, 30.5234, 'Europe/Kyiv'], ['Moscow', 'RU', 55.7558, 37.6173, 'Europe/Moscow'],
  ['Marrakesh', 'MA', 31.6295, -7.9811, 'Africa/Casablanca'], ['Cairo', 'EG', 30.0444, 31.2357, 'Africa/Cairo'],
  ['Cape Town', 'ZA', -33.9249, 18.4241, 'Africa/Johannesburg'], ['Nairobi', 'KE', -1.2921, 36.8219, 'Africa/Nairobi'],
  ['Lagos', 'NG', 6.5244, 3.3792, 'Africa/Lagos'], ['Dakar', 'SN', 14.7167, -17.4677, 'Africa/Dakar'],
  ['Dubai', 'AE', 25.2048, 55.2708, 'Asia/Dubai'], ['Tel Aviv', 'IL', 32.0853, 34.7818, 'Asia/Jerusalem'],
  ['Mumbai', 'IN', 19.076, 72.8777, 'Asia/Kolkata'], ['Delhi', 'IN', 28.7041, 77.1025, 'Asia/Kolkata'],
  ['Goa', 'IN', 15.2993, 74.124, 'Asia/Kolkata'], ['Bangkok', 'TH', 13.7563, 100.5018, 'Asia/Bangkok'],
  ['Bali', 'ID', -8.3405, 115.092, 'Asia/Makassar'], ['Singapore', 'SG', 1.3521, 103.8198, 'Asia/Singapore'],
  ['Hanoi', 'VN', 21.0278, 105.8342, 'Asia/Bangkok'], ['Hong Kong', 'HK', 22.3193, 114.1694, 'Asia/Hong_Kong'],
  ['Shanghai', 'CN', 31.2304, 121.4737, 'Asia/Shanghai'], ['Beijing', 'CN', 39.9042, 116.4074, 'Asia/Shanghai'],
  ['Seoul', 'KR', 37.5665, 126.978, 'Asia/Seoul'], ['Tokyo', 'JP', 35.6762, 139.6503, 'Asia/Tokyo'],
  ['Kyoto', 'JP', 35.0116, 135.7681, 'Asia/Tokyo'], ['Sydney', 'AU', -33.8688, 151.2093, 'Australia/Sydney'],
  ['Melbourne', 'AU', -37.8136, 144.9631, 'Australia/Melbourne'], ['Perth', 'AU', -31.9505, 115.8605, 'Australia/Perth'],
  ['Auckland', 'NZ', -36.8485, 174.7633, 'Pacific/Auckland'], ['Honolulu', 'US', 21.3069, -157.8583, 'Pacific/Honolulu'],
  ['New York', 'US', 40.7128, -74.006, 'America/New_York'], ['Boston', 'US', 42.3601, -71.0589, 'America/New_York'],
  ['Miami', 'US', 25.7617, -80.1918, 'America/New_York'], ['Chicago', 'US', 41.8781, -87.6298, 'America/Chicago'],
  ['New Orleans', 'US', 29.9511, -90.0715, 'America/Chicago'], ['Denver', 'US', 39.7392, -104.9903, 'America/Denver'],
  ['Los Angeles', 'US', 34.0522, -118.2437, 'America/Los_Angeles'], ['San Francisco', 'US', 37.7749, -122.4194, 'America/Los_Angeles'],
  ['Seattle', 'US', 47.6062, -122.3321, 'America/Los_Angeles'], ['Anchorage', 'US', 61.2181, -149.9003, 'America/Anchorage'],
  ['Toronto', 'CA', 43.6532, -79.3832, 'America/Toronto'], ['Montreal', 'CA', 45.5017, -73.5673, 'America/Toronto'],
  ['Vancouver', 'CA', 49.2827, -123.1207, 'America/Vancouver'], ['Mexico City', 'MX', 19.4326, -99.1332, 'America/Mexico_City'],
  ['Cancún', 'MX', 21.1619, -86.8515, 'America/Cancun'], ['Havana', 'CU', 23.1136, -82.3666, 'America/Havana'],
  ['San José', 'CR', 9.9281, -84.0907, 'America/Costa_Rica'], ['Bogotá', 'CO', 4.711, -74.0721, 'America/Bogota'],
  ['Lima', 'PE', -12.0464, -77.0428, 'America/Lima'], ['Santiago', 'CL', -33.4489, -70.6693, 'America/Santiago'],
  ['Buenos Aires', 'AR', -34.6037, -58.3816, 'America/Argentina/Buenos_Aires'], ['Rio de Janeiro', 'BR', -22.9068, -43.1729, 'America/Sao_Paulo'],
  ['São Paulo', 'BR', -23.5505, -46.6333, 'America/Sao_Paulo'], ['Montevideo', 'UY', -34.9011, -56.1645, 'America/Montevideo'],
]

export const cities: City[] = CITIES.map(([name, country, latitude, longitude, timezone]) => ({
  name,
  country,
  latitude,
  longitude,
  timezone,
}))

// biome-ignore format: a table
const CURRENCY_OF_COUNTRY: Record<string, string> = {
  FR: 'EUR', IE: 'EUR', PT: 'EUR', ES: 'EUR', IT: 'EUR', DE: 'EUR', NL: 'EUR', BE: 'EUR', LU: 'EUR', AT: 'EUR',
  FI: 'EUR', GR: 'EUR', HR: 'EUR', GB: 'GBP', CH: 'CHF', CZ: 'CZK', PL: 'PLN', HU: 'HUF', DK: 'DKK', SE: 'SEK',
  NO: 'NOK', IS: 'ISK', TR: 'TRY', RO: 'RON', UA: 'UAH', RU: 'RUB', MA: 'MAD', EG: 'EGP', ZA: 'ZAR', KE: 'KES',
  NG: 'NGN', SN: 'XOF', AE: 'AED', IL: 'ILS', IN: 'INR', TH: 'THB', ID: 'IDR', SG: 'SGD', VN: 'VND', HK: 'HKD',
  CN: 'CNY', KR: 'KRW', JP: 'JPY', AU: 'AUD', NZ: 'NZD', US: 'USD', CA: 'CAD', MX: 'MXN', CU: 'CUP', CR: 'CRC',
  CO: 'COP', PE: 'PEN', CL: 'CLP', AR: 'ARS', BR: 'BRL', UY: 'UYU',
}

export function currencyOfCountry(country: string): string | undefined {
  return CURRENCY_OF_COUNTRY[country.toUpperCase()]
}

/** Great-circle distance in kilometres. */
function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180
  const dLat = (bLat - aLat) * rad
  const dLng = (bLng - aLng) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371 * Math.asin(Math.sqrt(h))
}

/** Beyond this, the nearest known city says little about a pin's country or time zone. */
const NEAR_KM = 600

/** The known city nearest a point, if one is near enough to vouch for its zone and country. */
export function nearestCity(latitude: number, longitude: number): City | undefined {
  let best: City | undefined
  let bestKm = Number.POSITIVE_INFINITY
  for (const city of cities) {
    const km = distanceKm(latitude, longitude, city.latitude, city.longitude)
    if (km < bestKm) {
      best = city
      bestKm = km
    }
  }
  return bestKm <= NEAR_KM ? best : undefined
}

/** Far from every known city: the zone of the longitude (Etc/GMT zones have the sign reversed). */
export function zoneOfLongitude(longitude: number): string {
  const hours = Math.max(-12, Math.min(12, Math.round(longitude / 15)))
  if (hours === 0) return 'UTC'
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`
}

/** Every IANA time zone the browser knows (a short list when it cannot say). */
export function timeZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf
  const zones = supported ? supported('timeZone') : []
  return zones.length ? zones : [...new Set(cities.map((city) => city.timezone))].sort()
}

/** Every ISO 4217 currency the browser knows. */
export function currencies(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf
  const codes = supported ? supported('currency') : []
  return codes.length ? codes : [...new Set(Object.values(CURRENCY_OF_COUNTRY))].sort()
}

/** Region codes that name no country (groups, placeholders). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ'])

/** ISO 3166-1 alpha-2 codes of the countries the browser can name, by name in `locale`. */
export function countries(locale: string): { code: string; name: string }[] {
  const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' })
  const list: { code: string; name: string }[] = []
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b)
      const name = NOT_COUNTRIES.has(code) ? undefined : names.of(code)
      if (name) list.push({ code, name })
    }
  }
  return list.sort((x, y) => x.name.localeCompare(y.name, locale))
}
