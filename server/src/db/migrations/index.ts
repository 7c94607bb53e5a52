import type { Migration, MigrationProvider } from 'kysely'
import * as initial from './0001_initial.js'

/** Every migration, in order. Compiled into the build, so no file-system scanning at run time. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
