// The committed API types (src/api/schema.d.ts) must match the server's current OpenAPI document:
// the document is made from the server's source here, so a changed route fails this test until
// `npm run api-types --workspace web` is run and the new file committed.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../server/src/app.js'
import { loadConfig } from '../../server/src/config.js'
import { createLogger } from '../../server/src/logger.js'
import { openApiDocument, TYPES_FILE, typesSource } from '../scripts/api-types.mjs'

describe('generated API types', () => {
  it('match the OpenAPI document of the server', async () => {
    const document = await openApiDocument({ createApp, loadConfig, createLogger })
    const expected = await typesSource(document)
    const committed = readFileSync(TYPES_FILE, 'utf8')
    expect(
      committed === expected,
      'web/src/api/schema.d.ts is stale: run `npm run api-types --workspace web`',
    ).toBe(true)
  })
})
