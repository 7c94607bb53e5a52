import { type MigrationResultSet, Migrator } from 'kysely/migration'
import type { Database } from './database.js'
import { priceScaledCurrent, syncPriceScaled } from './migrations/0024_search_price_scaled.js'
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

/**
 * Every pending migration, then the search index's scaled prices written again if Node's currency
 * decimals are not those they were written with (migration 0024).
 */
export async function migrateUp(database: Database): Promise<string[]> {
  const applied = unwrap(await migrator(database).migrateToLatest())
  if (await syncPriceScaled(database.write)) {
    applied.push(
      "rewrote places.price_scaled: this Node's currency decimals differ from those it was written with",
    )
  }
  return applied
}

/** Whether the search index's scaled prices were written with this Node's currency decimals (0024). */
export function searchPricesCurrent(database: Database): Promise<boolean> {
  return priceScaledCurrent(database.write)
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
