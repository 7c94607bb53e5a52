// pino, shaped as Elastic Common Schema JSON (or pretty on a terminal), with secrets redacted.
import pino, { type Logger } from 'pino'
import type { Config } from './config.js'

export type { Logger }

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.password_hash',
  '*.access_token',
  '*.refresh_token',
  '*.jwtSecret',
  '*.adminPassword',
  '*.smsAuthToken',
  '*.authToken',
  '*.token',
]

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, name = 'hbnb'): Logger {
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' }
  if (config.logFormat === 'pretty') {
    return pino({
      level: config.logLevel,
      redact,
      transport: {
        target: 'pino-pretty',
        options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' },
      },
    })
  }
  return pino({
    level: config.logLevel,
    redact,
    messageKey: 'message',
    base: { 'ecs.version': '8.11.0', 'service.name': name, 'process.pid': process.pid },
    timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ 'log.level': label }) },
  })
}
