import { type MigrationResultSet, Migrator } from 'kysely/migration'
import type { Database } from './database.js'
import { migrationProvider } from './migrations/index.js'

function migrator(database: Database): Migrator {
  return new Migrator({ db: database.write, provider: migrationProvider })
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) throw result.error
  return (result.results ?? []).map(
    (r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`,
  )
}

export async function migrateUp(database: Database): Promise<string[]> {
  return unwrap(await migrator(database).migrateToLatest())
}

export async function migrateDown(database: Database): Promise<string[]> {
  return unwrap(await migrator(database).migrateDown())
}

export async function migrationStatus(
  database: Database,
): Promise<{ name: string; appliedAt: Date | null }[]> {
  const migrations = await migrator(database).getMigrations()
  return migrations.map((m) => ({ name: m.name, appliedAt: m.executedAt ?? null }))
}

/** The names of every migration, in order, without a database. */
export async function migrationNames(): Promise<string[]> {
  return Object.keys(await migrationProvider.getMigrations()).sort()
}
