import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { AccessLog, loggableUrl } from '../../src/http/access-log.js'
import { capturedLogger } from '../helpers/captured-logger.js'

const withoutTime = (line: string) => JSON.parse(line.replace(/"@timestamp":"[^"]+"/, '"@timestamp":"T"'))

describe('access log', () => {
  it('hides secrets in query strings', () => {
    expect(loggableUrl('/api/v1/places/p1/calendar.ics?token=s3cret&x=1')).toBe(
      '/api/v1/places/p1/calendar.ics?token=[redacted]&x=1',
    )
    expect(loggableUrl('/x?a=1&refresh_token=abc')).toBe('/x?a=1&refresh_token=[redacted]')
    expect(loggableUrl('/api/v1/places/?limit=2')).toBe('/api/v1/places/?limit=2')
  })

  it('writes the line pino would write, byte for byte but the time, with secrets hidden and text escaped', async () => {
    const { logger, lines } = capturedLogger()
    const line = {
      id: 'r-1',
      method: 'GET',
      url: '/api/v1/search?q="quoted"\\é&token=s3cret',
      status: 200,
      durationNs: 1234,
      clientIp: '::1',
    }
    new AccessLog(logger).line(line)
    await new Promise((resolve) => setImmediate(resolve))
    const path = loggableUrl(line.url)
    logger.info(
      {
        'http.request.id': line.id,
        'http.request.method': line.method,
        'url.path': '/api/v1/search',
        'url.query': path.slice(path.indexOf('?') + 1),
        'http.response.status_code': line.status,
        'event.duration': line.durationNs,
        'client.ip': line.clientIp,
      },
      `GET ${path} 200`,
    )
    expect(lines).toHaveLength(2)
    expect(lines[0]!.endsWith('\n')).toBe(true)
    expect(withoutTime(lines[0]!)).toEqual(withoutTime(lines[1]!))
    expect(lines[0]!.replace(/"@timestamp":"[^"]+"/, '')).toBe(lines[1]!.replace(/"@timestamp":"[^"]+"/, ''))
    expect(lines[0]).not.toContain('s3cret')
  })

  it("never carries a line's fields over to the next line", () => {
    const { logger, lines } = capturedLogger()
    logger.warn({ replica: '127.0.0.1:3311' }, 'database replica 127.0.0.1:3311 is out of rotation')
    logger.error({ err: new Error('broker down') }, 'RabbitMQ connection error')
    logger.info('plain')
    const [first, second, third] = lines.map((line) => JSON.parse(line))
    expect(first['hbnb.replica']).toBe('127.0.0.1:3311')
    expect(second['hbnb.replica']).toBeUndefined()
    expect(second['error.message']).toBe('broker down')
    expect(Object.keys(third).filter((key) => key.startsWith('hbnb.') || key.startsWith('error.'))).toEqual(
      [],
    )
  })

  it('writes nothing below its level', () => {
    const { logger, lines } = capturedLogger()
    logger.level = 'warn'
    new AccessLog(logger).line({
      id: 'r',
      method: 'GET',
      url: '/',
      status: 200,
      durationNs: 1,
      clientIp: '::1',
    })
    expect(lines).toHaveLength(0)
  })
})

describe('access lines on exit', () => {
  it('are written even when the process exits in the same event-loop turn', () => {
    const dist = new URL('../../dist/', import.meta.url).href
    const script = `
      const { AccessLog } = await import('${dist}http/access-log.js')
      const { createLogger } = await import('${dist}logger.js')
      const log = new AccessLog(createLogger({ logLevel: 'info', logFormat: 'json' }))
      for (let i = 0; i < 3; i++) log.line({ id: 'exit-' + i, method: 'GET', url: '/x', status: 200, durationNs: 1, clientIp: '::1' })
      process.exit(0)`
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(output.match(/"http.request.id":"exit-\d"/g)).toEqual([
      '"http.request.id":"exit-0"',
      '"http.request.id":"exit-1"',
      '"http.request.id":"exit-2"',
    ])
  })
})
