// JSON Schema builders for the route schemas, each typed with the value it describes (`Static`), so
// that a schema is written once and gives Ajv its rules, fast-json-stringify its shape, the OpenAPI
// document its types and TypeScript the request and reply types.
//
// The schemas are the ones TypeBox writes (same keywords, same order), built by a few small functions:
// TypeBox's own package loads 373 modules, about 8 MB of a server's resident memory, for the 14
// builders the API uses. Use as a namespace: `import * as Type from '../json-schema.js'`.

/** A JSON schema of a value of type `T` (the type exists for TypeScript only). */
export interface TSchema<T = unknown> {
  readonly '~static'?: T
  readonly [keyword: string]: unknown
}

/** The TypeScript type of the values a schema accepts. */
export type Static<S extends TSchema> = S extends TSchema<infer T> ? T : never

/** A property that may be absent (`Optional`): an object schema leaves it out of `required`. */
export type TOptional<S extends TSchema> = S & { readonly '~optional': true }

type Properties = Record<string, TSchema>
type OptionalKeys<P extends Properties> = {
  [K in keyof P]: P[K] extends { readonly '~optional': true } ? K : never
}[keyof P]
type Flatten<T> = { [K in keyof T]: T[K] } & {}
type ObjectOf<P extends Properties> = Flatten<
  { [K in Exclude<keyof P, OptionalKeys<P>>]: Static<P[K]> } & {
    [K in OptionalKeys<P>]?: Static<P[K]>
  }
>

export interface TObject<P extends Properties = Properties> extends TSchema<ObjectOf<P>> {
  type: 'object'
  required?: string[]
  properties: P
}

/** Keywords a schema may add to what its builder writes (`minLength`, `description`, `default`...). */
type Options = Record<string, unknown>

function withOptions<S extends object>(schema: S, options: Options | undefined): S {
  return options ? { ...schema, ...options } : schema
}

function StringSchema(options?: Options): TSchema<string> {
  return withOptions({ type: 'string' }, options)
}

function NumberSchema(options?: Options): TSchema<number> {
  return withOptions({ type: 'number' }, options)
}

function IntegerSchema(options?: Options): TSchema<number> {
  return withOptions({ type: 'integer' }, options)
}

function BooleanSchema(options?: Options): TSchema<boolean> {
  return withOptions({ type: 'boolean' }, options)
}

function NullSchema(options?: Options): TSchema<null> {
  return withOptions({ type: 'null' }, options)
}

function UnknownSchema(options?: Options): TSchema<unknown> {
  return withOptions({}, options)
}

function LiteralSchema<V extends string | number | boolean>(value: V, options?: Options): TSchema<V> {
  return withOptions({ type: typeof value, const: value }, options)
}

function ArraySchema<S extends TSchema>(items: S, options?: Options): TSchema<Static<S>[]> {
  return withOptions({ type: 'array', items }, options)
}

function UnionSchema<S extends TSchema[]>(schemas: [...S], options?: Options): TSchema<Static<S[number]>> {
  return withOptions({ anyOf: schemas }, options)
}

/** An object whose keys match `key` (a string schema) and whose values match `value`. */
function RecordSchema<V extends TSchema>(
  _key: TSchema<string>,
  value: V,
  options?: Options,
): TSchema<Record<string, Static<V>>> {
  return withOptions({ type: 'object', patternProperties: { '^.*$': value } }, options)
}

/** A reference to a schema added to the server under this `$id`. */
function RefSchema<T = unknown>(id: string, options?: Options): TSchema<T> {
  return withOptions({ $ref: id }, options)
}

function ObjectSchema<P extends Properties>(properties: P, options?: Options): TObject<P> {
  const required = Object.keys(properties).filter((key) => !isOptional(properties[key]))
  const schema = required.length
    ? { type: 'object' as const, required, properties }
    : { type: 'object' as const, properties }
  return withOptions(schema, options)
}

/** The same object with every property optional (the source's own options are not carried over). */
function PartialSchema<P extends Properties>(
  source: TObject<P>,
  options?: Options,
): TObject<{ [K in keyof P]: TOptional<P[K]> }> {
  const properties = Object.fromEntries(
    Object.entries(source.properties).map(([key, schema]) => [key, Optional(schema)]),
  ) as { [K in keyof P]: TOptional<P[K]> }
  return withOptions({ type: 'object' as const, properties }, options)
}

export function Optional<S extends TSchema>(schema: S): TOptional<S> {
  const copy = { ...schema }
  // Not enumerable: it marks the property for `Object` and never reaches a serialized schema.
  Object.defineProperty(copy, '~optional', { value: true })
  return copy as TOptional<S>
}

function isOptional(schema: TSchema | undefined): boolean {
  return (schema as { '~optional'?: boolean } | undefined)?.['~optional'] === true
}

export {
  ArraySchema as Array,
  BooleanSchema as Boolean,
  IntegerSchema as Integer,
  LiteralSchema as Literal,
  NullSchema as Null,
  NumberSchema as Number,
  ObjectSchema as Object,
  PartialSchema as Partial,
  RecordSchema as Record,
  RefSchema as Ref,
  StringSchema as String,
  UnionSchema as Union,
  UnknownSchema as Unknown,
}
