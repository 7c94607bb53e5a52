// Logs for ELK: every field HBNB's JSON lines carry is an Elastic Common Schema 8.11 field with a value
// of its type (or a custom field under `hbnb.`), deploy/elk's index template maps each of them as ECS
// does, and Filebeat's configuration reads the lines as ECS documents into the template's data
// stream. No Elasticsearch runs here: the files are checked as data, against the ECS reference table
// in test/fixtures.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ECS_FIELDS } from '../../src/logger.js'
import { capturedLogger } from '../helpers/captured-logger.js'
import { freePort, runHbnb, startApiProcess } from '../helpers/processes.js'

const ELK = join(import.meta.dirname, '../../../deploy/elk')
const REFERENCE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/ecs-8.11-fields.json'), 'utf8'),
).fields as Record<string, string>
/** The fields on every line, besides those of ECS_FIELDS. */
const BASE_FIELDS = ['@timestamp', 'message', 'log.level']

type Line = Record<string, unknown>

/** A line's fields as dotted names; the values under `hbnb.` are the application's own. */
function flatten(value: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, inner]) => {
    const name = prefix + key
    if (name.startsWith('hbnb.')) return [[name, inner] as [string, unknown]]
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
      return flatten(inner as Record<string, unknown>, `${name}.`)
    return [[name, inner] as [string, unknown]]
  })
}

/** Why `value` cannot be indexed as an ECS field of `type`, or undefined when it can. */
function typeProblem(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'keyword':
    case 'wildcard':
    case 'match_only_text':
    case 'text':
      return typeof value === 'string' ? undefined : `a string (${type})`
    case 'long':
      return Number.isSafeInteger(value) ? undefined : 'a whole number (long)'
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /T.*Z$/.test(value)
        ? undefined
        : 'an ISO 8601 UTC time (date)'
    case 'ip':
      return typeof value === 'string' && isIP(value) ? undefined : 'an IP address (ip)'
    default:
      return `a ${type}, which HBNB should not write`
  }
}

/** Every field of `lines` that is neither ECS (with a value of its type) nor under `hbnb.`. */
function ecsProblems(lines: Line[]): string[] {
  const problems = new Set<string>()
  for (const line of lines) {
    for (const [name, value] of flatten(line)) {
      if (name.startsWith('hbnb.')) continue
      const type = REFERENCE[name]
      if (!type) problems.add(`${name} is not an ECS field (put it under hbnb.)`)
      else {
        const problem = typeProblem(type, value)
        if (problem) problems.add(`${name} = ${JSON.stringify(value)} should be ${problem}`)
      }
    }
    for (const name of BASE_FIELDS) if (!(name in line)) problems.add(`a line without ${name}`)
  }
  return [...problems]
}

describe('the lines of a running API', () => {
  let dir = ''
  let lines: Line[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hbnb-elk-'))
    // Mail to a port where nothing listens: the sign-up's welcome email fails and logs its error.
    const env = {
      HBNB_DATA_DIR: dir,
      HBNB_LOG_LEVEL: 'info',
      HBNB_LOG_FORMAT: 'json',
      HBNB_SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
    }
    const migrated = await runHbnb(['migrate', 'up'], env)
    expect(migrated.code, migrated.stderr).toBe(0)
    const api = await startApiProcess(env)
    await fetch(`${api.url}/api/v1/places/?limit=2&token=s3cret`)
    await fetch(`${api.url}/api/v1/places/no-such-place`)
    await fetch(`${api.url}/api/v1/users/`, {
      method: 'POST',
      body: '{"broken',
      headers: { 'content-type': 'application/json' },
    })
    const signUp = await fetch(`${api.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'ecs@example.com',
        password: 'a long Passphrase 42',
        first_name: 'E',
        last_name: 'C',
      }),
    })
    expect(signUp.status).toBe(201)
    for (let i = 0; i < 100 && !api.output.join('').includes('"error.message"'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await api.stop()
    lines = api.output
      .join('')
      .split('\n')
      .filter((text) => text.trim())
      .map((text) => JSON.parse(text) as Line)
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('are JSON objects whose every field is ECS with a value of its type, or under hbnb.', () => {
    expect(lines.length).toBeGreaterThan(5)
    expect(ecsProblems(lines)).toEqual([])
  })

  it('say which request each access line is, with the path and query apart and secrets hidden', () => {
    const access = lines.filter((line) => line['http.request.method'] === 'GET')
    expect(access.length).toBeGreaterThanOrEqual(2)
    for (const line of access) expect(line['http.request.id']).toEqual(expect.any(String))
    const listed = access.find((line) => line['url.path'] === '/api/v1/places/')
    expect(listed).toMatchObject({
      'url.query': 'limit=2&token=[redacted]',
      'http.response.status_code': 200,
    })
    expect(JSON.stringify(lines)).not.toContain('s3cret')
  })

  it('give an error as error.* and the fields HBNB adds under hbnb.', () => {
    const failed = lines.find((line) => 'error.message' in line)
    expect(failed).toMatchObject({
      'log.level': 'error',
      'error.message': expect.stringContaining('ECONNREFUSED'),
      'error.stack_trace': expect.any(String),
      'hbnb.user_id': expect.any(String),
    })
  })
})

describe('fields a caller logs', () => {
  it('become error.* for an error and hbnb.* for the rest; secrets stay redacted', () => {
    const { logger, lines } = capturedLogger()
    const error = Object.assign(new TypeError('no such thing'), { code: 'ENOPE' })
    logger.error({ err: error, place_id: 'p-1', 'user.id': 'u-1', user: { password: 'hunter2' } }, 'failed')
    const line = JSON.parse(lines[0]!) as Line
    expect(line).toMatchObject({
      'error.type': 'TypeError',
      'error.message': 'no such thing',
      'error.code': 'ENOPE',
      'hbnb.place_id': 'p-1',
      'user.id': 'u-1',
      'hbnb.user': { password: '[redacted]' },
    })
    expect(line['error.stack_trace']).toContain('TypeError: no such thing')
    expect(ecsProblems([line])).toEqual([])
  })

  it('would be caught: a field outside ECS and a value of the wrong type are both reported', () => {
    expect(
      ecsProblems([
        {
          '@timestamp': '2026-12-05T00:00:00.000Z',
          message: 'm',
          'log.level': 'info',
          place_id: 'p',
          'client.ip': 'nowhere',
        },
      ]),
    ).toEqual([
      'place_id is not an ECS field (put it under hbnb.)',
      'client.ip = "nowhere" should be an IP address (ip)',
    ])
  })
})

describe('deploy/elk', () => {
  const template = JSON.parse(readFileSync(join(ELK, 'index-template.json'), 'utf8'))
  const policy = JSON.parse(readFileSync(join(ELK, 'ilm-policy.json'), 'utf8'))
  const filebeat = parse(readFileSync(join(ELK, 'filebeat.yml'), 'utf8'))

  /** The template's explicit mappings as dotted names and types. */
  const mapped = (
    properties: Record<string, { type?: string; properties?: object }>,
    prefix = '',
  ): [string, string][] =>
    Object.entries(properties).flatMap(([key, mapping]) =>
      mapping.properties
        ? mapped(mapping.properties as Record<string, { type?: string }>, `${prefix}${key}.`)
        : [[prefix + key, mapping.type ?? 'object'] as [string, string]],
    )

  it('maps every ECS field HBNB writes with its ECS type, and nothing with another type', () => {
    const mappings = new Map(mapped(template.template.mappings.properties))
    for (const name of [...BASE_FIELDS, ...ECS_FIELDS, 'event.dataset']) {
      expect(REFERENCE[name], `${name} in the ECS reference`).toBeDefined()
      expect(mappings.get(name), `mapping of ${name}`).toBe(REFERENCE[name])
    }
    for (const [name, type] of mappings) {
      if (name === 'hbnb') expect(type).toBe('object')
      else expect(REFERENCE[name], name).toBe(type)
    }
    expect(template.template.mappings.dynamic_templates[0].hbnb_strings.path_match).toBe('hbnb.*')
  })

  it('is a data stream template above the built-in logs-*-* one, on the lifecycle policy', () => {
    expect(template.data_stream).toEqual({})
    expect(template.priority).toBeGreaterThan(100)
    expect(template.template.settings['index.lifecycle.name']).toBe('hbnb-logs')
    expect(policy.policy._meta.description).toContain('_ilm/policy/hbnb-logs')
    const index = filebeat['output.elasticsearch'].index as string
    const pattern = new RegExp(`^${template.index_patterns[0].replace('*', '.*')}$`)
    expect(index).toMatch(pattern)
  })

  it('rolls over while hot and deletes later than anything else happens', () => {
    const { hot, delete: deletion, ...rest } = policy.policy.phases
    expect(hot.actions.rollover.max_age).toBeDefined()
    expect(deletion.actions).toHaveProperty('delete')
    const days = (age: string) => Number.parseInt(age, 10) * (age.endsWith('d') ? 1 : 0)
    for (const phase of Object.values(rest) as { min_age: string }[])
      expect(days(phase.min_age)).toBeLessThan(days(deletion.min_age))
    expect(days(deletion.min_age)).toBeGreaterThan(0)
  })

  it("has Filebeat read each line as an ECS document into the template's data stream", () => {
    const [input] = filebeat['filebeat.inputs']
    expect(input.type).toBe('filestream')
    expect(input.parsers[0].ndjson).toMatchObject({ target: '', expand_keys: true, overwrite_keys: true })
    expect(input.fields['event.dataset']).toBe('hbnb.log')
    expect(filebeat['setup.template.enabled']).toBe(false)
  })
})
