// The deployment artefacts, checked statically (no container engine runs here): the Dockerfile,
// compose.yaml, deploy/systemd and .env.example agree with each other, with the settings list
// (server/src/config.ts) and with deploy/prometheus and deploy/grafana; systemd-analyze verifies
// the units; the container health check answers against a real API.
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfig, SETTINGS } from '../../src/config.js'
import { freePort } from '../helpers/processes.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

const ROOT = join(import.meta.dirname, '../../..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
const SETTING_NAMES = new Set(Object.values(SETTINGS).map((setting) => setting.name))
const IN_CI = process.env.CI === 'true'
const run = promisify(execFile)

/** Every HBNB_* name a text mentions. */
const hbnbNames = (text: string) => new Set(text.match(/\bHBNB_[A-Z0-9_]+\b/g) ?? [])

// --- Dockerfile: instructions (continuation lines joined, comments dropped), grouped by stage. ---

interface Instruction {
  keyword: string
  args: string
}

function dockerfileStages(text: string) {
  const instructions: Instruction[] = []
  let pending = ''
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) && !pending) continue
    if (/^\s*#/.test(line)) continue
    pending += line.replace(/\\\s*$/, ' ')
    if (/\\\s*$/.test(line)) continue
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(pending)
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() })
    pending = ''
  }
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = []
  const args: Instruction[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/)
      stages.push({ from: from!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] })
    } else if (stages.length === 0) {
      args.push(instruction)
    } else {
      stages.at(-1)!.instructions.push(instruction)
    }
  }
  return { args, stages }
}

describe('Dockerfile', () => {
  const text = read('Dockerfile')
  const { args, stages } = dockerfileStages(text)
  const runtime = stages.at(-1)!
  const of = (keyword: string) =>
    runtime.instructions.filter((instruction) => instruction.keyword === keyword)

  it('builds in stages on Node 24, and the image is the last one', () => {
    expect(args.find((arg) => arg.args.startsWith('NODE_IMAGE='))?.args).toMatch(
      /^NODE_IMAGE=node:24[-.\w]*$/,
    )
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'deps', 'runtime'])
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ${ARG} reference
    expect(stages.every((stage) => stage.from === '${NODE_IMAGE}')).toBe(true)
    // Only production dependencies reach the image: node_modules comes from the stage that omits dev ones.
    const deps = stages.find((stage) => stage.name === 'deps')!
    expect(deps.instructions.some((i) => i.keyword === 'RUN' && /npm ci .*--omit=dev/.test(i.args))).toBe(
      true,
    )
    expect(of('COPY').find((i) => i.args.includes('node_modules'))?.args).toMatch(/^--from=deps /)
    expect(of('RUN').some((i) => /\bnpm (ci|install)\b/.test(i.args))).toBe(false)
  })

  it('runs as an unprivileged user, with a health check, the hbnb command and no secret', () => {
    const user = of('USER')
    expect(user).toHaveLength(1)
    expect(user[0]!.args).not.toMatch(/^(root|0)(:|$)/)
    const names = runtime.instructions.map((i) => i.keyword)
    expect(names.indexOf('USER')).toBeLessThan(names.indexOf('ENTRYPOINT'))
    expect(of('HEALTHCHECK')[0]?.args).toMatch(/CMD \["node", "\/app\/deploy\/docker\/healthcheck\.mjs"\]/)
    expect(of('ENTRYPOINT')[0]?.args).toBe('["node", "/app/server/bin/hbnb.js"]')
    expect(of('CMD')[0]?.args).toBe('["serve"]')
    expect(text).not.toMatch(
      /HBNB_(JWT_SECRET|ADMIN_PASSWORD|OPS_TOKEN|SMS_AUTH_TOKEN|S3_SECRET_ACCESS_KEY)=/,
    )
  })

  it('sets only real settings, and copies files that exist and reach the build context', () => {
    for (const name of hbnbNames(text)) expect(SETTING_NAMES, name).toContain(name)
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
    for (const needed of ['**/node_modules', '**/dist', 'data', '.env', '.git'])
      expect(ignored).toContain(needed)
    expect(ignored).toContain('!.env.example')
    const copied = stages
      .flatMap((stage) => stage.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .filter((source) => source !== '.')
    expect(copied.length).toBeGreaterThan(0)
    for (const source of copied) {
      expect(existsSync(join(ROOT, source)), source).toBe(true)
      expect(
        ignored.some((pattern) => source.startsWith(pattern)),
        source,
      ).toBe(false)
    }
  })
})

describe('the container health check', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp('sqlite')
  })
  afterAll(async () => {
    await app?.close()
  })
  /** The script's exit status (run beside the app: a synchronous spawn would block its answers). */
  const healthcheck = (...args: string[]) =>
    new Promise<number | null>((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'deploy/docker/healthcheck.mjs'), ...args],
        { timeout: 10_000 },
        (error) => resolve(error ? (typeof error.code === 'number' ? error.code : null) : 0),
      )
    })

  it('passes against a ready API and fails where nothing answers', async () => {
    const { port } = new URL(app.baseUrl)
    expect(await healthcheck(port)).toBe(0) // /readyz, the default
    expect(await healthcheck(port, '/healthz')).toBe(0)
    expect(await healthcheck(port, '/no-such-page')).toBe(1)
    expect(await healthcheck(String(await freePort()))).toBe(1)
  })
})

// --- compose.yaml ---

interface Service {
  image?: string
  init?: boolean
  stop_grace_period?: string
  build?: string
  command?: string[]
  entrypoint?: string[]
  environment?: Record<string, string>
  env_file?: string
  ports?: string[]
  volumes?: string[]
  restart?: string
  healthcheck?: { test?: string[]; disable?: boolean }
  depends_on?: Record<string, { condition: string }> | string[]
}

describe('compose.yaml', () => {
  const text = read('compose.yaml')
  const compose = parse(text, { merge: true }) as {
    services: Record<string, Service>
    volumes: Record<string, unknown>
  }
  const services = compose.services
  const role = (command: string) =>
    Object.entries(services).filter(
      ([, service]) => service.image === 'hbnb:latest' && service.command?.[0] === command,
    )

  it('runs every role: NGINX, several API processes, worker, beat, databases, Redis, RabbitMQ, monitoring', () => {
    expect(role('serve').length).toBeGreaterThanOrEqual(2)
    for (const [, api] of role('serve')) expect(api.command).toContain('--workers')
    expect(role('worker')).toHaveLength(1)
    expect(role('beat')).toHaveLength(1)
    expect(role('migrate')).toHaveLength(1)
    const images = Object.values(services).map((service) => service.image?.split(':')[0])
    for (const image of ['nginx', 'mariadb', 'redis', 'rabbitmq', 'prom/prometheus', 'grafana/grafana']) {
      expect(images, image).toContain(image)
    }
    expect(images.filter((image) => image === 'mariadb')).toHaveLength(2)
    expect(services['db-replica-1']?.environment?.MARIADB_MASTER_HOST).toBe('db-primary')
    // Every HBNB process is the image of this repository's Dockerfile, configured from .env.
    for (const service of Object.values(services).filter((s) => s.image === 'hbnb:latest')) {
      expect(service.build).toBe('.')
    }
    for (const [, service] of [...role('serve'), ...role('worker'), ...role('beat'), ...role('migrate')]) {
      expect(service.env_file).toBe('.env')
    }
    // The long-running roles drain on SIGTERM within HBNB_SHUTDOWN_TIMEOUT_MS (15 s) before a SIGKILL.
    for (const [, service] of [...role('serve'), ...role('worker'), ...role('beat')]) {
      expect(service.init).toBe(true)
      expect(service.stop_grace_period).toBe('30s')
    }
  })

  it('depends only on services that exist, waiting for health checks that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on.map((target) => [target, { condition: 'service_started' }] as const)
        : Object.entries(service.depends_on ?? {})
      for (const [target, { condition }] of dependencies) {
        expect(Object.keys(services), `${name} -> ${target}`).toContain(target)
        if (condition === 'service_healthy') {
          expect(services[target]!.healthcheck?.test, `${target} has a health check`).toBeDefined()
        }
        if (condition === 'service_completed_successfully') expect(services[target]!.restart).toBe('no')
      }
    }
    for (const [, api] of role('serve')) {
      expect(api.healthcheck?.test).toEqual([
        'CMD',
        'node',
        '/app/deploy/docker/healthcheck.mjs',
        '3000',
        '/readyz',
      ])
      expect(api.environment?.HBNB_PORT).toBe('3000')
    }
  })

  it('publishes each host port once, and declares every named volume it uses', () => {
    const published = Object.values(services)
      .flatMap((service) => service.ports ?? [])
      .map((port) => port.split(':').slice(0, -1).join(':'))
    expect(published.length).toBeGreaterThan(0)
    expect(new Set(published.map((port) => port.split(':').at(-1))).size).toBe(published.length)
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!
        if (source.startsWith('.')) continue
        expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source)
      }
    }
  })

  it('mounts the configuration in this repository', () => {
    // deploy/nginx comes with the NGINX configuration; deploy/tls and secrets are the operator's.
    const operators = ['./deploy/tls', './secrets/', './deploy/nginx']
    const mounts = Object.values(services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0]!)
      .filter((source) => source.startsWith('.'))
    expect(mounts).toContain('./deploy/nginx')
    for (const source of mounts.filter((s) => !operators.some((prefix) => s.startsWith(prefix)))) {
      expect(existsSync(join(ROOT, source)), source).toBe(true)
    }
  })

  it('finds every variable it interpolates in .env.example', () => {
    const example = read('.env.example')
    const variables = [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!)
    expect(variables.length).toBeGreaterThan(0)
    for (const name of variables) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'))
  })

  it('names only real settings, and is what deploy/prometheus scrapes and Grafana reads', () => {
    for (const name of hbnbNames(text)) expect(SETTING_NAMES, name).toContain(name)
    for (const service of Object.values(services)) {
      for (const name of Object.keys(service.environment ?? {}).filter((key) => key.startsWith('HBNB_'))) {
        expect(SETTING_NAMES, name).toContain(name)
      }
    }
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[]
    }
    const targets = (job: string) =>
      prometheus.scrape_configs
        .find((config) => config.job_name === job)!
        .static_configs.flatMap((c) => c.targets)
    for (const target of targets('hbnb-api')) {
      const [host, port] = target.split(':')
      expect(services[host!]?.command?.[0], target).toBe('serve')
      expect(services[host!]?.environment?.HBNB_PORT).toBe(port)
    }
    for (const target of targets('hbnb-worker')) {
      const [host, port] = target.split(':')
      expect(services[host!]?.command?.[0], target).toBe('worker')
      expect(services[host!]?.environment?.HBNB_WORKER_METRICS_PORT).toBe(port)
    }
    const datasource = read('deploy/grafana/provisioning/datasources/prometheus.yml')
    expect(datasource).toContain('url: http://prometheus:9090')
    expect(services.prometheus?.volumes).toContain(
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    )
    const dashboards = parse(read('deploy/grafana/provisioning/dashboards/hbnb.yml')) as {
      providers: { options: { path: string } }[]
    }
    expect(services.grafana?.volumes).toContain(
      `./deploy/grafana/dashboards:${dashboards.providers[0]!.options.path}:ro`,
    )
  })
})

// --- deploy/systemd ---

const SYSTEMD = join(ROOT, 'deploy/systemd')

function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!])
  }
  return settings
}

describe('deploy/systemd', () => {
  const units = readdirSync(SYSTEMD).filter((file) => /\.(service|target)$/.test(file))
  const services = units.filter((file) => file.endsWith('.service'))

  it('has a unit for each role, all wanted by hbnb.target', () => {
    const roles = Object.fromEntries(
      services.map((file) => {
        const exec = unitSettings(readFileSync(join(SYSTEMD, file), 'utf8')).get('ExecStart')![0]!
        return [/hbnb\.js (\w+)/.exec(exec)![1]!, file]
      }),
    )
    expect(roles).toEqual({
      serve: 'hbnb-api@.service',
      worker: 'hbnb-worker.service',
      beat: 'hbnb-beat.service',
      migrate: 'hbnb-migrate.service',
    })
    const wants = unitSettings(readFileSync(join(SYSTEMD, 'hbnb.target'), 'utf8'))
      .get('Wants')![0]!
      .split(' ')
    expect(wants.filter((unit) => unit.startsWith('hbnb-api@')).length).toBeGreaterThanOrEqual(2)
    for (const file of services) {
      expect(wants.some((unit) => unit === file || unit.replace(/@.+\./, '@.') === file)).toBe(true)
    }
  })

  it('runs every role unprivileged and hardened, with real settings only', () => {
    for (const file of services) {
      const text = readFileSync(join(SYSTEMD, file), 'utf8')
      const settings = unitSettings(text)
      const one = (key: string) => settings.get(key)?.[0]
      expect(one('User') ?? (one('DynamicUser') === 'yes' ? 'dynamic' : undefined), file).toMatch(
        /^(?!root$).+/,
      )
      for (const [key, value] of Object.entries({
        NoNewPrivileges: 'yes',
        ProtectSystem: 'strict',
        ProtectHome: 'yes',
        PrivateTmp: 'yes',
        PrivateDevices: 'yes',
        RestrictNamespaces: 'yes',
        CapabilityBoundingSet: '',
        SystemCallFilter: '@system-service',
      })) {
        expect(one(key), `${file}: ${key}`).toBe(value)
      }
      expect(one('StateDirectory'), file).toBe('hbnb')
      expect(one('EnvironmentFile'), file).toBe('/etc/hbnb/hbnb.env')
      for (const name of hbnbNames(text)) expect(SETTING_NAMES, `${file}: ${name}`).toContain(name)
    }
    expect(unitSettings(readFileSync(join(SYSTEMD, 'hbnb-api@.service'), 'utf8')).get('ExecReload')).toEqual([
      '/bin/kill -HUP $MAINPID',
    ])
  })

  const analyzer = spawnSync('systemd-analyze', ['--version']).status === 0
  if (!analyzer && IN_CI) throw new Error('systemd-analyze is needed to verify deploy/systemd (CI=true)')
  if (!analyzer)
    console.warn('SKIPPED: systemd-analyze verify of deploy/systemd: systemd-analyze is not installed')
  it.skipIf(!analyzer)('passes systemd-analyze verify without a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbnb-units-'))
    try {
      const files = units.map((file) => {
        const name = file.replace('@.', '@3001.')
        writeFileSync(join(dir, name), readFileSync(join(SYSTEMD, file)))
        return join(dir, name)
      })
      const { stdout, stderr } = await run('systemd-analyze', ['verify', '--man=no', ...files])
      // Other units it cannot find (mariadb.service, ...) are not this repository's: only our files count.
      const ours = `${stdout}${stderr}`.split('\n').filter((line) => line.startsWith(dir))
      expect(ours).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

// --- .env.example ---

describe('.env.example', () => {
  const text = read('.env.example')
  const lines = text.split('\n')
  const set = Object.fromEntries(
    lines
      .filter((line) => /^HBNB_[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  )

  it('lists every setting once, and nothing else', () => {
    for (const name of SETTING_NAMES) {
      expect(
        lines.filter((line) => line === `# ${name}=` || line.startsWith(`${name}=`)),
        name,
      ).toHaveLength(1)
    }
    for (const name of hbnbNames(text)) expect(SETTING_NAMES, name).toContain(name)
  })

  it('is what scripts/env-example.mjs writes from the settings (server/dist, built before the tests)', async () => {
    const check = await run(process.execPath, [join(ROOT, 'scripts/env-example.mjs'), '--check']).then(
      () => 'up to date',
      (error: { stderr: string }) => error.stderr.trim(),
    )
    expect(check).toBe('up to date')
  })

  it('holds values the server accepts in production once the secrets are filled in', () => {
    expect(set.HBNB_ENV).toBe('production')
    expect(set.HBNB_JWT_SECRET).toBe('')
    expect(set.HBNB_ADMIN_PASSWORD).toBe('')
    const config = loadConfig(
      {
        ...set,
        HBNB_JWT_SECRET: 'Vq3x9Lr2Tz8Kp4Wn7Yb1Hd6Fs5Gm0Jc2Xe',
        HBNB_ADMIN_PASSWORD: 'a-long-Unusual-passw0rd!',
      },
      false,
    )
    expect(config.env).toBe('production')
    // The services it names are compose.yaml's.
    const services = Object.keys(
      (parse(read('compose.yaml'), { merge: true }) as { services: object }).services,
    )
    for (const url of [
      set.HBNB_DATABASE_URL,
      ...set.HBNB_DATABASE_REPLICA_URLS!.split(','),
      set.HBNB_REDIS_URL,
      set.HBNB_AMQP_URL,
    ]) {
      expect(services, url).toContain(new URL(url!).hostname)
    }
  })
})
