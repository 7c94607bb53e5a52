// Measuring a target quietly, and the bare node:http server answering the same bytes as HBNB: the
// baseline every benchmark measures in the same run.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startNode, stop, waitUntil } from './children.mjs'
import { cpuAccount } from './cpu.mjs'
import { request } from './http.mjs'
import { measure } from './load.mjs'

const BARE_SERVER = fileURLToPath(new URL('../bare-server.mjs', import.meta.url))
/** Average cores used by other processes above which a measurement is flagged as disturbed. */
export const NOISE_CORES = 0.1

const log = (message) => console.log(`bench: ${message}`)
export const noiseOf = (run) => (run.cpu ? run.cpu.otherCores + run.cpu.stealCores : 0)

/** Measures, and measures again (up to `retries` times) while other processes took CPU meanwhile. */
export async function measureQuietly(label, retries, run) {
  let best
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const result = { ...(await run()), attempts: attempt }
    if (!best || noiseOf(result) < noiseOf(best)) best = result
    if (noiseOf(result) <= NOISE_CORES || attempt > retries) break
    log(`  ${label}: other processes used ${noiseOf(result)} cores meanwhile, measuring again`)
  }
  return best
}

/**
 * Starts the bare server answering `capture` for `endpoint`; `measure()` measures it (again and
 * again: the cache benchmark measures it next to each HBNB run), `stop()` ends it.
 */
export async function startBare(endpoint, capture, workDir) {
  const fixturePath = join(workDir, `fixture-${endpoint.key}.json`)
  writeFileSync(
    fixturePath,
    JSON.stringify({
      method: endpoint.method,
      path: endpoint.path,
      status: capture.status,
      contentType: capture.headers['content-type'],
      body: capture.body.toString('base64'),
    }),
  )
  const port = await freePort()
  const bare = startNode('bare server', [BARE_SERVER, fixturePath, String(port)], { stdin: 'pipe' })
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    // Ready means: it answers this endpoint with exactly HBNB's status, content type and bytes.
    await waitUntil(bare, async () => {
      const res = await request(baseUrl, endpoint)
      return (
        res.status === capture.status &&
        res.headers['content-type'] === capture.headers['content-type'] &&
        res.body.equals(capture.body)
      )
    })
  } catch (error) {
    await stop(bare)
    throw error
  }
  return {
    measure: (load, retries) =>
      measureQuietly('bare', retries, () =>
        measure(baseUrl + endpoint.path, endpoint, load, () => cpuAccount(bare.pid)),
      ),
    stop: () => stop(bare),
  }
}

export async function benchBare(endpoint, capture, load, retries, workDir) {
  const bare = await startBare(endpoint, capture, workDir)
  try {
    return await bare.measure(load, retries)
  } finally {
    await bare.stop()
  }
}
