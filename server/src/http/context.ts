import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { Config } from '../config.js'
import type { Services } from '../modules/services.js'
import type { Authenticator } from './auth.js'
import type { CachedResponses } from './cached-response.js'

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/** What every module's routes receive. */
export interface HttpContext {
  app: HttpApp
  auth: Authenticator
  services: Services
  config: Config
  /** Sends cacheable responses (and answers repeated anonymous GETs of them early). */
  cached: CachedResponses
}
