import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { settingsTable } from '../../src/config.js'

describe('README', () => {
  it('documents every setting, as the code defines them', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    expect(readme).toContain(settingsTable())
  })
})
