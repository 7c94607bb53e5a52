// Process A of `npm run bench:realtime`: an API process (the app of `hbnb serve`, from the build,
// listening on a free port) that publishes live events through its live-events seam, as services
// do after a commit, at the rate the bench asks for. Each event carries its send time.
// Talks to the bench over IPC: { rate, seconds, topic } in, { published } out.
import { performance } from 'node:perf_hooks'
import { createApp } from '../server/dist/app.js'
import { loadConfig } from '../server/dist/config.js'
import { createLogger } from '../server/dist/logger.js'

const config = loadConfig(process.env, false)
const logger = createLogger(config)
const app = await createApp(config, logger)
await app.http.listen({ host: '127.0.0.1', port: 0 })
// Until the pub/sub subscription is up, Redis is not fully in use.
while ((await app.services.system.readiness()).status !== 'ok') {
  await new Promise((resolve) => setTimeout(resolve, 50))
}
process.send({ ready: true })

process.on('message', async ({ rate, seconds, topic }) => {
  const total = rate * seconds
  const tickMs = 10
  const perTick = rate / (1000 / tickMs)
  const start = performance.now()
  let published = 0
  while (published < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + perTick)
    while (published < due) {
      app.live.publish({
        topic,
        type: 'bench.event',
        data: { seq: published, sent_at: performance.timeOrigin + performance.now() },
      })
      published++
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs))
  }
  // Let the last publishes reach Redis before saying so.
  await new Promise((resolve) => setTimeout(resolve, 200))
  process.send({ published })
})

process.on('disconnect', async () => {
  await app.close()
  process.exit(0)
})
