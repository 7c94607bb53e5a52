import pino from 'pino'
import { createLogger } from '../../src/logger.js'

/** A JSON logger made by createLogger whose lines land in `lines` (pino's own writes and direct ones alike). */
export function capturedLogger() {
  const lines: string[] = []
  const logger = createLogger({ logLevel: 'info', logFormat: 'json' })
  ;(logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write: (line: string) => lines.push(line),
  }
  return { logger, lines }
}
