import { describe, expect, it } from 'vitest'
import { capturedLogger } from '../helpers/captured-logger.js'

describe('JSON logger', () => {
  it('writes each line with its own fields only, not those of earlier lines', () => {
    const { logger, lines } = capturedLogger()
    logger.info({ job: 'cleanup', result: { deleted: 2 } }, 'scheduled job cleanup done')
    logger.info({ reminder: 'review', enqueued: 4 }, 'reminders enqueued')
    logger.info('no fields at all')
    const [first, second, third] = lines.map((line) => JSON.parse(line))
    expect(first).toMatchObject({ 'hbnb.job': 'cleanup', 'hbnb.result': { deleted: 2 } })
    expect(second).toMatchObject({ 'hbnb.reminder': 'review', 'hbnb.enqueued': 4 })
    expect(second).not.toHaveProperty('hbnb.job')
    expect(Object.keys(third).filter((key) => key.startsWith('hbnb.'))).toEqual([])
  })
})
