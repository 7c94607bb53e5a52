// `npm run bench:media`: what photos cost.
// 1. Variants of a 12-megapixel JPEG (4000 x 3000): CPU seconds of `makeVariants` (AVIF, WebP and JPEG
//    at 320, 640, 1024 and 1600 pixels wide), measured in this process, median of BENCH_MEDIA_RUNS (3).
// 2. Upload throughput through the API: BENCH_MEDIA_UPLOADS (24) multipart uploads of that photo,
//    4 at a time, to `hbnb all` (fresh data directory; its task runner polls once an hour, so no
//    variant is made meanwhile), next to a bare node:http server that reads the same bodies and
//    answers the same bytes, in the same run: MB/s and server CPU ms per upload.
// 3. Peak memory while 20 photos are made into variants at once: 20 uploads sent together to a second
//    `hbnb all` whose in-process task runner (the embedded worker) polls every 50 ms; the server's
//    peak RSS until all 20 are ready.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { atExit, freePort, installCleanup, startNode, stop, waitUntil } from './lib/children.mjs'
import { cpuAccount } from './lib/cpu.mjs'
import { ADMIN, startHbnb } from './lib/hbnb.mjs'
import { json, request } from './lib/http.mjs'
import { toMb, watchMemory } from './lib/memory.mjs'
import { machine } from './lib/report.mjs'
import { number } from './lib/settings.mjs'

const log = (message) => console.log(`bench:media: ${message}`)
const RUNS = Math.max(1, Math.floor(number('BENCH_MEDIA_RUNS', 3, 'a whole number')))
const UPLOADS = Math.max(4, Math.floor(number('BENCH_MEDIA_UPLOADS', 24, 'a whole number')))
const AT_ONCE = 20

/** A photo-like 4000 x 3000 JPEG: smooth gradients with sensor-like noise (a fixed seed). */
async function twelveMegapixels(sharp) {
  const width = 4000
  const height = 3000
  const pixels = Buffer.alloc(width * height * 3)
  let seed = 7
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      const noise = (seed % 17) - 8
      const i = (y * width + x) * 3
      pixels[i] = Math.max(0, Math.min(255, 90 + (120 * x) / width + 30 * Math.sin(y / 90) + noise))
      pixels[i + 1] = Math.max(0, Math.min(255, 140 + 60 * Math.cos(x / 150) - (50 * y) / height + noise))
      pixels[i + 2] = Math.max(0, Math.min(255, 60 + (150 * y) / height + noise))
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer()
}

function multipart(bytes) {
  const boundary = '----hbnb-bench-media'
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="photo.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function variantsCpu(photo) {
  const { makeVariants } = await import('../server/dist/modules/photos/images.js')
  await makeVariants(photo, 50_000_000) // warm-up: loads libvips and its codecs
  const seconds = []
  for (let run = 0; run < RUNS; run++) {
    const before = process.cpuUsage()
    await makeVariants(photo, 50_000_000)
    const used = process.cpuUsage(before)
    seconds.push((used.user + used.system) / 1e6)
  }
  return seconds
}

/** Sends `count` uploads, `parallel` at a time; returns the wall seconds and the answers' statuses. */
async function upload(baseUrl, path, body, token, count, parallel) {
  const statuses = []
  let next = 0
  const started = process.hrtime.bigint()
  const lane = async () => {
    while (next < count) {
      next++
      const answer = await request(baseUrl, {
        method: 'POST',
        path,
        headers: { 'content-type': body.contentType, authorization: `Bearer ${token}` },
        body: body.payload,
      })
      statuses.push(answer.status)
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane))
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, statuses, answer: undefined }
}

async function main() {
  installCleanup()
  const host = machine()
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-media-'))
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  log(`Node ${host.node}, ${host.cpuModel}, ${host.cores} cores`)
  const { default: sharp } = await import('sharp')
  const photo = await twelveMegapixels(sharp)
  const mb = photo.length / 1_048_576
  log(`test photo: 4000 x 3000 JPEG, ${mb.toFixed(2)} MB`)

  const cpu = await variantsCpu(photo)
  log(
    `variants of the 12 MP photo: ${cpu.map((s) => s.toFixed(2)).join(', ')} s of CPU (median ${median(cpu).toFixed(2)}; target <= 1.5)`,
  )

  /** `hbnb all` whose task runner polls every `pollMs`, an admin's token, and a new listing to fill. */
  const startServer = async (name, pollMs) => {
    const server = await startHbnb({
      port: await freePort(),
      dataDir: join(workDir, name),
      authRateLimit: 1_000_000,
      extra: { HBNB_TASK_POLL_MS: String(pollMs), HBNB_LOG_LEVEL: 'warn' },
    })
    const { access_token: token } = await json(server.baseUrl, {
      method: 'POST',
      path: '/api/v1/auth/login',
      body: ADMIN,
    })
    const newPlace = async (title) =>
      (
        await json(
          server.baseUrl,
          {
            method: 'POST',
            path: '/api/v1/places/',
            headers: { authorization: `Bearer ${token}` },
            body: { title, description: 'Photos benchmark', price: 90, latitude: 41.1, longitude: -8.6 },
          },
          201,
        )
      ).id
    return { ...server, token, newPlace }
  }
  const body = multipart(photo)

  // Throughput: uploads only (the runner polls once an hour: no variant is made meanwhile).
  let hbnb = await startServer('uploads', 3_600_000)
  let { token } = hbnb
  const throughputPlace = await hbnb.newPlace('Upload throughput')
  const path = `/api/v1/places/${throughputPlace}/photos`
  const perPlace = 30
  const uploads = Math.min(UPLOADS, perPlace)
  const account = cpuAccount(hbnb.proc.pid)
  const sent = await upload(hbnb.baseUrl, path, body, token, uploads, 4)
  const usage = account.finish()
  const refused = sent.statuses.filter((s) => s !== 202).length
  if (refused)
    throw new Error(`${refused} uploads were not accepted (statuses ${[...new Set(sent.statuses)]})`)
  const sample = await request(hbnb.baseUrl, { path: `${path}` })

  // The bare server: the same bodies, read whole, answered with the same bytes.
  const fixture = join(workDir, 'bare.json')
  writeFileSync(
    fixture,
    JSON.stringify({
      method: 'POST',
      path,
      status: 202,
      contentType: 'application/json',
      body: sample.body.toString('base64'),
    }),
  )
  const barePort = await freePort()
  const bare = startNode('bare server', [
    new URL('./bare-server.mjs', import.meta.url).pathname,
    fixture,
    String(barePort),
  ])
  const bareUrl = `http://127.0.0.1:${barePort}`
  await waitUntil(bare, async () => (await request(bareUrl, { path: '/' })).status === 404)
  const bareAccount = cpuAccount(bare.pid)
  const bareSent = await upload(bareUrl, path, body, token, uploads, 4)
  const bareUsage = bareAccount.finish()
  await stop(bare)
  await stop(hbnb.proc)

  // 20 photos at once: sent together to a fresh server, made into variants by its embedded runner.
  hbnb = await startServer('burst', 50)
  token = hbnb.token
  const memory = watchMemory(hbnb.proc.pid, 100)
  memory.mark()
  const burstPlace = await hbnb.newPlace('Twenty photos at once')
  const burstPath = `/api/v1/places/${burstPlace}/photos`
  const burstStarted = process.hrtime.bigint()
  const burst = await upload(hbnb.baseUrl, burstPath, body, token, AT_ONCE, AT_ONCE)
  if (burst.statuses.some((s) => s !== 202)) throw new Error(`burst statuses ${[...new Set(burst.statuses)]}`)
  await waitUntil(
    hbnb.proc,
    async () => {
      const photos = JSON.parse(
        (await request(hbnb.baseUrl, { path: burstPath, headers: { authorization: `Bearer ${token}` } }))
          .body,
      )
      return photos.length === AT_ONCE && photos.every((p) => p.status === 'ready')
    },
    900_000,
  )
  const burstSeconds = Number(process.hrtime.bigint() - burstStarted) / 1e9
  const burstPeak = toMb(memory.mark())
  const hwm = toMb(memory.hwmKb())
  await stop(hbnb.proc)

  const rows = [
    ['HBNB (multipart, spooled, checked, stored)', sent, usage],
    ['bare node:http (reads the body)', bareSent, bareUsage],
  ]
  console.log('')
  console.log(
    `| upload of a ${mb.toFixed(1)} MB photo, 4 at a time | uploads | MB/s | ms per upload (wall) | server CPU ms per upload | other cores |`,
  )
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const [label, run, cpuUse] of rows) {
    const count = run.statuses.length
    console.log(
      `| ${label} | ${count} | ${((count * mb) / run.seconds).toFixed(1)} | ${((run.seconds * 1000) / count).toFixed(0)} | ${cpuUse ? ((cpuUse.serverCpuSeconds * 1000) / count).toFixed(1) : 'n/a'} | ${cpuUse?.otherCores ?? 'n/a'} |`,
    )
  }
  console.log('')
  console.log(
    `variants of a 12 MP JPEG: median ${median(cpu).toFixed(2)} s of CPU over ${RUNS} runs (target <= 1.5 s)`,
  )
  console.log(
    `${AT_ONCE} photos uploaded at once and made into variants: ${burstSeconds.toFixed(1)} s; peak RSS of the server ${burstPeak} MB during it, VmHWM ${hwm} MB (target < 400 MB)`,
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
