// The layers of server/src and the direction of imports between them (docs/architecture.md,
// "Layers"), checked on the source text: every static `import`/`export ... from`, `import type`,
// dynamic `import()`, `import('…')` type and `require()` of a relative path counts.
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import ts from 'typescript'

export type Layer =
  | 'main'
  | 'app'
  | 'http'
  | 'routes'
  | 'jobs'
  | 'realtime'
  | 'modules'
  | 'domain'
  | 'db'
  | 'infra'
  | 'base'

/**
 * What each layer may import besides itself. `routes` are the modules' route files
 * (`routes.ts`, `*-routes.ts`): the HTTP side of a module, registered by http/server.ts.
 * `db` and `infra` are one tier of adapters: they may use each other (never in a cycle).
 */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  main: ['app', 'http', 'routes', 'jobs', 'realtime', 'modules', 'domain', 'db', 'infra', 'base'],
  app: ['http', 'routes', 'jobs', 'realtime', 'modules', 'domain', 'db', 'infra', 'base'],
  http: ['routes', 'modules', 'domain', 'db', 'infra', 'base'],
  routes: ['http', 'modules', 'domain', 'db', 'infra', 'base'],
  jobs: ['modules', 'domain', 'db', 'infra', 'base'],
  realtime: ['modules', 'domain', 'db', 'infra', 'base'],
  modules: ['domain', 'db', 'infra', 'base'],
  domain: ['base'],
  db: ['infra', 'base'],
  infra: ['db', 'base'],
  base: [],
}

const FOLDERS: Record<string, Layer> = {
  cli: 'main',
  http: 'http',
  jobs: 'jobs',
  realtime: 'realtime',
  modules: 'modules',
  domain: 'domain',
  db: 'db',
  infra: 'infra',
}

const isRoutesFile = (path: string) => /(^|-)routes\.ts$/.test(posix.basename(path))
const isRepositoryFile = (path: string) => /(^|-)repository\.ts$/.test(posix.basename(path))
const isServiceFile = (path: string) => /(^|-)service\.ts$/.test(posix.basename(path))

/** The layer of a file (a path relative to server/src, with `/`), or undefined when it has none. */
export function layerOf(path: string): Layer | undefined {
  const parts = path.split('/')
  if (parts.length === 1) {
    if (path === 'main.ts') return 'main'
    if (path === 'app.ts') return 'app'
    return 'base'
  }
  const layer = Object.hasOwn(FOLDERS, parts[0]!) ? FOLDERS[parts[0]!] : undefined
  if (layer === 'modules' && isRoutesFile(path)) return 'routes'
  return layer
}

export interface SourceFile {
  /** Relative to server/src, with `/`. */
  path: string
  text: string
}

export interface Import {
  line: number
  specifier: string
}

export interface Problem {
  file: string
  line: number
  message: string
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
}

/** Every module specifier the file names, type-only and dynamic ones included. */
export function importsOf(file: SourceFile): Import[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: Import[] = []
  const add = (node: ts.Node, specifier: ts.Node | undefined) => {
    if (specifier && ts.isStringLiteralLike(specifier)) {
      found.push({ line: lineOf(source, node), specifier: specifier.text })
    }
  }
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier)
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression)
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require'
      if (isImport || isRequire) add(node, node.arguments[0])
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const QUERY_BUILDERS = new Set([
  'selectFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
])

/** Lines where the file builds SQL: a Kysely query started on a table, or a `sql` template. */
export function sqlLinesOf(file: SourceFile): number[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const lines: number[] = []
  const visit = (node: ts.Node) => {
    if (
      (ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        QUERY_BUILDERS.has(node.expression.name.text)) ||
      (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql')
    ) {
      lines.push(lineOf(source, node))
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return lines
}

/** The file a relative specifier names (`./x.js` is `x.ts`), or undefined for a package. */
function resolve(from: string, specifier: string, paths: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const base = posix.normalize(posix.join(posix.dirname(from), specifier))
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, base]
  return candidates.find((candidate) => paths.has(candidate)) ?? base
}

/** Imports against the layers' direction, and files outside every layer. */
export function layerProblems(files: readonly SourceFile[]): Problem[] {
  const paths = new Set(files.map((file) => file.path))
  const problems: Problem[] = []
  for (const file of files) {
    const from = layerOf(file.path)
    if (!from) {
      problems.push({
        file: file.path,
        line: 1,
        message:
          `is in no layer: give its folder a layer in server/test/helpers/import-layers.ts ` +
          `and docs/architecture.md`,
      })
      continue
    }
    for (const { line, specifier } of importsOf(file)) {
      const target = resolve(file.path, specifier, paths)
      if (target === undefined) continue
      if (!paths.has(target)) {
        problems.push({
          file: file.path,
          line,
          message: `imports '${specifier}': no such file in server/src`,
        })
        continue
      }
      const to = layerOf(target)
      if (!to) continue // reported for the file itself
      if (to !== from && !MAY_IMPORT[from].includes(to)) {
        problems.push({
          file: file.path,
          line,
          message:
            `imports '${specifier}' (${to}): ${from} may import only ` +
            `${[from, ...MAY_IMPORT[from]].join(', ')}${HINTS[`${from}->${to}`] ?? ''}`,
        })
      } else if ((from === 'routes' || from === 'http') && isRepositoryFile(target)) {
        problems.push({
          file: file.path,
          line,
          message: `imports '${specifier}': routes reach data through services, not repositories`,
        })
      }
    }
  }
  return problems
}

const HINTS: Record<string, string> = {
  'modules->http':
    ' (only route files, routes.ts or *-routes.ts, use http/; types the domain needs live in domain/)',
  'modules->routes': ' (a route file is the HTTP side of its module: nothing below it imports it)',
  'modules->jobs': ' (task names and payloads live in domain/, outbox rows in db/outbox.ts)',
  'modules->app':
    ' (the composition root is imported by main only; the Services type is in modules/services.ts)',
  'http->app':
    ' (the composition root is imported by main only; the Services type is in modules/services.ts)',
  'jobs->app':
    ' (the composition root is imported by main only; the Services type is in modules/services.ts)',
  'db->modules': ' (db knows no module: seeds and generators live in cli/)',
  'infra->modules': ' (a driver knows no module)',
}

export interface Cycle {
  /** One cycle: each file imports the next, and the last is the first again. */
  path: string[]
  /** Every file caught in cycles with it (a strongly connected component). */
  files: string[]
}

/** The import cycles: one per knot of files that import each other, directly or not. */
export function importCycles(files: readonly SourceFile[]): Cycle[] {
  const paths = new Set(files.map((file) => file.path))
  const edges = new Map<string, string[]>()
  for (const file of files) {
    const targets = importsOf(file)
      .map(({ specifier }) => resolve(file.path, specifier, paths))
      .filter((target): target is string => target !== undefined && paths.has(target))
    edges.set(file.path, [...new Set(targets)].sort())
  }
  return stronglyConnected(edges)
    .filter((component) => component.length > 1 || edges.get(component[0]!)!.includes(component[0]!))
    .map((component) => ({ path: cycleThrough(component, edges), files: component }))
}

export function describeCycle(cycle: Cycle): string {
  const others = cycle.files.filter((file) => !cycle.path.includes(file))
  return (
    `import cycle: ${cycle.path.map((file) => `server/src/${file}`).join(' -> ')}` +
    (others.length ? ` (also in cycles with these: ${others.join(', ')})` : '')
  )
}

/** Tarjan's strongly connected components, in a stable order. */
function stronglyConnected(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const visit = (node: string) => {
    index.set(node, index.size)
    low.set(node, index.get(node)!)
    stack.push(node)
    onStack.add(node)
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!))
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      components.push(component.sort())
    }
  }
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node)
  return components
}

/** The shortest cycle from the component's first file back to it, inside the component. */
function cycleThrough(component: string[], edges: Map<string, string[]>): string[] {
  const start = component[0]!
  const members = new Set(component)
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length) {
    const node = queue.shift()!
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue
      if (next === start) {
        const path = [start]
        for (let at: string | undefined = node; at !== start && at; at = previous.get(at))
          path.splice(1, 0, at)
        return [...path, start]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [start, start]
}

/**
 * The naming convention of modules/ (docs/architecture.md): a class `…Repository` lives in
 * `repository.ts` or `<topic>-repository.ts`, a class `…Service` in `service.ts` or
 * `<topic>-service.ts`; SQL lives in repositories (and in db/, infra/ and the CLI's seeds).
 */
export function namingProblems(files: readonly SourceFile[]): Problem[] {
  const problems: Problem[] = []
  for (const file of files) {
    const layer = layerOf(file.path)
    if (!layer) continue
    if (layer === 'modules') {
      for (const match of file.text.matchAll(/^export (?:abstract )?class (\w+?(Repository|Service))\b/gm)) {
        const [, name, kind] = match
        const fits = kind === 'Repository' ? isRepositoryFile(file.path) : isServiceFile(file.path)
        if (!fits) {
          problems.push({
            file: file.path,
            line: file.text.slice(0, match.index).split('\n').length,
            message: `declares ${name}: name the file ${kind === 'Repository' ? 'repository.ts or <topic>-repository.ts' : 'service.ts or <topic>-service.ts'}`,
          })
        }
      }
    }
    const holdsData =
      layer === 'db' ||
      layer === 'infra' ||
      file.path.startsWith('cli/') ||
      (layer === 'modules' && isRepositoryFile(file.path))
    if (holdsData) continue
    for (const line of sqlLinesOf(file)) {
      problems.push({
        file: file.path,
        line,
        message: 'builds SQL: queries live in repositories (modules/<module>/*repository.ts) or db/',
      })
    }
  }
  return problems
}

/** Every .ts file under `root`, with paths relative to it. */
export function readSources(root: string): SourceFile[] {
  const files: SourceFile[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) {
        files.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') })
      }
    }
  }
  walk(root)
  return files.sort((a, b) => a.path.localeCompare(b.path))
}

export function describeProblem(problem: Problem): string {
  return `server/src/${problem.file}:${problem.line} ${problem.message}`
}
