import type { HttpContext } from '../../http/context.js'
import * as Type from '../../json-schema.js'
import { metricsText, registry } from '../../metrics.js'

const CheckStatus = Type.Object({ status: Type.String(), error: Type.Optional(Type.String()) })
const ReadinessResponse = Type.Object({
  status: Type.String(),
  checks: Type.Record(Type.String(), CheckStatus),
})

export function systemRoutes({ app, services }: HttpContext) {
  const { system } = services
  const tags = ['System']

  app.get(
    '/api/v1/status',
    {
      schema: { tags, summary: 'HBnB v3 status', response: { 200: Type.Object({ status: Type.String() }) } },
    },
    async () => ({ status: 'OK' }),
  )

  app.get(
    '/api/v1/stats',
    {
      schema: {
        tags,
        summary: 'Number of objects per resource',
        response: {
          200: Type.Object({
            amenities: Type.Integer(),
            places: Type.Integer(),
            reviews: Type.Integer(),
            users: Type.Integer(),
          }),
        },
      },
    },
    async () => system.stats(),
  )

  app.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness: the database answers',
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
    },
    async (_request, reply) => {
      const readiness = await system.readiness()
      return reply.code(readiness.status === 'unavailable' ? 503 : 200).send(readiness)
    },
  )

  app.get(
    '/metrics',
    { schema: { tags, summary: 'Prometheus metrics of this process (text exposition format)' } },
    async (_request, reply) => reply.type(registry.contentType).send(await metricsText()),
  )
}
