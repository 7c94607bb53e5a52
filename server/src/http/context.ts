import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { Config } from '../config.js'
import type { Static, TSchema } from '../json-schema.js'
import type { Services } from '../modules/services.js'
import type { Authenticator } from './auth.js'
import type { CachedResponses } from './cached-response.js'

/** Request and reply types from the route schemas (`json-schema.ts`). */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown
}

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  SchemaTypeProvider
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
