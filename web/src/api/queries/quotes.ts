// The keys and queries of the price quotes of stays.
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap } from '../client'

export const quoteQueries = {
  /** Every quote of a place. */
  place: (placeId: string) => ['quote', placeId] as const,
  stay: (placeId: string, checkIn: string, checkOut: string, guests: number) =>
    queryOptions({
      queryKey: ['quote', placeId, checkIn, checkOut, guests] as const,
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/places/{id}/quote', {
            params: { path: { id: placeId }, query: { check_in: checkIn, check_out: checkOut, guests } },
          }),
        ),
    }),
}
