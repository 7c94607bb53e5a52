import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'

interface ErrorBody {
  error: string
  code: string
  request_id: string
  details?: unknown
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  body: Omit<ErrorBody, 'request_id'>,
) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ ...body, request_id: request.id })
}

interface ValidationIssue {
  instancePath: string
  schemaPath?: string
  message?: string
  keyword: string
  params: Record<string, unknown>
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
}

function oneOf(values: string[]) {
  const unique = [...new Set(values)]
  return unique.length === 1
    ? unique[0]!
    : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`
}

/** The rule an issue broke, in words: "must be at most 20000000", "must be an integer". */
function ruleOf(issue: ValidationIssue): string {
  const limit = issue.params.limit
  switch (issue.keyword) {
    case 'type':
      return `must be ${oneOf(
        String(issue.params.type)
          .split(',')
          .map((type) => TYPE_NAMES[type] ?? type),
      )}`
    case 'maximum':
      return `must be at most ${limit}`
    case 'minimum':
      return `must be at least ${limit}`
    case 'exclusiveMaximum':
      return `must be less than ${limit}`
    case 'exclusiveMinimum':
      return `must be greater than ${limit}`
    case 'maxLength':
      return `must be at most ${limit} characters`
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters`
    case 'maxItems':
      return `must have at most ${limit} items`
    case 'minItems':
      return `must have at least ${limit} items`
    case 'const':
      return `must be ${JSON.stringify(issue.params.allowedValue)}`
    case 'enum':
      return `must be one of ${oneOf((issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)))}`
    default:
      return issue.message ?? 'is invalid'
  }
}

/**
 * A union's issue from those of its branches: the rule the value broke in the branch of its own type
 * ("must be at most 10000 characters"), or else what the union accepts ("must be a string or null",
 * "must be one of "draft", "published"").
 */
function unionRule(union: ValidationIssue, issues: ValidationIssue[]): string {
  const prefix = `${union.schemaPath}/`
  const branches = issues.filter((issue) => issue.schemaPath?.startsWith(prefix))
  const broken = branches.find((issue) => !['type', 'const', 'enum'].includes(issue.keyword))
  if (broken) return ruleOf(broken)
  const literals = branches.flatMap((issue) => {
    if (issue.keyword === 'const') return [JSON.stringify(issue.params.allowedValue)]
    if (issue.keyword === 'enum')
      return (issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v))
    return []
  })
  const types = branches
    .filter((issue) => issue.keyword === 'type')
    .flatMap((issue) => String(issue.params.type).split(','))
  const accepted = literals.length ? literals : types.map((type) => TYPE_NAMES[type] ?? type)
  if (accepted.length === 0) return 'is invalid'
  return literals.length > 1 ? `must be one of ${oneOf(accepted)}` : `must be ${oneOf(accepted)}`
}

/** Turns Ajv issues into `field: message` lines a person can act on. */
function describeValidation(context: string | undefined, issues: ValidationIssue[]) {
  const unions = issues.filter((issue) => issue.keyword === 'anyOf' && issue.schemaPath)
  const inUnion = (issue: ValidationIssue) =>
    unions.some((union) => issue !== union && issue.schemaPath?.startsWith(`${union.schemaPath}/`))
  return issues
    .filter((issue) => !inUnion(issue))
    .map((issue) => {
      const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
      const missing = issue.keyword === 'required' ? String(issue.params.missingProperty) : undefined
      const field = missing ? [path, missing].filter(Boolean).join('.') : path || context || 'body'
      const message = missing
        ? 'is required'
        : issue.keyword === 'anyOf'
          ? unionRule(issue, issues)
          : ruleOf(issue)
      return { field, message }
    })
}

/**
 * Errors Fastify raises while routing, before any hook or error handler runs: answered in the
 * same shape as every other error. A path segment too long to be an id is a malformed id: 404.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('X-Request-Id', request.id)
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return send(reply, request, 404, {
      error: `Not found: ${request.url.split('?')[0]}`,
      code: 'route_not_found',
    })
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return send(reply, request, 400, {
      error: 'The URL is not valid: check its percent-encoding',
      code: 'bad_url',
    })
  }
  request.log.error({ err: error }, 'request failed')
  return send(reply, request, 500, {
    error: 'Internal server error: the problem was logged; try again later',
    code: 'internal_error',
  })
}

export function registerErrorHandlers(app: FastifyInstance, bodyLimit: number) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const retryAfter = (error.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds
      if (typeof retryAfter === 'number') reply.header('Retry-After', String(retryAfter))
      return send(reply, request, error.status, {
        error: error.message,
        code: error.code,
        details: error.details,
      })
    }
    if (error.validation) {
      const details = describeValidation(error.validationContext, error.validation as ValidationIssue[])
      const summary = details.map((d) => `${d.field} ${d.message}`).join('; ')
      return send(reply, request, 400, {
        error: `Invalid input: ${summary}`,
        code: 'validation_failed',
        details,
      })
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, request, 413, {
          error: `Request body is larger than the ${bodyLimit}-byte limit`,
          code: 'body_too_large',
        })
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, request, 415, {
          error: 'Unsupported content type: send the body as application/json',
          code: 'unsupported_media_type',
        })
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, request, 400, {
          error: 'The request body is empty: send a JSON object',
          code: 'empty_body',
        })
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, request, 400, {
          error: 'The request body is not valid JSON',
          code: 'invalid_json',
        })
    }
    if (error.statusCode === 429) {
      return send(reply, request, 429, { error: error.message, code: 'rate_limited' })
    }
    if (error instanceof SyntaxError) {
      return send(reply, request, 400, { error: 'The request body is not valid JSON', code: 'invalid_json' })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return send(reply, request, status, { error: error.message, code: error.code ?? 'bad_request' })
    }
    request.log.error({ err: error }, 'request failed')
    return send(reply, request, 500, {
      error: 'Internal server error: the problem was logged; try again later',
      code: 'internal_error',
    })
  })

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, 404, {
      error: `Not found: ${request.method} ${request.url.split('?')[0]}`,
      code: 'route_not_found',
    }),
  )
}
