// Every operation of the app x every kind of caller (authorization-matrix.ts), against the real app.
//
// The routes come from the running server itself (an `onRoute` hook, `routesOf`): unlike the OpenAPI
// document, it has every route, hidden ones too (/dev/outbox, the docs, the web client), so a route
// added anywhere without an entry in the matrix fails here. HEAD routes are Fastify's automatic
// twins of GET routes: each GET cell also sends HEAD and expects the same status.
import { beforeAll, expect, it } from 'vitest'
import { routesOf } from '../../src/http/server.js'
import { describeEachDriver, type Response } from '../helpers/test-app.js'
import { CALLERS, type Caller, type Case, MATRIX, type Outcome } from './authorization-matrix.js'
import { type Person, suiteDirectories, World } from './authorization-world.js'

const directories = suiteDirectories()

/** `METHOD pattern` of every route, HEAD routes aside; and the HEAD routes lacking a GET twin. */
function routeKeys(routes: readonly { method: string; url: string }[]) {
  const keys = new Set(routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))
  for (const r of routes) if (r.method === 'HEAD' && !keys.has(`GET ${r.url}`)) keys.add(`HEAD ${r.url}`)
  return keys
}

function patternOf(key: string): RegExp {
  const path = key.slice(key.indexOf(' ') + 1)
  const escaped = path
    .split(/(:\w+|\*)/)
    .map((part) =>
      part === '*' ? '.+' : part.startsWith(':') ? '[^/]+' : part.replace(/[.?+()[\]{}|^$\\]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${escaped}/?$`)
}

function matches(outcome: Outcome, caller: Caller, status: number): boolean {
  if (typeof outcome === 'number') return status === outcome
  if (outcome === 'allow') return status >= 200 && status < 300
  if (outcome === 'hidden') return status === 404
  return status === (caller === 'anonymous' ? 401 : 403)
}

function describeOutcome(outcome: Outcome, caller: Caller): string {
  if (typeof outcome === 'number') return String(outcome)
  if (outcome === 'allow') return 'allow (2xx)'
  if (outcome === 'hidden') return 'hidden (404)'
  return `deny (${caller === 'anonymous' ? 401 : 403})`
}

const EXAMPLE_ENTRY = `{ owner: 'host', expect: { anonymous: 'deny', owner: 'allow', other: 'deny', otherHost: 'deny', admin: 'allow' }, request: (w) => ({ url: ... }) }`

describeEachDriver(
  'authorization matrix',
  (t) => {
    let world: World

    beforeAll(async () => {
      world = await World.build(t(), directories.dataDir)
    }, 120_000)

    it('has exactly one entry per route of the app', () => {
      const routes = routeKeys(routesOf(t().app.http))
      expect(routes.size).toBeGreaterThan(50)
      const missing = [...routes]
        .filter((key) => !(key in MATRIX))
        .map(
          (key) =>
            `${key} has no entry: add '${key}': ${EXAMPLE_ENTRY} to server/test/http/authorization-matrix.ts`,
        )
      const stale = Object.keys(MATRIX)
        .filter((key) => !routes.has(key))
        .map((key) => `'${key}' in authorization-matrix.ts is no route of the app: remove or rename it`)
      expect([...missing, ...stale]).toEqual([])
    })

    for (const [key, entry] of Object.entries(MATRIX)) {
      it(key, async () => {
        const method = key.slice(0, key.indexOf(' '))
        const mismatches: string[] = []
        for (const testCase of [entry].flat()) {
          const callers: Caller[] = [...CALLERS, ...(testCase.party ? (['party'] as const) : [])]
          for (const caller of callers) {
            const mismatch = await runCell(world, key, method, testCase, caller)
            if (mismatch) mismatches.push(mismatch)
          }
        }
        expect(mismatches).toEqual([])
      })
    }
  },
  {
    HBNB_DATA_DIR: directories.dataDir,
    HBNB_WEB_DIR: directories.webDir,
    HBNB_ICAL_ALLOW_PRIVATE: 'true',
  },
)

function personOf(world: World, testCase: Case, caller: Caller): Person | null {
  switch (caller) {
    case 'anonymous':
      return null
    case 'owner':
      return world.people[testCase.owner]
    case 'party':
      return world.people[testCase.party!]
    default:
      return world.people[caller]
  }
}

/** Sends one cell; returns what went wrong, or undefined. */
async function runCell(
  world: World,
  key: string,
  method: string,
  testCase: Case,
  caller: Caller,
): Promise<string | undefined> {
  const expected = caller === 'party' ? testCase.expect.party! : testCase.expect[caller]
  const person = personOf(world, testCase, caller)
  const request = await testCase.request(world, person)
  const where = `${caller}${testCase.on ? ` on the ${testCase.on}` : ''} (${request.url})`
  if (!patternOf(key).test(request.url.split('?')[0]!))
    return `${where}: the request URL is not of route ${key}`
  const options = {
    token: person?.token,
    body: request.body,
    payload: request.payload,
    headers: request.headers,
  }
  const response: Response = await world.t.request(method, request.url, options)
  testCase.after?.(world, person, response.status)
  if (testCase.endsLogins && person) await world.renewLogins()

  if (response.status === 404 && response.body?.code === 'route_not_found') {
    return `${where}: no route answered (${response.text.slice(0, 120)})`
  }
  if (!matches(expected, caller, response.status)) {
    return `${where}: expected ${describeOutcome(expected, caller)}, got ${response.status} ${response.text.slice(0, 160)}`
  }
  if (response.status === 403 && testCase.forbidden && response.body?.error !== testCase.forbidden) {
    return `${where}: a 403 must say "${testCase.forbidden}", said ${JSON.stringify(response.body?.error)}`
  }
  // A page of the web client is HTML whatever its status; API refusals are JSON with a message.
  const page = String(response.headers['content-type'] ?? '').startsWith('text/html')
  if (!page && (response.status === 401 || response.status === 403 || response.status === 404)) {
    if (typeof response.body?.error !== 'string')
      return `${where}: ${response.status} without an error message`
  }
  if (method === 'GET') {
    const head = await world.t.request('HEAD', request.url, options)
    if (head.status !== response.status)
      return `${where}: HEAD answered ${head.status}, GET ${response.status}`
  }
  return undefined
}
