// Request input as the route schemas see it. Ajv coerces nothing (a JSON `null`, `true` or `[]` is
// never a number, a number never a string); the only conversions the API makes are here, in one
// place, and they follow the route's own schema:
// - a string in plain decimal notation ("100", "-12.5") where a number is expected, as HTML forms
//   and query strings give numbers (no exponent, hex, `Infinity` or `NaN`);
// - "true" / "false" where a boolean is expected;
// - in a query string, a single value where a list is expected.
// Every string the schema expects is also checked for control characters and unpaired surrogates:
// multi-line fields (`format: 'multiline'`) keep tabs and line breaks, every other field none.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { MULTILINE, textProblem } from '../modules/validation.js'

/** The keywords of a (TypeBox-written) JSON schema that the conversions follow. */
interface Schema {
  type?: string | string[]
  const?: unknown
  anyOf?: Schema[]
  properties?: Record<string, Schema>
  items?: Schema
  format?: string
}

type Part = 'body' | 'querystring'

/** An issue in Ajv's shape, so that the error handler describes it like any other. */
interface InputIssue {
  instancePath: string
  schemaPath: string
  keyword: string
  message: string
  params: Record<string, unknown>
}

const DECIMAL = /^-?\d+(\.\d+)?$/

function typesOf(schema: Schema, into = new Set<string>()): Set<string> {
  if (typeof schema.type === 'string') into.add(schema.type)
  else if (Array.isArray(schema.type)) for (const type of schema.type) into.add(type)
  if (schema.const !== undefined) into.add(schema.const === null ? 'null' : typeof schema.const)
  for (const branch of schema.anyOf ?? []) typesOf(branch, into)
  return into
}

/** The first schema (itself or a branch of its union) with the given keyword. */
function find<K extends keyof Schema>(schema: Schema, keyword: K): Schema[K] | undefined {
  if (schema[keyword] !== undefined) return schema[keyword]
  for (const branch of schema.anyOf ?? []) {
    const found = find(branch, keyword)
    if (found !== undefined) return found
  }
  return undefined
}

function isMultiline(schema: Schema): boolean {
  return schema.format === MULTILINE || (schema.anyOf ?? []).some(isMultiline)
}

/** A decimal string as a number; beyond the largest double, the largest double (every field has a maximum). */
function decimal(value: string): number {
  const number = Number(value)
  return Number.isFinite(number) ? number : Math.sign(number) * Number.MAX_VALUE
}

function normalize(schema: Schema, value: unknown, path: string, part: Part, issues: InputIssue[]): unknown {
  if (typeof value === 'string') {
    const types = typesOf(schema)
    if (types.has('string')) {
      const problem = textProblem(value, isMultiline(schema))
      if (problem) {
        issues.push({ instancePath: path, schemaPath: '#', keyword: 'text', message: problem, params: {} })
      }
      return value
    }
    if ((types.has('number') || types.has('integer')) && DECIMAL.test(value)) return decimal(value)
    if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true'
    const items = find(schema, 'items')
    if (part === 'querystring' && items) return [normalize(items, value, `${path}/0`, part, issues)]
    return value
  }
  if (Array.isArray(value)) {
    const items = find(schema, 'items')
    if (items)
      for (let i = 0; i < value.length; i++)
        value[i] = normalize(items, value[i], `${path}/${i}`, part, issues)
    return value
  }
  if (value !== null && typeof value === 'object') {
    const properties = find(schema, 'properties')
    if (properties) {
      const object = value as Record<string, unknown>
      for (const [key, property] of Object.entries(properties)) {
        if (Object.hasOwn(object, key))
          object[key] = normalize(property, object[key], `${path}/${key}`, part, issues)
      }
    }
  }
  return value
}

/** Converts and checks `request[part]` against the route's schema for it; the issues found, if any. */
function normalizeInput(request: FastifyRequest, part: Part): InputIssue[] {
  const schema = request.routeOptions.schema?.[part] as Schema | undefined
  const issues: InputIssue[] = []
  if (!schema) return issues
  if (part === 'body') request.body = normalize(schema, request.body, '', part, issues)
  else normalize(schema, request.query, '', part, issues)
  return issues
}

function validationError(part: Part, issues: InputIssue[]) {
  return Object.assign(new Error('Invalid input'), {
    statusCode: 400,
    validation: issues,
    validationContext: part,
  })
}

/** Runs before schema validation on every route: converts what may be converted, refuses bad text. */
export function registerInputNormalization(app: FastifyInstance) {
  app.addHook('preValidation', (request, _reply, done) => {
    const issues = normalizeInput(request, 'querystring')
    if (issues.length) return done(validationError('querystring', issues))
    const bodyIssues = normalizeInput(request, 'body')
    if (bodyIssues.length) return done(validationError('body', bodyIssues))
    done()
  })
}

interface FormatRegistry {
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown
}

/** Ajv plugin: the `multiline` format, so that the schema alone states and checks the rule too. */
export function multilineFormat<Ajv extends FormatRegistry>(ajv: Ajv): Ajv {
  ajv.addFormat(MULTILINE, { type: 'string', validate: (value) => textProblem(value, true) === undefined })
  return ajv
}
