// CPU time from /proc (Linux): how much the machine did besides the benchmark and its children while
// a target was measured. Other work on the same cores (tests, builds) makes the figures unreliable.
import { readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ, 100 on every mainstream Linux

function machineTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal. Interrupt time is left out: much of it is the
  // benchmark's own loopback traffic, which no process is charged for. Steal is what the host took.
  const [user, nice, system, , , , , steal = 0] = fields
  return { busy: user + nice + system, steal }
}

/** utime + stime of a process, in ticks (0 once it is gone). */
export function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces), starting with field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime + stime
  } catch {
    return 0
  }
}

/** utime + stime of a process and its child processes (an `hbnb serve --workers N` pool), in ticks. */
function processTreeTicks(pid) {
  let children = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
  } catch {}
  return children.reduce((sum, child) => sum + processTicks(Number(child)), processTicks(pid))
}

/**
 * Starts a CPU account of the server `serverPid` and its child processes (the workers of a pool; the
 * benchmark process is counted with them as "ours").
 * `finish()` gives average cores used by the server, by the benchmark and server together, by every
 * other process of the machine, and stolen by the hypervisor, plus the server's CPU seconds.
 */
export function cpuAccount(serverPid) {
  const snapshot = () => {
    try {
      const server = processTreeTicks(serverPid)
      return {
        at: process.hrtime.bigint(),
        ...machineTicks(),
        server,
        ours: server + processTicks(process.pid),
      }
    } catch {
      return null
    }
  }
  const start = snapshot()
  return {
    finish() {
      const end = snapshot()
      if (!start || !end) return null
      const seconds = Number(end.at - start.at) / 1e9
      const cores = (ticks) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100
      return {
        serverCpuSeconds: (end.server - start.server) / TICKS_PER_SECOND,
        serverCores: cores(end.server - start.server),
        benchmarkCores: cores(end.ours - start.ours),
        otherCores: cores(Math.max(0, end.busy - start.busy - (end.ours - start.ours))),
        stealCores: cores(end.steal - start.steal),
      }
    },
  }
}
