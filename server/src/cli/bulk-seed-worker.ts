// The worker thread of `hbnb seed --places`: makes the batches of rows (cli/bulk-seed.ts) while the
// main thread writes the previous ones, at most BATCHES_AHEAD ahead of the writer.
import { parentPort, workerData } from 'node:worker_threads'
import {
  BATCHES_AHEAD,
  Generator,
  type GeneratorSettings,
  seedStart,
  type WorkerMessage,
} from './bulk-seed.js'

const port = parentPort!
const settings = workerData as GeneratorSettings
const generator = new Generator(settings)
let credits = BATCHES_AHEAD
let wake: (() => void) | undefined
port.on('message', () => {
  credits++
  wake?.()
})
// The tables' bytes (MariaDB) are moved to the main thread, not copied.
const send = (message: WorkerMessage) => {
  const tables =
    message.type === 'batch' ? message.batch.tables : message.type === 'start' ? [message.start.people] : []
  port.postMessage(
    message,
    tables.flatMap((rows) => (rows.tsv ? [rows.tsv.buffer] : [])),
  )
}
send({ type: 'start', start: seedStart(generator) })
while (!generator.done) {
  while (credits === 0) {
    await new Promise<void>((resolve) => {
      wake = resolve
    })
    wake = undefined
  }
  credits--
  send({ type: 'batch', batch: generator.next(settings.batchPlaces) })
}
send({ type: 'end' })
