// Keeps server/src layered (docs/architecture.md, "Layers"): imports point one way, never in a
// cycle, and modules' files are named for what they hold.
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import {
  describeCycle,
  describeProblem,
  importCycles,
  importsOf,
  layerOf,
  layerProblems,
  namingProblems,
  readSources,
  type SourceFile,
} from '../helpers/import-layers.js'

describe('server/src', () => {
  const files = readSources(fileURLToPath(new URL('../../src', import.meta.url)))

  test('is read whole', () => {
    expect(files.length).toBeGreaterThan(150)
    expect(files.map((file) => file.path)).toContain('modules/places/service.ts')
    expect(importsOf(files.find((file) => file.path === 'app.ts')!).length).toBeGreaterThan(20)
  })

  test('every file is in a layer and imports only what its layer may', () => {
    const problems = layerProblems(files).map(describeProblem)
    expect(problems, problems.join('\n')).toEqual([])
  })

  test('has no import cycle', () => {
    const cycles = importCycles(files).map(describeCycle)
    expect(cycles, cycles.join('\n')).toEqual([])
  })

  test("names modules' repositories and services by the convention, and keeps SQL in repositories", () => {
    const problems = namingProblems(files).map(describeProblem)
    expect(problems, problems.join('\n')).toEqual([])
  })
})

describe('the layer check', () => {
  const file = (path: string, ...lines: string[]): SourceFile => ({ path, text: lines.join('\n') })

  test('reads every form of import, type-only and dynamic ones included', () => {
    const imports = importsOf(
      file(
        'modules/x/service.ts',
        "import a from './a.js'",
        "import type { B } from './b.js'",
        "export { c } from './c.js'",
        "export type * from './d.js'",
        "const e = await import('./e.js')",
        "type F = typeof import('./f.js')",
        "import './g.js'",
        "const h = require('./h.js')",
        "import i = require('./i.js')",
        "// import z from './z.js'",
        "const s = './s.js'",
        "import { Kysely } from 'kysely'",
      ),
    )
    expect(imports.map((i) => i.specifier)).toEqual([
      './a.js',
      './b.js',
      './c.js',
      './d.js',
      './e.js',
      './f.js',
      './g.js',
      './h.js',
      './i.js',
      'kysely',
    ])
    expect(imports.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 12])
  })

  test('places files in layers; route files are the HTTP side of their module', () => {
    expect(layerOf('main.ts')).toBe('main')
    expect(layerOf('cli/seed.ts')).toBe('main')
    expect(layerOf('app.ts')).toBe('app')
    expect(layerOf('modules/users/routes.ts')).toBe('routes')
    expect(layerOf('modules/users/phone-routes.ts')).toBe('routes')
    expect(layerOf('modules/users/phone-service.ts')).toBe('modules')
    expect(layerOf('domain/actor.ts')).toBe('domain')
    expect(layerOf('infra/cache/port.ts')).toBe('infra')
    expect(layerOf('dates.ts')).toBe('base')
    expect(layerOf('realtime/gateway.ts')).toBe('realtime')
    expect(layerOf('push/sender.ts')).toBeUndefined()
  })

  test('reports an import against the direction, naming file, line, import and rule', () => {
    const problems = layerProblems([
      file('http/auth.ts', 'export interface Actor { id: string }'),
      file('modules/places/service.ts', '', "import type { Actor } from '../../http/auth.js'"),
      file('modules/places/routes.ts', "import type { Actor } from '../../http/auth.js'"),
      file('jobs/beat.ts', "import type { Services } from '../app.js'"),
      file('app.ts', "import { beat } from './jobs/beat.js'"),
      file('db/seed.ts', "const { PlaceService } = await import('../modules/places/service.js')"),
      file('realtime/gateway.ts', "import { corsHeaders } from '../http/cors.js'"),
      file('http/cors.ts', ''),
      file('push/sender.ts', ''),
    ]).map(describeProblem)
    expect(problems).toEqual([
      "server/src/modules/places/service.ts:2 imports '../../http/auth.js' (http): modules may import only " +
        'modules, domain, db, infra, base (only route files, routes.ts or *-routes.ts, use http/; types the ' +
        'domain needs live in domain/)',
      "server/src/jobs/beat.ts:1 imports '../app.js' (app): jobs may import only jobs, modules, domain, db, " +
        'infra, base (the composition root is imported by main only; the Services type is in modules/services.ts)',
      "server/src/db/seed.ts:1 imports '../modules/places/service.js' (modules): db may import only db, infra, " +
        'base (db knows no module: seeds and generators live in cli/)',
      "server/src/realtime/gateway.ts:1 imports '../http/cors.js' (http): realtime may import only realtime, " +
        'modules, domain, db, infra, base',
      'server/src/push/sender.ts:1 is in no layer: give its folder a layer in ' +
        'server/test/helpers/import-layers.ts and docs/architecture.md',
    ])
  })

  test('reports a route that reads a repository, and an import of a missing file', () => {
    const problems = layerProblems([
      file('modules/places/repository.ts', ''),
      file('modules/places/routes.ts', "import type { PlaceRepository } from './repository.js'"),
      file('modules/places/service.ts', "import { gone } from './gone.js'"),
    ]).map(describeProblem)
    expect(problems).toEqual([
      "server/src/modules/places/routes.ts:1 imports './repository.js': routes reach data through services, " +
        'not repositories',
      "server/src/modules/places/service.ts:1 imports './gone.js': no such file in server/src",
    ])
  })

  test('reports every import cycle, type-only and dynamic imports included', () => {
    const cycles = importCycles([
      file('db/database.ts', "import { createMysql } from './mysql.js'"),
      file('db/mysql.ts', "const replicated = () => import('./replicated.js')"),
      file('db/replicated.ts', "import type { Database } from './database.js'"),
      file('db/sqlite.ts', "import type { Database } from './database.js'"),
      file('db/self.ts', "export * from './self.js'"),
      file('http/server.ts', "import type { Services } from '../app.js'"),
      file('app.ts', "import { createHttpServer } from './http/server.js'"),
    ])
    expect(cycles.map(describeCycle)).toEqual([
      'import cycle: server/src/app.ts -> server/src/http/server.ts -> server/src/app.ts',
      'import cycle: server/src/db/database.ts -> server/src/db/mysql.ts -> server/src/db/replicated.ts -> ' +
        'server/src/db/database.ts',
      'import cycle: server/src/db/self.ts -> server/src/db/self.ts',
    ])
  })

  test('reports no cycle where imports only point one way', () => {
    expect(
      importCycles([
        file(
          'db/database.ts',
          "import { createMysql } from './mysql.js'",
          "import type { Database } from './port.js'",
        ),
        file('db/mysql.ts', "import type { Database } from './port.js'"),
        file('db/port.ts', ''),
      ]),
    ).toEqual([])
  })

  test('reports a module class in a file not named for it, and SQL outside repositories', () => {
    const problems = namingProblems([
      file('modules/users/phone-codes.ts', 'export class PhoneCodeRepository {}'),
      file(
        'modules/users/phone-code-repository.ts',
        'export class PhoneCodeRepository {',
        "  q = db.selectFrom('x')",
        '}',
      ),
      file('modules/notifications/reminders.ts', 'export class ReminderService {}'),
      file('jobs/relay.ts', '', "await database.write.updateTable('outbox').set({}).execute()"),
      file('modules/places/service.ts', 'const n = sql`select 1`'),
      file('db/outbox.ts', "await database.write.deleteFrom('outbox').execute()"),
    ]).map(describeProblem)
    expect(problems).toEqual([
      'server/src/modules/users/phone-codes.ts:1 declares PhoneCodeRepository: name the file repository.ts or ' +
        '<topic>-repository.ts',
      'server/src/modules/notifications/reminders.ts:1 declares ReminderService: name the file service.ts or ' +
        '<topic>-service.ts',
      'server/src/jobs/relay.ts:2 builds SQL: queries live in repositories (modules/<module>/*repository.ts) or db/',
      'server/src/modules/places/service.ts:1 builds SQL: queries live in repositories ' +
        '(modules/<module>/*repository.ts) or db/',
    ])
  })
})
