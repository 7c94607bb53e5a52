// The key and query of the amenities.
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap, WHOLE_LIST } from '../client'

export const amenityQueries = {
  all: () =>
    queryOptions({
      queryKey: ['amenities'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/amenities/', { params: WHOLE_LIST })),
    }),
}
