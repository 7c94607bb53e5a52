// Baseline of `npm run bench:tasks`: a bare rabbitmq-client consumer (ack on receipt, no HBNB code) in
// its own process, like the worker. Arguments: AMQP URL, queue, prefetch, message count. It tells its
// parent (IPC) when it is consuming and when it has acked that many messages.
import { Connection } from 'rabbitmq-client'

const [url, queue, prefetch, count] = process.argv.slice(2)
const expected = Number(count)
const connection = new Connection(url)
let acked = 0
const consumer = connection.createConsumer(
  {
    queue,
    queueOptions: { durable: true },
    qos: { prefetchCount: Number(prefetch) },
    concurrency: Number(prefetch),
  },
  async () => {
    if (++acked === expected) process.send({ done: acked })
  },
)
consumer.once('ready', () => process.send({ ready: true }))
process.on('disconnect', async () => {
  await consumer.close()
  await connection.close()
  process.exit(0)
})
