// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, the
// functions with the most total time, and self time by package.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

const [file, topArg] = process.argv.slice(2)
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parentOf = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)

function where(url) {
  if (!url) return ''
  const path = url.replace(/^file:\/\//, '')
  return path.startsWith('/') ? relative(process.cwd(), path) : path
}

function keyOf({ callFrame }) {
  const name = callFrame.functionName || '(anonymous)'
  return `${name}  ${where(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`
}

/** node_modules package, the HBNB server build, Node's own code, or V8 / native work. */
function packageOf({ callFrame }) {
  const { url, functionName } = callFrame
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)'
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)
  if (modules) return modules[modules.length - 1].replace('node_modules/', '')
  if (url.startsWith('node:')) return 'node: (Node.js internals)'
  if (url.includes('/server/dist/')) return 'hbnb server (server/dist)'
  return where(url)
}

const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us)
const self = new Map()
const total = new Map()
const packages = new Map()
let sampledUs = 0
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0
  sampledUs += us
  const node = byId.get(id)
  add(self, keyOf(node), us)
  add(packages, packageOf(node), us)
  // Total time: a sample counts once for every distinct function on its stack.
  const onStack = new Set()
  for (let frame = node; frame; frame = byId.get(parentOf.get(frame.id))) onStack.add(keyOf(frame))
  for (const key of onStack) add(total, key, us)
})

const pct = (us) => `${((us / sampledUs) * 100).toFixed(1).padStart(5)} %`
const msText = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`
const print = (title, map, skip = () => false) => {
  console.log(`\n${title}`)
  const rows = [...map].filter(([key]) => !skip(key)).sort((a, b) => b[1] - a[1])
  for (const [key, us] of rows.slice(0, top)) console.log(`${pct(us)} ${msText(us)}  ${key}`)
}

console.log(`${file}: ${(sampledUs / 1e6).toFixed(1)} s sampled, ${profile.samples.length} samples`)
print(`Top ${top} functions by self time:`, self)
print(
  `Top ${top} functions by total time (self + callees, up to the first await):`,
  total,
  (key) => key.startsWith('(root)') || key.startsWith('(program)'),
)
print('Self time by package:', packages)
