// Route schemas compiled on the route's first request instead of at start-up. Fastify compiles a
// validator (Ajv) and a serializer (fast-json-stringify) for every schema of every route when the
// route is added: generated code that stays in memory for routes a process may never serve. These
// builders wrap Fastify's own (same options, same results) and compile each one when first used.
import ajvCompiler from '@fastify/ajv-compiler'
import serializerCompiler from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown }

function lazyValidators(build: BuildValidator): BuildValidator {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    return (route) => {
      let validate: Validate | undefined
      const lazy: Validate = (data, context) => {
        validate ??= compile(route) as Validate
        const valid = validate(data, context)
        lazy.errors = validate.errors
        return valid
      }
      // Fastify passes the request as the parent of what is validated when the validator is Ajv's
      // (marked by `schemaEnv`), so that Ajv may replace the value itself (defaults, coercion).
      lazy.schemaEnv = true
      return lazy as ReturnType<ReturnType<BuildValidator>>
    }
  }
}

function lazySerializers(build: BuildSerializer): BuildSerializer {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined
      return (data: unknown) => {
        serialize ??= compile(route) as (data: unknown) => string
        return serialize(data)
      }
    }
  }
}

/** Fastify's `schemaController` option with lazily compiled validators and serializers. */
export function lazySchemaController(): FastifyServerOptions['schemaController'] {
  return {
    compilersFactory: {
      buildValidator: lazyValidators(ajvCompiler() as BuildValidator),
      buildSerializer: lazySerializers(serializerCompiler() as BuildSerializer),
    },
  }
}
