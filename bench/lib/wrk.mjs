// Load generation with wrk (Debian's package), for measurements where the load generator must leave
// the cores to the server: wrk spends a few microseconds of CPU per request where autocannon, in
// Node, spends about as much as the server. Same result shape as load.mjs's measure(), plus the
// CPU wrk itself used.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const WRK = '/usr/bin/wrk'

export function wrkAvailable() {
  return spawnSync(WRK, ['--version']).error === undefined
}

// Printed by wrk when the run is done: the counts and the latency percentiles (microseconds).
const REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("HBNB requests=%d seconds=%f status=%d connect=%d read=%d write=%d timeout=%d\\n",
    summary.requests, summary.duration / 1e6, e.status, e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("HBNB p%d=%d\\n", p, latency:percentile(p)))
  end
  io.write(string.format("HBNB max=%d\\nHBNB mean=%f\\n", latency.max, latency.mean))
end
`

// With a depth over 1, each connection sends that many requests before reading their answers (HTTP
// pipelining): wrk then spends several times less CPU per request, which leaves more of a small
// machine's cores to the server under test.
const pipelined = (depth) => `
init = function(args)
  local batch = {}
  for i = 1, ${depth} do batch[i] = wrk.format(nil) end
  pipelined = table.concat(batch)
end
request = function() return pipelined end
`

const scripts = new Map()

function scriptFor(pipeline) {
  if (!scripts.has(pipeline)) {
    const file = join(mkdtempSync(join(tmpdir(), 'hbnb-wrk-')), 'report.lua')
    writeFileSync(file, (pipeline > 1 ? pipelined(pipeline) : '') + REPORT)
    scripts.set(pipeline, file)
  }
  return scripts.get(pipeline)
}

function runWrk(url, { connections, seconds, pipeline = 1 }) {
  const reportScript = scriptFor(pipeline)
  return new Promise((resolve, reject) => {
    // The shell's `times` prints the CPU its children (wrk) used once they are done.
    const command = `"$0" -t1 -c${connections} -d${seconds}s --timeout 10s -s "$1" "$2" && times`
    const child = spawn('sh', ['-c', command, WRK, reportScript, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0 || !output.includes('HBNB requests=')) {
        return reject(new Error(`wrk exited with ${code} without its report: ${output}`))
      }
      const report = output
        .split('\n')
        .filter((line) => line.startsWith('HBNB '))
        .join(' ')
      const values = Object.fromEntries(
        [...report.matchAll(/(\w+)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]),
      )
      // `times`: the shell's own user and system time, then its children's ("0m1.230s 0m0.100s").
      const childTimes = output
        .trim()
        .split('\n')
        .at(-1)
        .match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/)
      const seconds = (m, s) => Number(m) * 60 + Number(s)
      const wrkCpuSeconds = seconds(childTimes[1], childTimes[2]) + seconds(childTimes[3], childTimes[4])
      resolve({ values, wrkCpuSeconds })
    })
  })
}

/**
 * As load.mjs's measure() for a plain GET of `url`, with wrk (one thread) as the load generator,
 * sending `pipeline` requests at a time on each connection (1: one at a time, as browsers do).
 */
export async function measureWithWrk(url, { connections, duration, warmup, pipeline = 1 }, watch) {
  if (warmup > 0) await runWrk(url, { connections, seconds: warmup, pipeline })
  const watcher = watch?.()
  const { values, wrkCpuSeconds } = await runWrk(url, { connections, seconds: duration, pipeline })
  const cpu = watcher?.finish() ?? null
  const ms = (microseconds) => microseconds / 1000
  const requests = values.requests
  return {
    cpu,
    serverCpuMsPerRequest: cpu && requests ? (cpu.serverCpuSeconds * 1000) / requests : null,
    loadGeneratorCpuMsPerRequest: requests ? (wrkCpuSeconds * 1000) / requests : null,
    requestsPerSecond: requests / values.seconds,
    latencyMs: {
      p50: ms(values.p50),
      p90: ms(values.p90),
      p95: ms(values.p95),
      p99: ms(values.p99),
      max: ms(values.max),
      mean: ms(values.mean),
    },
    requests,
    ok: requests - values.status,
    non2xx: values.status,
    errors: values.connect + values.read + values.write,
    timeouts: values.timeout,
    durationSeconds: values.seconds,
  }
}
