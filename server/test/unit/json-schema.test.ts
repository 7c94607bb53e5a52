import { describe, expect, it } from 'vitest'
import * as Type from '../../src/json-schema.js'

// The JSON each builder writes: TypeBox's, keyword for keyword and in the same order, which the API's
// validation messages, serialized replies and OpenAPI document were written against.
const json = (schema: Type.TSchema) => JSON.stringify(schema)

describe('route schema builders', () => {
  it('write the scalar keywords first, then the options', () => {
    expect(json(Type.String({ minLength: 1 }))).toBe('{"type":"string","minLength":1}')
    expect(json(Type.Number({ exclusiveMinimum: 0 }))).toBe('{"type":"number","exclusiveMinimum":0}')
    expect(json(Type.Integer())).toBe('{"type":"integer"}')
    expect(json(Type.Boolean({ default: false }))).toBe('{"type":"boolean","default":false}')
    expect(json(Type.Null({ description: 'n' }))).toBe('{"type":"null","description":"n"}')
    expect(json(Type.Unknown({ description: 'k' }))).toBe('{"description":"k"}')
    expect(json(Type.Ref('Error', { description: 'e' }))).toBe('{"$ref":"Error","description":"e"}')
  })

  it('write literals with the type of their value', () => {
    expect(json(Type.Literal('a', { description: 'l' }))).toBe(
      '{"type":"string","const":"a","description":"l"}',
    )
    expect(json(Type.Literal(3))).toBe('{"type":"number","const":3}')
    expect(json(Type.Literal(true))).toBe('{"type":"boolean","const":true}')
  })

  it('write arrays, unions and records around the schemas they hold', () => {
    expect(json(Type.Array(Type.String(), { maxItems: 3 }))).toBe(
      '{"type":"array","items":{"type":"string"},"maxItems":3}',
    )
    expect(json(Type.Union([Type.String(), Type.Null()], { description: 'u' }))).toBe(
      '{"anyOf":[{"type":"string"},{"type":"null"}],"description":"u"}',
    )
    expect(json(Type.Record(Type.String(), Type.String()))).toBe(
      '{"type":"object","patternProperties":{"^.*$":{"type":"string"}}}',
    )
  })

  it('list the properties that are not optional as required, and leave `required` out when none are', () => {
    const place = Type.Object(
      {
        title: Type.String(),
        rooms: Type.Optional(Type.Integer()),
        note: Type.Union([Type.String(), Type.Null()]),
      },
      { additionalProperties: false },
    )
    expect(json(place)).toBe(
      '{"type":"object","required":["title","note"],"properties":{"title":{"type":"string"},' +
        '"rooms":{"type":"integer"},"note":{"anyOf":[{"type":"string"},{"type":"null"}]}},"additionalProperties":false}',
    )
    expect(json(Type.Object({ rooms: Type.Optional(Type.Integer()) }))).toBe(
      '{"type":"object","properties":{"rooms":{"type":"integer"}}}',
    )
  })

  it('mark an optional copy without changing the schema it was made from', () => {
    const title = Type.String()
    const optional = Type.Optional(title)
    expect(json(optional)).toBe(json(title))
    expect(json(Type.Object({ title }))).toContain('"required":["title"]')
    expect(json(Type.Object({ title: optional }))).not.toContain('required')
  })

  it('make every property optional in a partial object, without the source options', () => {
    const body = Type.Object(
      { a: Type.String(), b: Type.Optional(Type.Integer()) },
      { additionalProperties: false },
    )
    expect(json(Type.Partial(body))).toBe(
      '{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}',
    )
    expect(json(Type.Partial(body, { description: 'y' }))).toContain('"description":"y"')
    expect(json(Type.Object({ ...Type.Partial(body).properties, c: Type.String() }))).toContain(
      '"required":["c"]',
    )
  })
})
