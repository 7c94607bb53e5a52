// What the benchmark prints: the machine, a Markdown table of figures, and a look at the issue's targets.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function machine() {
  const cpuList = cpus()
  const autocannonVersion = JSON.parse(
    readFileSync(new URL('../../node_modules/autocannon/package.json', import.meta.url), 'utf8'),
  ).version
  return {
    node: process.version,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    availableParallelism: availableParallelism(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${process.platform} ${release()}`,
    autocannon: autocannonVersion,
    loadAverageAtStart: loadAverage(),
  }
}

const fixed = (value, digits) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits))
const ms = (value) => fixed(value, value !== null && value < 10 ? 2 : 1)
const rps = (value) => Math.round(value).toLocaleString('en-US')

function markdown(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)))
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/**
 * What each request cost the server in CPU time (robust to other load on the machine, unlike req/s),
 * and how many cores other processes used meanwhile (above ~0.1 the req/s and latencies are disturbed).
 */
export function cpuTable(results) {
  const header = [
    'endpoint',
    'HBNB CPU ms/req',
    'bare CPU ms/req',
    'CPU ratio (bare/HBNB)',
    'other cores (HBNB / bare)',
  ]
  const rows = results.map(({ label, hbnb, bare }) => [
    label,
    fixed(hbnb.serverCpuMsPerRequest, 3),
    fixed(bare?.serverCpuMsPerRequest, 3),
    hbnb.serverCpuMsPerRequest && bare?.serverCpuMsPerRequest
      ? `${fixed((bare.serverCpuMsPerRequest / hbnb.serverCpuMsPerRequest) * 100, 1)} %`
      : 'n/a',
    `${fixed(hbnb.cpu?.otherCores, 2)} / ${fixed(bare?.cpu?.otherCores, 2)}`,
  ])
  return markdown(header, rows)
}

/** The figures as a Markdown table (so it can be pasted into docs/benchmarks.md as printed). */
export function table(results) {
  const header = [
    'endpoint',
    'HBNB req/s',
    'p50 ms',
    'p99 ms',
    'bare req/s',
    'bare p50',
    'bare p99',
    'ratio (HBNB/bare)',
  ]
  const rows = results.map(({ label, hbnb, bare, ratio }) => [
    label,
    rps(hbnb.requestsPerSecond),
    ms(hbnb.latencyMs.p50),
    ms(hbnb.latencyMs.p99),
    rps(bare.requestsPerSecond),
    ms(bare.latencyMs.p50),
    ms(bare.latencyMs.p99),
    `${fixed(ratio * 100, 1)} %`,
  ])
  return markdown(header, rows)
}

/** The issue's targets, read against the figures: information only, never the exit code. */
export function targets(results, peakRssMb, startupRssMb) {
  const checks = []
  const byKey = Object.fromEntries(results.map((result) => [result.key, result]))
  const cpu = (key, maximum) => {
    const value = byKey[key]?.hbnb.serverCpuMsPerRequest
    if (value === undefined || value === null) return
    checks.push({
      target: `${byKey[key].label}: <= ${maximum} ms of server CPU per request`,
      measured: `${fixed(value, 3)} ms`,
      met: value <= maximum,
    })
  }
  const p99 = (key, maximum) => {
    if (!byKey[key]) return
    const value = byKey[key].hbnb.latencyMs.p99
    checks.push({
      target: `${byKey[key].label}: p99 <= ${maximum} ms`,
      measured: `${ms(value)} ms`,
      met: value <= maximum,
    })
  }
  cpu('detail', 0.12)
  cpu('list', 0.6)
  cpu('list1000', 5)
  p99('detail', 25)
  p99('list', 60)
  if (peakRssMb !== null) {
    checks.push({
      target: 'HBNB peak RSS < 200 MB',
      measured: `${fixed(peakRssMb, 1)} MB`,
      met: peakRssMb < 200,
    })
  }
  if (startupRssMb !== null) {
    checks.push({
      target: 'HBNB RSS after start-up < 120 MB',
      measured: `${fixed(startupRssMb, 1)} MB`,
      met: startupRssMb < 120,
    })
  }
  return checks
}

/** The machine's load averages (1, 5, 15 minutes), to two decimals. */
export function loadAverage() {
  return loadavg().map((value) => Math.round(value * 100) / 100)
}

/** Writes a run's report as JSON to bench/results/<fileName> and says where. */
export function writeResults(fileName, report) {
  const dir = fileURLToPath(new URL('../results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const jsonPath = join(dir, fileName)
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`\nResults written to ${jsonPath}`)
}

/** Warns of the targets measured while other processes competed for the CPU. */
export function warnDisturbed(results) {
  const disturbed = results.filter((result) => result.noise.length).map((result) => result.label)
  if (disturbed.length) {
    console.log(`\nWarning: other processes competed for the CPU during: ${disturbed.join('; ')}.`)
    console.log('Run again on a quiet machine before trusting those figures.')
  }
}

/** What went wrong in the load runs of the results, each named by its target. */
export const loadProblems = (results) =>
  results.flatMap((result) => result.problems.map((p) => `${result.label}: ${p}`))

/** The start of a load run's report: when, on what machine, and with which load settings (then `extra`). */
export function reportHead(host, load, retries, extra) {
  return {
    date: new Date().toISOString(),
    machine: { ...host, loadAverageAtEnd: loadAverage() },
    settings: {
      connections: load.connections,
      durationSeconds: load.duration,
      warmupSeconds: load.warmup,
      retries,
      ...extra,
    },
  }
}

/** Prints whether each target was met, when there are any. */
export function printTargets(checks) {
  if (!checks.length) return
  console.log('\nTargets (information only; they do not affect the exit code):')
  for (const check of checks)
    console.log(`  ${check.met ? 'met   ' : 'missed'}  ${check.target} — ${check.measured}`)
}
