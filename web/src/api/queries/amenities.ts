// The key and query of the amenities.
import { api, WHOLE_LIST } from '../client'
import { apiQuery } from './api-query'

export const amenityQueries = {
  all: () => apiQuery(['amenities'], () => api.GET('/api/v1/amenities/', { params: WHOLE_LIST })),
}
