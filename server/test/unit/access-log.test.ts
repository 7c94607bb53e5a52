import { describe, expect, it } from 'vitest'
import { loggableUrl } from '../../src/http/access-log.js'

describe('access log', () => {
  it('hides secrets in query strings', () => {
    expect(loggableUrl('/api/v1/places/p1/calendar.ics?token=s3cret&x=1')).toBe(
      '/api/v1/places/p1/calendar.ics?token=[redacted]&x=1',
    )
    expect(loggableUrl('/x?a=1&refresh_token=abc')).toBe('/x?a=1&refresh_token=[redacted]')
    expect(loggableUrl('/api/v1/places/?limit=2')).toBe('/api/v1/places/?limit=2')
  })
})
