// Lists come as JSON arrays with their paging in headers: the next page's cursor in
// `Link: <...?cursor=...>; rel="next"` and the total in X-Total-Count.
import { describe, expect, it } from 'vitest'
import { nextCursor, unwrapPage } from '../src/api/client'

describe('paged lists', () => {
  it('take the cursor of the next page from the Link header', () => {
    expect(
      nextCursor('<http://127.0.0.1:8080/api/v1/places/?owner_id=me&limit=50&cursor=01a2-77>; rel="next"'),
    ).toBe('01a2-77')
    expect(
      nextCursor('</api/v1/places/?cursor=abc>; rel="prev", </api/v1/places/?cursor=def>; rel=next'),
    ).toBe('def')
    expect(nextCursor('</api/v1/places/?cursor=abc>; rel="prev"')).toBeUndefined()
    expect(nextCursor(null)).toBeUndefined()
  })

  it('read a page: items, next cursor and total', async () => {
    const response = new Response('[]', {
      headers: {
        'X-Total-Count': '61',
        Link: '<https://hbnb.example/api/v1/places/?cursor=c50>; rel="next"',
      },
    })
    const page = await unwrapPage(Promise.resolve({ data: [{ id: 'a' }], response }))
    expect(page).toEqual({ items: [{ id: 'a' }], next: 'c50', total: 61 })
    const last = await unwrapPage(Promise.resolve({ data: [], response: new Response('[]') }))
    expect(last).toEqual({ items: [], next: undefined, total: undefined })
  })
})
