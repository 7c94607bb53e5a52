// The benchmarks' settings from the environment.

/** A non-negative number from the environment variable `name` (`what` names it in the error message). */
export function number(name, fallback, what = 'a non-negative number') {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be ${what}, got "${raw}"`)
  return value
}
