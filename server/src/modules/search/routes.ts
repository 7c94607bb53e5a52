import { serializerOf } from '../../http/cached-response.js'
import type { HttpContext } from '../../http/context.js'
import { errors } from '../../http/schemas.js'
import { SearchQuery, SearchResponse } from './schemas.js'

export function searchRoutes({ app, services, cached }: HttpContext) {
  const { search } = services

  app.get(
    '/api/v1/search',
    {
      schema: {
        tags: ['Search'],
        summary: 'Search published places: text, area, distance, dates, guests, price, amenities',
        description:
          'Every filter is optional and they combine. With `check_in` and `check_out`, only places free for every ' +
          'night of the stay whose rules (notice, booking window, length, guests) accept it are kept, and each ' +
          'result is priced like a quote. `facets` and `total` cover the whole matching set, not just the page, up to ' +
          '`HBNB_SEARCH_EXACT_TOTAL_MAX` matches (1,000 by default): beyond, `total` is that number with ' +
          '`total_is_lower_bound: true` ("1,000+") and the facets count the first that many in the requested order. ' +
          'Page with `limit` and `cursor` (the `next_cursor`, also sent as `Link: rel="next"`); `X-Total-Count` ' +
          'has the total.',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errors(400) },
      },
    },
    async (request, reply) =>
      cached.send(request, reply, await search.findResponse(request.query, serializerOf(reply))),
  )
}
