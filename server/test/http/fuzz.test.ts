// Hostile input, driven by the app's own OpenAPI document: for every operation it lists, malformed
// variants of the body, query, path and headers (wrong types, null, booleans, huge, negative and
// non-finite numbers, huge strings, control characters and NUL, unicode edge cases, missing and extra
// fields, malformed JSON, wrong content types, bad ids, deep nesting), sent by an authenticated caller
// to real objects. No answer may be a 5xx, and every error must be JSON in the error shape.
// The variants come from a seeded PRNG: the seed is printed; FUZZ_SEED=<seed> replays a run, and
// FUZZ_DUMP=<file> writes every failure there, one a line (the assertion shows only the first ones).
import { randomInt } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { random as seededRandom } from '../../src/cli/seed.js'
import { addDays } from '../../src/dates.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31)
const VARIANTS_PER_OPERATION = 48
const CONCURRENCY = 12

type Random = ReturnType<typeof seededRandom>

interface Schema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  pattern?: string
  format?: string
}

interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  schema: Schema
}

interface Operation {
  method: string
  path: string
  secured: boolean
  parameters: Parameter[]
  body: Schema | undefined
}

/** One malformed request. `raw` bodies go as they are, with their own content type. */
interface Variant {
  what: string
  path?: Record<string, string>
  query?: [string, string][]
  headers?: Record<string, string>
  body?: unknown
  raw?: { payload: string; contentType?: string }
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

const HUGE_STRING = 'x'.repeat(100_000)
const NESTED_ARRAYS = `${'['.repeat(5000)}${']'.repeat(5000)}`
/** Deeper than JSON.stringify can recurse: nothing may try to serialize what it was sent. */
const NESTED_OBJECTS = `{"title": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}, "text": "x"}`
const nestedObject = (depth: number): unknown => (depth === 0 ? 'deep' : { a: nestedObject(depth - 1) })

/** JSON values that are wrong somewhere: each field gets some of them. */
const HOSTILE_JSON: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['zero', 0],
  ['-1', -1],
  ['-0', -0],
  ['0.1', 0.1],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['2^53+1', 2 ** 53 + 1],
  ['2^31', 2 ** 31],
  ['5e-324', 5e-324],
  ['empty string', ''],
  ['blank string', '   '],
  ['numeric string', '100'],
  ['"1e308"', '1e308'],
  ['"Infinity"', 'Infinity'],
  ['"NaN"', 'NaN'],
  ['hex string', '0x10'],
  ['"true"', 'true'],
  ['huge string', HUGE_STRING],
  ['NUL', 'a\u0000b'],
  ['control characters', 'a\u0001\u0007\u001b[31mb\u007f'],
  ['line breaks', 'line\nbreak\r\ttab'],
  ['C1 control', 'a\u0085b\u009bc'],
  ['lone surrogate', 'a\ud800b'],
  ['emoji', '🏠🇫🇷👩‍👩‍👧'],
  ['RTL and zero-width', '\u202eevil\u200b\ufeff'],
  ['combining marks', `e${'\u0301'.repeat(300)}`],
  ['non-characters', '\uffff\ufffe'],
  ['SQL', "' OR 1=1 --"],
  ['LIKE wildcards', '%_%\\'],
  ['empty array', []],
  ['array of numbers', [1, 2, 3]],
  ['array of nulls', [null]],
  ['big array', Array.from({ length: 5000 }, (_, i) => `id-${i}`)],
  ['empty object', {}],
  ['operator object', { $gt: '' }],
  ['nested object', nestedObject(200)],
  ['__proto__ object', JSON.parse('{"__proto__": {"polluted": true}}')],
]

/** Query string values: query strings are text, so these are texts. */
const HOSTILE_QUERY = [
  '',
  ' ',
  '-1',
  '0',
  '1e308',
  '-1e308',
  '1e999',
  'Infinity',
  '-Infinity',
  'NaN',
  '0x10',
  '0b11',
  '1_000',
  '99999999999999999999999999',
  '1.5',
  '-0.0000001',
  'true',
  'null',
  'abc',
  '\u0000',
  'a\u0000b',
  '\u001b[2J',
  '\ud83c\udfe0',
  '\u202e',
  "' OR '1'='1",
  '%',
  '[]',
  '{}',
  ',,,',
  '1,2,3,4,5',
  '91,181',
  'NaN,NaN',
  'x'.repeat(5000),
  '2024-02-30',
  '9999-99-99',
  '0000-01-01',
]

const HOSTILE_IDS = [
  'not-an-id',
  '00000000-0000-0000-0000-000000000000',
  "'; DROP TABLE places; --",
  '%00',
  '%C0%80',
  '%ZZ',
  '..%2F..%2Fetc%2Fpasswd',
  encodeURIComponent('🏠'),
  encodeURIComponent('\u202e'),
  'x'.repeat(90),
  'x'.repeat(300),
  '-1',
  '1e308',
]

const RAW_BODIES: [string, string, string | undefined][] = [
  ['truncated JSON', '{"a": ', 'application/json'],
  ['bare word', 'nul', 'application/json'],
  ['trailing garbage', '{} {}', 'application/json'],
  ['single quotes', "{'a': 1}", 'application/json'],
  ['empty JSON body', '', 'application/json'],
  ['JSON null', 'null', 'application/json'],
  ['JSON number', '42', 'application/json'],
  ['JSON string', '"text"', 'application/json'],
  ['JSON array', '[{}]', 'application/json'],
  ['number out of double range', '{"price": 1e999, "latitude": -1e999, "rating": 1e999}', 'application/json'],
  ['deeply nested arrays', NESTED_ARRAYS, 'application/json'],
  ['very deeply nested objects', NESTED_OBJECTS, 'application/json'],
  ['duplicate keys', '{"a": 1, "a": {"b": 2}}', 'application/json'],
  [
    '__proto__ key',
    '{"__proto__": {"is_admin": true}, "constructor": {"prototype": {}}}',
    'application/json',
  ],
  ['invalid UTF-8', '{"title": "\xff\xfe"}', 'application/json; charset=utf-8'],
  ['text/plain', 'hello', 'text/plain'],
  ['form encoded', 'title=x&price=1', 'application/x-www-form-urlencoded'],
  [
    'multipart',
    '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--',
    'multipart/form-data; boundary=b',
  ],
  ['XML', '<a>1</a>', 'application/xml'],
  ['no content type', '{"a": 1}', undefined],
  ['bogus content type', '{}', 'application/json; charset=klingon'],
  ['JSON with a BOM', '\xef\xbb\xbf{}', 'application/json'],
]

// ---------------------------------------------------------------------------------------------
// Valid values, so that one broken field at a time reaches the rule that checks it
// ---------------------------------------------------------------------------------------------

interface Fixtures {
  adminToken: string
  host: { id: string; token: string }
  guest: { id: string; token: string }
  member: { id: string; token: string }
  sessions: { id: string; token: string }
  amenityId: string
  placeId: string
  reviewId: string
  bookingId: string
  wishlistId: string
  today: string
}

let emails = 0

function sample(name: string, schema: Schema, fixtures: Fixtures): unknown {
  const known: Record<string, () => unknown> = {
    email: () => `fuzz-${++emails}-${SEED}@example.com`,
    password: () => 'password-123',
    place_id: () => fixtures.placeId,
    amenities: () => [fixtures.amenityId],
    check_in: () => addDays(fixtures.today, 40),
    check_out: () => addDays(fixtures.today, 43),
    from: () => addDays(fixtures.today, 50),
    to: () => addDays(fixtures.today, 52),
    url: () => 'http://127.0.0.1:9/calendar.ics',
    phone: () => '+33612345678',
    currency: () => 'EUR',
    country: () => 'FR',
    timezone: () => 'Europe/Paris',
    owner_id: () => fixtures.host.id,
  }
  if (known[name]) return known[name]()
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  if (schema.anyOf)
    return sample(name, schema.anyOf.find((b) => b.type !== 'null') ?? schema.anyOf[0]!, fixtures)
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'string':
      if (schema.pattern?.includes('[01]')) return '10:00'
      if (schema.pattern?.includes('\\d{4}')) return addDays(fixtures.today, 40)
      if (schema.pattern?.includes('A-Za-z')) return 'FR'
      return `fuzz ${name}`
    case 'integer':
      return schema.minimum ?? 1
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1)
    case 'boolean':
      return true
    case 'array':
      return schema.items ? [sample(name, schema.items, fixtures)] : []
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, property]) => [
          key,
          sample(key, property, fixtures),
        ]),
      )
    default:
      return 'fuzz'
  }
}

/** A valid body: the required fields only (an optional one is added when it is the one broken). */
function baseBody(schema: Schema, fixtures: Fixtures): Record<string, unknown> {
  const required = new Set(schema.required ?? [])
  return Object.fromEntries(
    Object.entries(schema.properties ?? {})
      .filter(([key]) => required.has(key))
      .map(([key, property]) => [key, sample(key, property, fixtures)]),
  )
}

function pathIds(path: string, fixtures: Fixtures): Record<string, string> {
  const ids: Record<string, string> = {}
  const id = path.startsWith('/api/v1/users/')
    ? fixtures.member.id
    : path.startsWith('/api/v1/amenities/')
      ? fixtures.amenityId
      : path.startsWith('/api/v1/reviews/{id}')
        ? fixtures.reviewId
        : path.startsWith('/api/v1/bookings/')
          ? fixtures.bookingId
          : path.startsWith('/api/v1/wishlists/')
            ? fixtures.wishlistId
            : fixtures.placeId
  ids.id = id
  ids.amenity_id = fixtures.amenityId
  ids.place_id = fixtures.placeId
  ids.feed_id = '0190b3c8-0000-7000-8000-000000000000'
  return ids
}

/** Who calls: an admin and the user who owns the objects the path names, in turn. */
function callers(op: Operation, fixtures: Fixtures): string[] {
  const { path } = op
  if (path.startsWith('/api/v1/auth/')) return [fixtures.sessions.token]
  if (path.startsWith('/api/v1/users/me')) return [fixtures.member.token, fixtures.adminToken]
  if (path.startsWith('/api/v1/users/')) return [fixtures.adminToken, fixtures.member.token]
  if (path.startsWith('/api/v1/bookings'))
    return [fixtures.adminToken, fixtures.host.token, fixtures.guest.token]
  if (path.startsWith('/api/v1/reviews/')) return [fixtures.adminToken, fixtures.guest.token]
  if (path.startsWith('/api/v1/wishlists')) return [fixtures.host.token, fixtures.adminToken]
  return [fixtures.adminToken, fixtures.host.token]
}

// ---------------------------------------------------------------------------------------------
// Variants
// ---------------------------------------------------------------------------------------------

function variantsOf(op: Operation, fixtures: Fixtures, random: Random): Variant[] {
  const variants: Variant[] = []
  const body = op.body
  const properties = Object.entries(body?.properties ?? {})
  const queryParams = op.parameters.filter((p) => p.in === 'query')
  const pathParams = op.parameters.filter((p) => p.in === 'path')
  const headerParams = op.parameters.filter((p) => p.in === 'header')
  const validBody = () => (body ? baseBody(body, fixtures) : undefined)

  if (body) {
    for (const [what, payload, contentType] of RAW_BODIES) {
      variants.push({ what: `body: ${what}`, raw: { payload, contentType } })
    }
    for (const [what, value] of HOSTILE_JSON.filter(() => random.next() < 0.25)) {
      variants.push({ what: `whole body: ${what}`, body: value })
    }
    for (const required of body.required ?? []) {
      const without = validBody()!
      delete without[required]
      variants.push({ what: `body without ${required}`, body: without })
    }
    variants.push({
      what: 'body with extra fields',
      body: {
        ...validBody(),
        is_admin: true,
        id: 'x',
        created_at: 0,
        [HUGE_STRING.slice(0, 300)]: HUGE_STRING,
      },
    })
  }
  for (const param of pathParams) {
    for (const id of HOSTILE_IDS.filter(() => random.next() < 0.4)) {
      variants.push({ what: `path ${param.name} = ${id.slice(0, 40)}`, path: { [param.name]: id } })
    }
  }
  for (const param of headerParams) {
    for (const value of ['', ' ', 'x'.repeat(129), 'x'.repeat(2000), 'ünïcode', '\u00ff\u00fe']) {
      variants.push({
        what: `header ${param.name} = ${value.slice(0, 20)}`,
        headers: { [param.name]: value },
        body: validBody(),
      })
    }
  }
  // Then one broken field (or query parameter) at a time, until the operation has its share.
  const fieldCount = properties.length + queryParams.length
  while (variants.length < VARIANTS_PER_OPERATION || (fieldCount > 0 && variants.length < fieldCount * 3)) {
    const slot = fieldCount > 0 ? random.int(0, fieldCount - 1) : -1
    if (slot >= 0 && slot < properties.length) {
      const [name] = properties[slot]!
      const [what, value] = random.pick(HOSTILE_JSON)
      variants.push({ what: `body.${name} = ${what}`, body: { ...validBody(), [name]: value } })
    } else if (slot >= properties.length) {
      const param = queryParams[slot - properties.length]!
      const value = random.pick(HOSTILE_QUERY)
      const query: [string, string][] =
        random.next() < 0.15
          ? [
              [param.name, value],
              [param.name, random.pick(HOSTILE_QUERY)],
            ]
          : [[param.name, value]]
      variants.push({
        what: `query ${param.name} = ${JSON.stringify(value.slice(0, 40))}`,
        query,
        body: validBody(),
      })
    } else {
      // No fields at all: junk query parameters and a body nobody asked for.
      const value = random.pick(HOSTILE_QUERY)
      const [what, junk] = random.pick(HOSTILE_JSON)
      variants.push({ what: `junk query and body: ${what}`, query: [['limit', value]], body: junk })
    }
  }
  return variants
}

// ---------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------

function urlOf(op: Operation, variant: Variant, fixtures: Fixtures): string {
  const ids = { ...pathIds(op.path, fixtures), ...variant.path }
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    variant.path?.[name] !== undefined ? ids[name]! : encodeURIComponent(ids[name] ?? 'x'),
  )
  const query = (variant.query ?? []).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
  return query.length ? `${path}?${query.join('&')}` : path
}

function problemWith(response: Response): string | undefined {
  if (response.status >= 500) return `status ${response.status}`
  if (response.status < 400) return undefined
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) {
    return `error ${response.status} is not JSON (${response.headers['content-type']})`
  }
  const body = response.body as Record<string, unknown>
  if (typeof body?.error !== 'string' || body.error === '')
    return `error ${response.status} has no error string`
  if (typeof body.code !== 'string' || typeof body.request_id !== 'string') {
    return `error ${response.status} lacks code or request_id`
  }
  return undefined
}

async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

function operationsOf(document: any): Operation[] {
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries<any>(document.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        secured: Array.isArray(op.security) && op.security.length > 0,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })
    }
  }
  return operations
}

async function makeFixtures(t: TestApp): Promise<Fixtures> {
  const adminToken = await t.adminToken()
  const [host, guest, member, sessions] = [await t.user(), await t.user(), await t.user(), await t.user()]
  const amenity = await t.post('/api/v1/amenities/', { name: `Fuzz ${SEED}` }, { token: adminToken })
  const place = await t.place(host.token, { amenities: [amenity.body.id] })
  const review = await t.post(
    '/api/v1/reviews/',
    { text: 'Fine', rating: 4, place_id: place.id },
    { token: guest.token },
  )
  const today = new Date().toISOString().slice(0, 10)
  const booking = await t.post(
    '/api/v1/bookings',
    { place_id: place.id, check_in: addDays(today, 20), check_out: addDays(today, 22), guests: 1 },
    { token: guest.token },
  )
  const wishlist = await t.post('/api/v1/wishlists', { name: 'Fuzz' }, { token: host.token })
  for (const [what, response] of Object.entries({ amenity, review, booking, wishlist })) {
    if (response.status !== 201) throw new Error(`fixture ${what}: ${response.status} ${response.text}`)
  }
  return {
    adminToken,
    host,
    guest,
    member,
    sessions,
    amenityId: amenity.body.id,
    placeId: place.id,
    reviewId: review.body.id,
    bookingId: booking.body.id,
    wishlistId: wishlist.body.id,
    today,
  }
}

describeEachDriver('OpenAPI-driven fuzzing', (t) => {
  it(`answers every malformed request with a 4xx JSON error, never a 5xx (FUZZ_SEED=${SEED})`, async () => {
    console.log(`fuzz: FUZZ_SEED=${SEED} (set it to replay this run)`)
    const started = Date.now()
    const fixtures = await makeFixtures(t())
    const document = (await t().get('/api/v1/openapi.json')).body
    const operations = operationsOf(document)
    expect(operations.length).toBeGreaterThan(50)

    const random = seededRandom(SEED)
    const jobs = operations.flatMap((op) => {
      const tokens = callers(op, fixtures)
      return variantsOf(op, fixtures, random).map((variant, i) => ({
        op,
        variant,
        token: tokens[i % tokens.length]!,
      }))
    })
    for (const op of operations) {
      const count = jobs.filter((job) => job.op === op).length
      expect(count, `${op.method} ${op.path}`).toBeGreaterThanOrEqual(40)
    }
    // Deletions and logouts last, so that the objects and sessions other variants use live until then.
    const isFinal = (op: Operation) => op.method === 'DELETE' || op.path.includes('logout')
    const failures: string[] = []
    const statuses = new Map<number, number>()
    for (const phase of [jobs.filter((j) => !isFinal(j.op)), jobs.filter((j) => isFinal(j.op))]) {
      await inPool(phase, CONCURRENCY, async ({ op, variant, token }) => {
        const url = urlOf(op, variant, fixtures)
        const headers: Record<string, string> = { ...variant.headers }
        // Node sends a GET or DELETE body without a length unless told: the server would read it as
        // the next request on the connection.
        let payload: Buffer | undefined
        if (variant.raw) {
          payload = Buffer.from(variant.raw.payload, 'latin1')
          if (variant.raw.contentType) headers['content-type'] = variant.raw.contentType
        } else if (variant.body !== undefined) {
          payload = Buffer.from(JSON.stringify(variant.body))
          headers['content-type'] = 'application/json'
        }
        if (payload) headers['content-length'] = String(payload.length)
        let response: Response
        try {
          response = await t().request(op.method, url, { token, headers, payload })
        } catch (error) {
          failures.push(`${op.method} ${url.slice(0, 200)} [${variant.what}]: no answer: ${error}`)
          return
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        const problem = problemWith(response)
        if (problem) {
          failures.push(
            `${op.method} ${url.slice(0, 200)} [${variant.what}]: ${problem}: ${response.text.slice(0, 300)}`,
          )
        }
      })
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(
      `fuzz [${t().driver}]: ${operations.length} operations, ${jobs.length} requests ` +
        `(${Math.round(jobs.length / operations.length)} per operation on average) in ${seconds} s, seed ${SEED}; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    )
    if (process.env.FUZZ_DUMP) writeFileSync(process.env.FUZZ_DUMP, failures.join('\n'))
    expect(failures, `FUZZ_SEED=${SEED}`).toEqual([])
  }, 240_000)
})
