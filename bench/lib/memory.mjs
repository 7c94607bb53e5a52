// Memory of a process from /proc (Linux): VmRSS sampled while it runs, VmHWM (the kernel's peak) at the end.
import { readFileSync } from 'node:fs'

function statusKb(pid, field) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
    )
    return match ? Number(match[1]) : null
  } catch {
    return null
  }
}

export const toMb = (kb) => (kb === null ? null : Math.round((kb / 1024) * 10) / 10)

/** Samples VmRSS of `pid` every `intervalMs`; `mark()` starts a new window, `peakHwm()` reads VmHWM. */
export function watchMemory(pid, intervalMs = 200) {
  let peakKb = null
  let windowPeakKb = null
  const sample = () => {
    const kb = statusKb(pid, 'VmRSS')
    if (kb === null) return
    if (peakKb === null || kb > peakKb) peakKb = kb
    if (windowPeakKb === null || kb > windowPeakKb) windowPeakKb = kb
  }
  sample()
  const timer = setInterval(sample, intervalMs)
  timer.unref()
  return {
    available: peakKb !== null,
    /** Peak sampled RSS (kB) since the previous mark. */
    mark() {
      sample()
      const peak = windowPeakKb
      windowPeakKb = null
      return peak
    },
    peakSampledKb: () => peakKb,
    hwmKb: () => statusKb(pid, 'VmHWM'),
    stop: () => clearInterval(timer),
  }
}
