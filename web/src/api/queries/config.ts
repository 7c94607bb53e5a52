// The key and query of the server's settings for the client (map tiles, whether signup is open).
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap } from '../client'

export const configQueries = {
  client: () =>
    queryOptions({
      queryKey: ['client-config'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/client-config')),
      staleTime: Number.POSITIVE_INFINITY,
    }),
}
