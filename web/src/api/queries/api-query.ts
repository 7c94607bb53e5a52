// The options of a query whose data is the answer of one API call.
import { queryOptions } from '@tanstack/react-query'
import { type FetchResult, unwrap } from '../client'

/** `queryOptions` for `call`'s data under `queryKey` (a failed call throws its ApiError). */
export function apiQuery<const Key extends readonly unknown[], Data>(
  queryKey: Key,
  call: () => Promise<FetchResult<Data>>,
) {
  return queryOptions({ queryKey, queryFn: () => unwrap(call()) })
}
